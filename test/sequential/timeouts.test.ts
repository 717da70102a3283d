// The sequential mode's clocks on the real stack, with short durations: the start window, the compute
// deadline, abort, the check-in deadline, and the rejoin penalty. Each lost slot goes to the next
// participant at once, and the ceremony keeps taking contributions.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../client/http.js';
import { ParticipantClient, type CheckinAnswer, type StartAnswer } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { keysUnder } from '../helpers/objects.js';
import { devParticipant, sleep, untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const timing = {
  minCheckinIntervalMs: 1_000,
  checkinGraceMs: 500,
  startWindowMs: 2_000,
  // Far longer than a waiting participant's first deadline plus grace (a few seconds here), so one who
  // misses it is removed before the turn ahead of it could end.
  computeDeadlineMs: 10_000,
  // Long, so that before any turn has been measured a participant two places back gets a long first
  // interval (about 30 s): two whole turns must fit in it, however loaded the machine, with the start
  // window and the grace to spare.
  initialRoundTripMs: 30_000,
  rejoinPenaltyMs: 4_000,
};

let stack: TestStack;
let engine: Engine;
let sequence = 0;

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: { sizes: [{ numG1Powers: 16, numG2Powers: 4 }], sequential: timing },
    auth: { rateLimits: { enabled: false } },
  });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

const idle = (): Promise<void> => untilIdle(stack);

beforeEach(idle);

const login = (name: string): Promise<ParticipantClient> => devParticipant(stack.url, name);

/** Checks in every pollMs (well inside the deadlines) until ready; resolves with the moment it saw ready. */
async function untilReady(client: ParticipantClient, first: CheckinAnswer, pollMs = 100, timeoutMs = 30_000): Promise<number> {
  const giveUp = Date.now() + timeoutMs;
  let a = first;
  while (a.status !== 'ready') {
    if (Date.now() > giveUp) throw new Error('never became ready');
    expect(a.nextDeadlineMs).toBeGreaterThan(Date.now());
    await sleep(pollMs);
    a = await client.checkin();
  }
  return Date.now();
}

async function codeOf(call: Promise<unknown>): Promise<{ status: number; code: string; details: Record<string, unknown> | undefined }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, details: err.details };
    throw err;
  }
  return { status: 200, code: 'OK', details: undefined };
}

async function contributeNow(client: ParticipantClient, started?: StartAnswer): Promise<number> {
  const s = started ?? (await client.start());
  const done = await client.complete(serializeBatchContribution(await contribute(engine, parseBatchContribution(s.powers))));
  expect(done.outcome).toBe('accepted');
  sequence += 1;
  expect(done.sequence).toBe(sequence);
  return done.sequence;
}

/** Waits out the penalty named in a PENALTY_ACTIVE refusal, then enters. The slot was lost in [lostAfter, lostBefore]. */
async function rejoinAfterPenalty(client: ParticipantClient, lostAfter: number, lostBefore: number): Promise<CheckinAnswer> {
  const refused = await codeOf(client.enter());
  expect(refused).toMatchObject({ status: 409, code: 'PENALTY_ACTIVE' });
  const retryAt = refused.details?.['retryAt'];
  expect(typeof retryAt).toBe('number');
  // The penalty runs from the moment the slot was lost.
  expect(retryAt as number).toBeGreaterThanOrEqual(lostAfter + timing.rejoinPenaltyMs);
  expect(retryAt as number).toBeLessThanOrEqual(lostBefore + timing.rejoinPenaltyMs);
  // Still refused well before it ends (half the penalty: a loaded machine's sleep may overshoot)...
  await sleep(Math.max(0, (retryAt as number) - Date.now() - timing.rejoinPenaltyMs / 2));
  expect(await codeOf(client.enter())).toMatchObject({ status: 409, code: 'PENALTY_ACTIVE' });
  // ...and let in once it has.
  await sleep(Math.max(0, (retryAt as number) - Date.now() + 100));
  await idle();
  return client.enter();
}

describe('a participant called before its next check-in is due', () => {
  it('keeps the turn until that check-in comes (by its deadline), then has the full start window', async () => {
    // Runs first: no turn has been measured yet, so the average round trip is initialRoundTripMs.
    const first = await login('called-first');
    expect((await first.enter()).status).toBe('ready');
    const firstStarted = await first.start();
    const second = await login('called-second');
    const secondFirst = await second.enter();
    expect(secondFirst).toMatchObject({ status: 'queued', position: 1, checkinIntervalMs: timing.minCheckinIntervalMs });
    const secondReady = untilReady(second, secondFirst);
    const third = await login('called-third');
    const thirdFirst = await third.enter();
    // The honest estimate (seed 002): what is left of the running turn's average, then one average for
    // second; so the estimated start is the running turn's start plus two averages, whenever asked.
    const running = (await stack.gateway.snapshot(0)).current;
    expect(running).toBeDefined();
    expect(thirdFirst).toMatchObject({ position: 2, expectedStartAt: new Date((running?.startedAt ?? 0) + 2 * timing.initialRoundTripMs).toISOString() });
    const thirdDue = thirdFirst.nextDeadlineMs;
    expect(thirdDue - Date.now()).toBeGreaterThan(timing.initialRoundTripMs / 2);

    // The two ahead finish long before third's check-in is due: third is called without knowing it.
    await contributeNow(first, firstStarted);
    await secondReady;
    await contributeNow(second);
    const calledAt = Date.now();
    expect(thirdDue - calledAt).toBeGreaterThan(timing.minCheckinIntervalMs + timing.startWindowMs + timing.checkinGraceMs);

    // Third checks in shortly before its deadline, as the seed lets it: still its turn, and it may start.
    // Well before it (a loaded machine must not make the check-in itself late), but after the start
    // window would have closed had the turn not waited for this check-in.
    const defaultWindowEnd = calledAt + timing.minCheckinIntervalMs + timing.startWindowMs + timing.checkinGraceMs;
    await sleep(Math.max(thirdDue - 1_500, defaultWindowEnd + 300) - Date.now());
    const answer = await third.checkin();
    expect(answer.status).toBe('ready');
    await sleep(timing.startWindowMs - 1_000);
    await contributeNow(third);
  });
});

describe('the start window', () => {
  it('a start after the window is 409 START_WINDOW_MISSED, the next participant is called, and the late one may rejoin after the penalty', async () => {
    const late = await login('late-starter');
    const entered = await late.enter();
    expect(entered.status).toBe('ready');
    const notifiedAt = Date.now();
    const next = await login('next-after-late');
    const nextFirst = await next.enter();
    expect(nextFirst).toMatchObject({ status: 'queued', position: 1 });

    // Next is called once the window (plus the grace) has run out, not before.
    const nextReadyAt = await untilReady(next, nextFirst);
    const waited = nextReadyAt - notifiedAt;
    expect(waited).toBeGreaterThanOrEqual(timing.startWindowMs);
    expect(waited).toBeLessThan(timing.startWindowMs + timing.checkinGraceMs + 2_000);

    const refused = await codeOf(late.start());
    expect(refused).toMatchObject({ status: 409, code: 'START_WINDOW_MISSED' });
    expect(await codeOf(late.complete('{}'))).toMatchObject({ status: 409, code: 'START_WINDOW_MISSED' });

    await contributeNow(next);

    const again = await rejoinAfterPenalty(late, notifiedAt + timing.startWindowMs, nextReadyAt);
    expect(again.status).toBe('ready');
    await contributeNow(late);
  });
});

describe('the compute deadline', () => {
  it('releases the slot when it passes: the next participant is ready at once; the late complete is 409 DEADLINE_MISSED and stores nothing', async () => {
    const slow = await login('slow-computer');
    expect((await slow.enter()).status).toBe('ready');
    const beforeStart = Date.now();
    const started = await slow.start();
    const startedAt = Date.now();
    // The deadline runs from the moment the turn took the start, somewhere within the call.
    const deadline = Date.parse(started.computeDeadline);
    expect(deadline - timing.computeDeadlineMs).toBeGreaterThanOrEqual(beforeStart);
    expect(deadline - timing.computeDeadlineMs).toBeLessThanOrEqual(startedAt);
    const body = serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers)));

    const next = await login('next-after-slow');
    const nextFirst = await next.enter();
    expect(nextFirst.status).not.toBe('ready');
    // The head of the queue is asked to poll at the 5 s floor (here 1 s), not at half the average round trip.
    expect(nextFirst.checkinIntervalMs).toBe(timing.minCheckinIntervalMs);
    const nextReadyAt = await untilReady(next, nextFirst);
    expect(nextReadyAt).toBeGreaterThanOrEqual(deadline);
    expect(nextReadyAt - (deadline + timing.checkinGraceMs)).toBeLessThan(1_500);

    // Every staged upload at any depth (each submission has its own prefix under uploads/<turn>/).
    const uploads = async (): Promise<number> => (await keysUnder(stack, 'uploads')).length;
    const before = await uploads();
    expect(await codeOf(slow.complete(body))).toMatchObject({ status: 409, code: 'DEADLINE_MISSED' });
    expect(await uploads()).toBe(before);
    expect(await codeOf(slow.start())).toMatchObject({ status: 409, code: 'DEADLINE_MISSED' });

    await contributeNow(next);
    // The count sees a kept upload: the check above was not of an empty listing.
    expect(await uploads()).toBe(before + 1);
    const again = await rejoinAfterPenalty(slow, deadline, nextReadyAt);
    expect(again.status).toBe('ready');
    await contributeNow(slow);

    const status = (await slow.status()) as { stats: Record<string, number> };
    expect(status.stats).toMatchObject({ computeTimeouts: 1, startMissed: 1 });
  });
});

describe('abort', () => {
  it('hands the slot to the next participant at once, well before the compute deadline', async () => {
    const quitter = await login('quitter');
    expect((await quitter.enter()).status).toBe('ready');
    const started = await quitter.start();
    const deadline = Date.parse(started.computeDeadline);
    const next = await login('next-after-quitter');
    const nextFirst = await next.enter();
    expect(nextFirst.status).not.toBe('ready');

    const abortedAt = Date.now();
    expect(await quitter.abort()).toEqual({ outcome: 'aborted' });
    const nextReadyAt = await untilReady(next, await next.checkin(), 50);
    expect(nextReadyAt - abortedAt).toBeLessThan(1_500);
    expect(deadline - nextReadyAt).toBeGreaterThan(timing.computeDeadlineMs / 2);

    // The aborted turn is over for the quitter; no penalty by default (abortPenaltyMs 0).
    expect(await codeOf(quitter.complete('{}'))).toMatchObject({ status: 409 });
    expect(await codeOf(quitter.abort())).toMatchObject({ status: 409 });
    await contributeNow(next);
    await idle();
    const back = await quitter.enter();
    expect(back.status).toBe('ready');
    await contributeNow(quitter);
  });
});

describe('the check-in deadline', () => {
  it('removes a participant who misses it: its next check-in is 409 DEADLINE_MISSED, then PENALTY_ACTIVE until the penalty ends', async () => {
    const first = await login('first-in-line');
    expect((await first.enter()).status).toBe('ready');
    const firstStarted = await first.start();
    const silent = await login('silent-one');
    const entered = await silent.enter();
    expect(entered).toMatchObject({ status: 'queued', position: 1 });
    const removeAt = entered.nextDeadlineMs + timing.checkinGraceMs;
    const third = await login('third-in-line');
    const thirdFirst = await third.enter();
    expect(thirdFirst).toMatchObject({ position: 2 });

    // Third keeps checking in; silent does not. Silent's own workflow removes it once its deadline and
    // grace have passed (its timer): third moves up. Allowed: 5 s of workflow-task latency on a loaded
    // machine (a timer later than the pulse's outage threshold would be excused as an outage).
    let thirdAnswer = thirdFirst;
    while (Date.now() < removeAt + 1_000 || (thirdAnswer.position > 1 && Date.now() < removeAt + 5_000)) {
      await sleep(200);
      thirdAnswer = await third.checkin();
    }
    expect(thirdAnswer).toMatchObject({ position: 1 });
    const missed = await codeOf(silent.checkin());
    expect(missed).toMatchObject({ status: 409, code: 'DEADLINE_MISSED' });
    const missedAt = Date.now();
    expect(missed.details?.['penaltyUntil']).toBeGreaterThan(missedAt);
    const status = (await silent.status()) as { queueLength: number; stats: Record<string, number> };
    expect(status.queueLength).toBe(1);
    expect(status.stats['removedForMissedCheckin']).toBe(1);

    // The queue runs on: first, then third.
    await contributeNow(first, firstStarted);
    await untilReady(third, await third.checkin());
    await contributeNow(third);

    const again = await rejoinAfterPenalty(silent, removeAt, missedAt);
    expect(again.status).toBe('ready');
    await contributeNow(silent);
  });
});
