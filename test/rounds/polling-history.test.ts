// Issue #14: polls are queries and heartbeats reach the round only when its liveness asks for them,
// on the real stack (external verification). Idle polls and heartbeats from members whose liveness is
// fresh write nothing to the round's history, however many; only claims are updates.
//
// The heartbeat timeout and the sweep interval are ten minutes, longer than this file's timeout:
// every member stays fresh and the sweep's timer never fires, so by design nothing but the calls
// under test can write to the round's history.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { RoundsClient } from '../../client/rounds-client.js';
import { waitFor } from '../../common/child-process.js';
import { chunkStateFromText } from '../../engine/chunked/any-document.js';
import { contributeChunk, deriveRoundSecret } from '../../engine/chunked/contribute.js';
import { serializeChunkContribution } from '../../engine/chunked/format.js';
import type { Engine } from '../../engine/context.js';
import { roundsCeremonyWorkflowId } from '../../workflows/rounds/index.js';
import { roundStatusQuery } from '../../workflows/rounds/messages.js';
import { startRoundsTestStack, stopRoundsTestStack } from '../helpers/rounds.js';
import type { TestStack } from '../helpers/stack.js';

const TEN_MINUTES = 600_000;
let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  ({ stack, engine } = await startRoundsTestStack({
    numG1Powers: 16,
    numG2Powers: 3,
    chunkCount: 1,
    contributorsPerRound: 2,
    roundFillWaitMs: 10_000,
    verification: 'external',
    verifierIdentities: ['dev|vera'],
    replacementIdentities: ['dev|spare'],
    heartbeatTimeoutMs: TEN_MINUTES,
    slowTaskTimeoutMs: TEN_MINUTES,
    sweepIntervalMs: TEN_MINUTES,
  }));
});

afterAll(() => stopRoundsTestStack({ stack, engine }));

type Events = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>;

/**
 * The workflow's history once no workflow task or activity is pending: every call made so far has been
 * applied, and the work it started (such as a record's activity) has finished.
 */
async function settledHistory(workflowId: string): Promise<Events> {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  await waitFor(
    `${workflowId} to settle`,
    async () => {
      const { raw } = await handle.describe();
      if (raw.pendingWorkflowTask != null || (raw.pendingActivities ?? []).length > 0) throw new Error('a workflow task or an activity is pending');
    },
    30_000,
    50,
  );
  return (await handle.fetchHistory()).events ?? [];
}

const updates = (events: Events, name: string): number => events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name).length;
const heartbeats = (events: Events): number => events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'heartbeat').length;

async function login(name: string): Promise<RoundsClient> {
  const client = new RoundsClient(stack.url);
  await client.loginDev(name);
  return client;
}

let amy: RoundsClient;
let ben: RoundsClient;
let vera: RoundsClient;
let spare: RoundsClient;
let roundId = '';

it('idle polls and heartbeats from fresh members write nothing to the round or the ceremony, however many; only the claim is an update', async () => {
  [amy, ben, vera, spare] = (await Promise.all(['amy', 'ben', 'vera', 'spare'].map(login))) as [RoundsClient, RoundsClient, RoundsClient, RoundsClient];
  await amy.join();
  await ben.join();
  roundId = await waitFor(
    'the round with amy and ben',
    async () => {
      const s = await amy.status();
      if (s.round?.slots.length !== 2 || s.current === null) throw new Error('not yet');
      return s.current.workflowId;
    },
    60_000,
    100,
  );

  // The first call of each: amy claims the one chunk; ben, whose chunk amy holds, waits; vera has
  // nothing to verify; spare stands by. vera and spare are not known to the round yet: their first
  // call registers them with a heartbeat signal.
  expect(await amy.nextTask()).toMatchObject({ action: 'contribute', chunk: 0 });
  const polls = async (): Promise<void> => {
    expect(await amy.nextTask()).toMatchObject({ action: 'contribute', chunk: 0 });
    expect(await ben.nextTask()).toMatchObject({ action: 'wait', reason: 'the chunks you need are busy or awaiting verification' });
    expect(await vera.nextVerification()).toEqual({ action: 'wait', retryAfterMs: 500 });
    expect(await spare.nextTask()).toMatchObject({ action: 'wait', reason: 'standing by as a replacement contributor' });
  };
  const beats = async (): Promise<void> => {
    for (const client of [amy, ben, vera, spare]) expect(await client.heartbeat()).toEqual({ ok: true });
  };
  await polls();
  await beats();
  const warm = await settledHistory(roundId);
  expect(updates(warm, 'takeTask')).toBe(1);
  expect(updates(warm, 'takeVerification')).toBe(0);
  // One registration each for vera and spare (amy and ben are known and fresh since the round began);
  // a second at most if a call asked before the first registration was applied.
  expect(heartbeats(warm)).toBeGreaterThanOrEqual(2);
  expect(heartbeats(warm)).toBeLessThanOrEqual(4);
  // The round's own view (the API's /rounds/status may answer from a view a moment old).
  const round = await stack.env.client.workflow.getHandle(roundId).query(roundStatusQuery);
  expect(round.verifiers.map((v) => [v.identity, v.status])).toEqual([['dev|vera', 'active']]);
  expect(round.replacementsAvailable).toBe(1);
  const ceremonyId = roundsCeremonyWorkflowId(stack.cfg.ceremony.id);
  const ceremonyBefore = await settledHistory(ceremonyId);

  // N polls and M heartbeats from each of the four: nothing to take, every liveness fresh.
  for (let i = 0; i < 20; i += 1) await polls();
  for (let i = 0; i < 20; i += 1) await beats();
  await Promise.all(Array.from({ length: 10 }, () => polls()));
  const after = await settledHistory(roundId);
  expect(after.length).toBe(warm.length);
  expect((await settledHistory(ceremonyId)).length).toBe(ceremonyBefore.length);
}, 120_000);

it('when work appears the poll that sees it claims it with one update, and later polls are answered the held lease by the query', async () => {
  const task = await amy.nextTask();
  if (task.action !== 'contribute') throw new Error(`amy: ${JSON.stringify(task)}`);
  const contribution = await contributeChunk(engine, chunkStateFromText(await amy.object(task.baseStateKey)), deriveRoundSecret());
  const submitted = await amy.submitChunk(task.chunk, task.baseStateKey, serializeChunkContribution(contribution));
  const before = await settledHistory(roundId);
  const lease = await vera.nextVerification();
  expect(lease).toMatchObject({ action: 'verify', contributionId: submitted.contributionId, chunk: 0 });
  const claimed = await settledHistory(roundId);
  expect(updates(claimed, 'takeVerification') - updates(before, 'takeVerification')).toBe(1);
  for (let i = 0; i < 10; i += 1) {
    expect(await vera.nextVerification()).toEqual(lease);
    // amy's chunk awaits verification: she waits, ben's chunk is still busy.
    expect(await amy.nextTask()).toMatchObject({ action: 'wait', reason: 'your contributions are being verified' });
    expect(await ben.nextTask()).toMatchObject({ action: 'wait' });
  }
  expect((await settledHistory(roundId)).length).toBe(claimed.length);
}, 120_000);
