// The lobby on the real stack (#14): each participant's workflow owns its check-in deadline, and
// nothing else holds it. A check-in that changes nothing (more than half an interval before the
// deadline) is answered from queries and writes no history; any API replica answers it the same
// way; a check-in that counts renews the deadline in the participant's own workflow; positions are
// the ceremony's live ones in every answer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ParticipantClient, CheckinAnswer } from '../../client/participant-client.js';
import { SequentialGateway } from '../../api/sequential/gateway.js';
import { participantIdOf, participantWorkflowId } from '../../api/sequential/settings.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// Long turns, so that places 2 and beyond get intervals of many seconds: "half an interval" is then
// seconds long, which no loaded machine eats between two back-to-back calls.
const timing = { minCheckinIntervalMs: 1_000, checkinGraceMs: 5_000, initialRoundTripMs: 16_000 };

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: timing }, auth: { rateLimits: { enabled: false } } });
});

let keeping = true;
let keptAlive: Promise<void> = Promise.resolve();

afterAll(async () => {
  keeping = false;
  await keptAlive;
  await stack?.stop();
});

const pid = (name: string): string => participantIdOf(`dev|${name}`);

const login = (name: string): Promise<ParticipantClient> => devParticipant(stack.url, name);

/** Every event in the participant workflow's history (its current run). */
async function historyLength(name: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(participantWorkflowId(stack.cfg.ceremony.id, pid(name))).fetchHistory();
  return (history.events ?? []).length;
}

/** How many `checkin` updates the participant's workflow (its current run) has taken. */
async function checkinUpdates(name: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(participantWorkflowId(stack.cfg.ceremony.id, pid(name))).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'checkin').length;
}

const lobby = new Map<string, ParticipantClient>();
let holder: ParticipantClient;
const entered = new Map<string, CheckinAnswer>();

beforeAll(async () => {
  // One participant holds the turn (its compute deadline is the default 3 min); six wait behind it.
  holder = await login('holder');
  expect((await holder.enter()).status).toBe('ready');
  await holder.start();
  for (const name of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']) {
    const client = await login(name);
    lobby.set(name, client);
    entered.set(name, await client.enter());
  }
  expect([...entered.values()].map((a) => a.position)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(await stack.gateway.queue()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map(pid));
  // p1 (at the head, 1 s interval) checks in throughout; the others' first deadlines are many seconds away.
  keptAlive = (async () => {
    const head = lobby.get('p1') as ParticipantClient;
    while (keeping) {
      // A transient failure (503 on a loaded machine) is what a real client retries.
      await head.checkin().catch(() => undefined);
      await sleep(300);
    }
  })();
});

it('answers a check-in that changes nothing from queries: the same deadline, the live place, no history written', async () => {
  const p3 = lobby.get('p3') as ParticipantClient;
  const first = entered.get('p3') as CheckinAnswer;
  // Three waiters ahead (the running turn counts what is left of its average); half of that wait.
  expect(first).toMatchObject({ status: 'queued', position: 3, waitersAhead: 3 });
  expect(first.checkinIntervalMs).toBeGreaterThan(4 * 1_000);
  const eventsBefore = await historyLength('p3');
  for (let i = 0; i < 3; i += 1) {
    const answer = await p3.checkin();
    expect(answer).toMatchObject({ status: 'queued', position: 3, waitersAhead: 3, nextDeadlineMs: first.nextDeadlineMs, checkinIntervalMs: first.checkinIntervalMs });
  }
  expect(await historyLength('p3')).toBe(eventsBefore);
  expect(await p3.participant()).toMatchObject({ status: 'queued', checkinDeadline: first.nextDeadlineMs, checkinIntervalMs: first.checkinIntervalMs });
});

it('is answered the same way by another API replica, which holds nothing of its own', async () => {
  const otherReplica = new SequentialGateway(stack.env.client, stack.cfg);
  const first = entered.get('p6') as CheckinAnswer;
  const eventsBefore = await historyLength('p6');
  const answer = await otherReplica.checkin({ identity: 'dev|p6' });
  expect(answer).toMatchObject({ status: 'queued', position: 6, waitersAhead: 6, nextDeadline: first.nextDeadlineMs, checkinIntervalMs: first.checkinIntervalMs });
  expect(await historyLength('p6')).toBe(eventsBefore);
});

it('renews the deadline in the participant workflow in the second half of the interval, halving the interval', async () => {
  const p2 = lobby.get('p2') as ParticipantClient;
  const first = entered.get('p2') as CheckinAnswer;
  // A check-in counts from half an interval before the deadline on.
  const countsFrom = first.nextDeadlineMs - first.checkinIntervalMs / 2;
  await sleep(Math.max(0, countsFrom - Date.now()) + 50);
  const updatesBefore = await checkinUpdates('p2');
  const before = Date.now();
  const answer = await p2.checkin();
  const after = Date.now();
  expect(await checkinUpdates('p2')).toBe(updatesBefore + 1);
  // Under an hour's wait each interval halves (seed 001), down to the floor.
  expect(answer).toMatchObject({ status: 'queued', position: 2 });
  expect(answer.checkinIntervalMs).toBe(Math.max(timing.minCheckinIntervalMs, Math.floor(first.checkinIntervalMs / 2)));
  expect(answer.nextDeadlineMs).toBeGreaterThanOrEqual(before + answer.checkinIntervalMs);
  expect(answer.nextDeadlineMs).toBeLessThanOrEqual(after + answer.checkinIntervalMs);
  expect(await p2.participant()).toMatchObject({ checkinDeadline: answer.nextDeadlineMs });
});

it('moves everyone behind up when one leaves, in the very next answer, early or not', async () => {
  const p5 = lobby.get('p5') as ParticipantClient;
  expect(await p5.leave()).toMatchObject({ status: 'idle' });
  expect(await p5.participant()).toMatchObject({ status: 'idle', removedReason: 'left' });
  expect(await stack.gateway.queue()).not.toContain(pid('p5'));
  const p6 = lobby.get('p6') as ParticipantClient;
  expect(await p6.checkin()).toMatchObject({ position: 5, waitersAhead: 5 });
  const p4 = lobby.get('p4') as ParticipantClient;
  expect(await p4.checkin()).toMatchObject({ position: 4, waitersAhead: 4 });
});

it('answers an enter again from one whose turn is open with that turn, and queues nobody twice', async () => {
  const before = await stack.gateway.queue();
  expect(await holder.enter()).toMatchObject({ status: 'ready', position: 0 });
  expect(await stack.gateway.queue()).toEqual(before);
  expect((await stack.gateway.snapshot(0)).current?.participantId).toBe(pid('holder'));
});
