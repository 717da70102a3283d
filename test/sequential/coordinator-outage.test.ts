// No one pays for the coordinator's own outage (#13), on the real stack: three participants wait behind
// a running turn with check-in deadlines of 1 s (+2 s grace) and patient clients; the workflow worker
// goes down for four times that allowance and comes back. The coordinator's pulse records the outage,
// the deadlines that fell in it are moved back (with a `deadline-excused` record), and nobody is
// removed, struck or penalised.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ParticipantClient } from '../../client/participant-client.js';
import { pulseStateQuery, pulseWorkflowId } from '../../workflows/availability/coordinator-pulse.js';
import { participantIdOf } from '../../api/sequential/settings.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const timing = { minCheckinIntervalMs: 1_000, checkinGraceMs: 2_000, initialRoundTripMs: 1_000, computeDeadlineMs: 600_000 };
const pulse = { beatMs: 500, outageAfterMs: 1_500 };
/** Four times what a deadline allows (interval + grace): every waiting deadline falls inside it. */
const OUTAGE_MS = 4 * (timing.minCheckinIntervalMs + timing.checkinGraceMs);

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: timing, pulse }, auth: { rateLimits: { enabled: false } } });
});

afterAll(async () => {
  await stack?.stop();
});

const pulseState = () => stack.env.client.workflow.getHandle(pulseWorkflowId(stack.cfg.ceremony.id)).query(pulseStateQuery);

/** A patient client: checks in every 300 ms whatever happens, counting successes from a moment on. */
function keepCheckingIn(client: ParticipantClient, stop: () => boolean): { okSince: (at: number) => number; refusals: string[]; done: Promise<void> } {
  const okAt: number[] = [];
  const refusals: string[] = [];
  const done = (async () => {
    while (!stop()) {
      try {
        const a = await client.checkin();
        okAt.push(Date.now());
        if (a.status === 'ready') refusals.push('called while the turn ahead runs');
      } catch (err) {
        const code = (err as { code?: string }).code;
        // 5xx and timeouts are the outage; a refusal with a code is what must never happen.
        if (code === 'DEADLINE_MISSED' || code === 'NOT_IN_QUEUE' || code === 'PENALTY_ACTIVE') refusals.push(code);
      }
      await sleep(300);
    }
  })();
  return { okSince: (at) => okAt.filter((t) => t >= at).length, refusals, done };
}

it('moves the deadlines that fell in a workflow-worker outage back, and removes no one', async () => {
  const holder = await devParticipant(stack.url, 'holder');
  expect((await holder.enter()).status).toBe('ready');
  await holder.start();
  const names = ['w1', 'w2', 'w3'];
  const waiters = await Promise.all(names.map((n) => devParticipant(stack.url, n)));
  for (const w of waiters) expect((await w.enter()).status).toBe('queued');
  let stopping = false;
  const loops = waiters.map((w) => keepCheckingIn(w, () => stopping));
  // The pulse hears the API before the outage.
  for (;;) {
    if ((await pulseState()).lastBeatAt !== undefined) break;
    await sleep(100);
  }

  await stack.stopWorkflowWorker();
  // From here no workflow runs: the pulse's last beat is before this moment.
  const downAt = Date.now();
  await sleep(OUTAGE_MS);
  // Until here none runs: its first beat after the outage is after this moment.
  const restartingAt = Date.now();
  await stack.restartWorkflowWorker();
  const upAt = Date.now();

  // After the outage each waiter checks in again three times, and at least three deadlines' worth of time passes.
  // (A refusal ends the wait at once: it is the failure this test is for.)
  const refused = () => loops.some((l) => l.refusals.length > 0);
  while (!refused() && (loops.some((l) => l.okSince(upAt) < 3) || Date.now() < upAt + 3 * (timing.minCheckinIntervalMs + timing.checkinGraceMs))) await sleep(200);
  stopping = true;
  await Promise.all(loops.map((l) => l.done));

  for (const l of loops) expect(l.refusals).toEqual([]);
  expect(await stack.gateway.queue()).toEqual(names.map((n) => participantIdOf(`dev|${n}`)));
  for (const w of waiters) expect(await w.participant()).toMatchObject({ status: 'queued', strikes: 0 });
  expect((await stack.gateway.snapshot(0)).stats).toMatchObject({ removedForMissedCheckin: 0, computeTimeouts: 0 });

  // The pulse saw the outage: from its last beat before the worker stopped to its first after it came back.
  const { outages } = await pulseState();
  expect(outages.some((o) => o.from <= downAt && o.to >= restartingAt)).toBe(true);

  // The deadlines that fell in it were moved back, and the records say so.
  const records = (await (await fetch(`${stack.url}/records`)).json()) as { items: Array<{ kind: string; record: string }> };
  const excused = records.items.filter((r) => r.kind === 'deadline-excused');
  expect(excused.length).toBeGreaterThanOrEqual(1);
  for (const r of excused) expect(JSON.parse(r.record)).toMatchObject({ kind: 'deadline-excused' });
});
