// What the sequential-mode tests on the real stack share: a sleep, the wait for an idle ceremony,
// and a participant logged in with the dev provider.
import { expect, vi } from 'vitest';
import { ParticipantClient, type CheckinAnswer } from '../../client/participant-client.js';
import type { TestStack } from './stack.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until nobody holds a turn and nobody waits: the next to enter is called at once. */
export async function untilIdle(stack: TestStack): Promise<void> {
  await vi.waitFor(
    async () => {
      const s = await stack.gateway.snapshot(0);
      expect({ current: s.current, queueLength: s.queueLength }).toEqual({ current: null, queueLength: 0 });
    },
    { timeout: 15_000, interval: 100 },
  );
}

/**
 * Enters and, as a client does, checks in until called: on an idle ceremony the call comes at once,
 * or a moment later when the ceremony is continuing as new just as the join arrives.
 */
export async function enterUntilCalled(client: ParticipantClient): Promise<CheckinAnswer> {
  let answer = await client.enter();
  await vi.waitFor(
    async () => {
      if (answer.status !== 'ready') answer = await client.checkin();
      expect(answer.status).toBe('ready');
    },
    { timeout: 30_000, interval: 200 },
  );
  return answer;
}

/** A participant client logged in with the dev provider as `name`. */
export async function devParticipant(url: string, name: string): Promise<ParticipantClient> {
  const client = new ParticipantClient(url);
  await client.loginDev(name);
  return client;
}
