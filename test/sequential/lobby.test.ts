// The lobby behind the first places, on the real stack: check-ins there are answered by the API with
// the seed's schedule and recorded in the lobby shard workflows (no workflow task on the participant);
// a shard removes whoever stops checking in; a second API replica continues the schedule from the
// shard's record; the table passes from epoch to epoch (4 s epochs here) without losing anyone.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/http.js';
import { ParticipantClient, type CheckinAnswer } from '../../client/participant-client.js';
import { SequentialGateway } from '../../api/sequential/gateway.js';
import { participantIdOf, participantWorkflowId } from '../../api/sequential/settings.js';
import { lookUpLiveness } from '../../api/sequential/liveness-lookup.js';
import { lobbyEpochOf, lobbyShardOf, lobbyShardWorkflowId } from '../../workflows/sequential/lobby.js';
import type { LivenessEntry } from '../../workflows/sequential/messages.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// A grace allowance a loaded CI machine cannot eat between the tests (p3 and p6 check in only inside them).
const timing = { minCheckinIntervalMs: 1_000, checkinGraceMs: 5_000, initialRoundTripMs: 1_000, lobbyShards: 2, lobbyEpochMs: 4_000, lobbyEpochOverlapMs: 500 };

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

/** How many `checkin` updates the participant's workflow (all its runs) has taken. */
async function checkinUpdates(name: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(participantWorkflowId(stack.cfg.ceremony.id, pid(name))).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'checkin').length;
}

/** The lobby shard's workflow for a participant in one epoch (by default the epoch of the moment). */
function shardOf(name: string, epoch = lobbyEpochOf(Date.now(), timing)): string {
  return lobbyShardWorkflowId(stack.cfg.ceremony.id, lobbyShardOf(pid(name), timing.lobbyShards), epoch);
}

/** The latest entry the lobby holds for a participant, in the epoch of the moment or a neighbour. */
function heldFor(name: string): Promise<LivenessEntry | undefined> {
  return lookUpLiveness(stack.env.client, stack.gateway.settings, pid(name));
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiError) return `${err.status} ${err.code}`;
    throw err;
  }
  return 'no error';
}

const lobby = new Map<string, ParticipantClient>();
const entered = new Map<string, CheckinAnswer>();

beforeAll(async () => {
  // One participant holds the turn (its compute deadline is the default 3 min); six wait behind it.
  const holder = await login('holder');
  expect((await holder.enter()).status).toBe('ready');
  await holder.start();
  for (const name of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']) {
    const client = await login(name);
    lobby.set(name, client);
    entered.set(name, await client.enter());
  }
  expect([...entered.values()].map((a) => a.position)).toEqual([1, 2, 3, 4, 5, 6]);
  // p1, p2 and p4 check in throughout, so the places of the others do not change.
  keptAlive = (async () => {
    const keep = ['p1', 'p2', 'p4'].map((name) => lobby.get(name) as ParticipantClient);
    while (keeping) {
      for (const k of keep) await k.checkin();
      await sleep(300);
    }
  })();
  // The snapshot the API computes positions from has caught up with the joins.
  await vi.waitFor(async () => expect((await stack.gateway.snapshot(0)).queue).toHaveLength(6), { timeout: 15_000 });
  await sleep(300);
});

it("answers check-ins behind the first places with the seed's schedule, recorded in the lobby shard, without a workflow task on the participant", async () => {
  const p3 = lobby.get('p3') as ParticipantClient;
  // Position 3 behind a running turn: 3 waiters ahead x 1 s; the first interval was half of that.
  expect(entered.get('p3')).toMatchObject({ position: 3, waitersAhead: 3, expectedWaitMs: 3_000, checkinIntervalMs: 1_500 });
  let answer = await p3.checkin();
  await sleep(300);
  answer = await p3.checkin();
  const updatesBefore = await checkinUpdates('p3');
  for (let i = 0; i < 3; i += 1) {
    await sleep(300);
    const before = Date.now();
    answer = await p3.checkin();
    // Under an hour's wait each interval halves, down to the 1 s floor.
    expect(answer).toMatchObject({ status: 'queued', position: 3, waitersAhead: 3, expectedWaitMs: 3_000, checkinIntervalMs: 1_000 });
    expect(answer.nextDeadlineMs).toBeGreaterThanOrEqual(before + 1_000);
    expect(answer.nextDeadlineMs).toBeLessThanOrEqual(Date.now() + 1_000);
  }
  expect(await checkinUpdates('p3')).toBe(updatesBefore);
  // The shard holds the deadline handed out last, and the participant's record shows it.
  expect(await heldFor('p3')).toMatchObject({ participantId: pid('p3'), deadline: answer.nextDeadlineMs, intervalMs: 1_000 });
  expect(await p3.participant()).toMatchObject({ status: 'queued', checkinDeadline: answer.nextDeadlineMs, checkinIntervalMs: 1_000 });
});

it('continues the halving from the lobby shard when another API replica answers', async () => {
  // p6 entered with an interval of 3 s (6 waiters x 1 s / 2) and has not checked in since.
  expect(entered.get('p6')).toMatchObject({ position: 6, checkinIntervalMs: 3_000 });
  const otherReplica = new SequentialGateway(stack.env.client, stack.cfg);
  const answer = await otherReplica.checkin({ identity: 'dev|p6' });
  // Halved from the 3 s the shard recorded (a first check-in would get 3 s again).
  expect(answer).toMatchObject({ status: 'queued', position: 6, checkinIntervalMs: 1_500 });
  // Neither the enter nor this check-in needed an update on the participant's workflow.
  expect(await checkinUpdates('p6')).toBe(0);
});

it('removes whoever stops checking in, at the deadline plus grace: out of the queue, a strike, then 409 DEADLINE_MISSED', async () => {
  const p5 = lobby.get('p5') as ParticipantClient;
  const last = await p5.checkin();
  expect(last.position).toBe(5);
  // p3 and p6 keep checking in meanwhile and stay.
  const keepers = ['p3', 'p6'].map((name) => lobby.get(name) as ParticipantClient);
  // An expiry that falls at an epoch's end is swept by the next epoch, after the hand-over.
  const removedBy = last.nextDeadlineMs + timing.checkinGraceMs + 2 * timing.lobbyEpochOverlapMs;
  // Until p5 is out (and at least until it is due out; at most 15 s more on a loaded machine).
  const out = async (): Promise<boolean> => !(await stack.gateway.snapshot(0)).queue.includes(pid('p5'));
  while (Date.now() < removedBy || (!(await out()) && Date.now() < removedBy + 15_000)) {
    for (const k of keepers) expect((await k.checkin()).status).toBe('queued');
    await sleep(400);
  }
  const queue = (await stack.gateway.snapshot(0)).queue;
  expect(queue).not.toContain(pid('p5'));
  expect(queue).toEqual(expect.arrayContaining([pid('p3'), pid('p6')]));
  expect(await p5.participant()).toMatchObject({ status: 'idle', removedReason: 'missed-checkin', strikes: 1 });
  expect(await codeOf(p5.checkin())).toBe('409 DEADLINE_MISSED');
});

it('places one who joined after the snapshot by its join ticket, still without a workflow task', async () => {
  const otherReplica = new SequentialGateway(stack.env.client, stack.cfg);
  const before = await otherReplica.snapshot(0);
  const p7 = await login('p7');
  lobby.set('p7', p7);
  const joined = await p7.enter();
  expect(joined.position).toBe(before.queue.length + 1);
  // The other replica's snapshot predates the join: it places p7 by its ticket.
  const answer = await otherReplica.checkin({ identity: 'dev|p7' });
  expect(answer).toMatchObject({ status: 'queued', position: joined.position, waitersAhead: joined.waitersAhead });
  expect(await checkinUpdates('p7')).toBe(0);
});

it('hands its table from epoch to epoch: nobody checking in on time is removed, and ended epochs complete', async () => {
  const keepers = ['p3', 'p6'].map((name) => lobby.get(name) as ParticipantClient);
  const first = lobbyEpochOf(Date.now(), timing);
  while (lobbyEpochOf(Date.now(), timing) < first + 3) {
    for (const k of keepers) expect((await k.checkin()).status).toBe('queued');
    await sleep(400);
  }
  for (const k of keepers) expect((await k.checkin()).status).toBe('queued');
  // The epochs that ended have handed their tables over (started the next epoch with it, or signalled
  // it) and completed; the present one holds the latest check-in.
  for (const epoch of [first, first + 1]) {
    const handle = stack.env.client.workflow.getHandle(shardOf('p3', epoch));
    await vi.waitFor(async () => expect((await handle.describe()).status.name).toBe('COMPLETED'), { timeout: 10_000 });
    const events = (await handle.fetchHistory()).events ?? [];
    const handedOver = events.some(
      (e) =>
        e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId === shardOf('p3', epoch + 1) ||
        (e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'lobbyHandover' &&
          e.signalExternalWorkflowExecutionInitiatedEventAttributes.workflowExecution?.workflowId === shardOf('p3', epoch + 1)),
    );
    expect(handedOver, `epoch ${epoch} handed its table to ${epoch + 1}`).toBe(true);
  }
  expect((await heldFor('p3'))?.participantId).toBe(pid('p3'));
  expect((await stack.gateway.snapshot(0)).queue).toEqual(expect.arrayContaining([pid('p3'), pid('p6')]));
});
