// The end-to-end story on the real stack: 5 reference contributors at once (Sign-In with
// Ethereum, so the transcript names them), and beside them one participant who stops checking in,
// one who aborts, one who uploads an invalid contribution and one who exceeds the compute deadline.
// The final transcript holds exactly the 5 good contributions, in join order, and verifies; every
// receipt verifies.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/http.js';
import { ParticipantClient, type CheckinAnswer } from '../../client/participant-client.js';
import { runContributor, type ContributorResult } from '../../client/contributor.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';
import { contribute } from '../../engine/ops/contribute.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { verifyReceipt } from '../../evidence/receipt.js';
import { sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

const timing = {
  minCheckinIntervalMs: 1_000,
  checkinGraceMs: 3_000,
  startWindowMs: 4_000,
  computeDeadlineMs: 4_000,
  initialRoundTripMs: 2_000,
  rejoinPenaltyMs: 60_000,
};

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: {
      sizes: [
        { numG1Powers: 16, numG2Powers: 4 },
        { numG1Powers: 32, numG2Powers: 5 },
      ],
      sequential: timing,
    },
    auth: { rateLimits: { authenticated: { limit: 10_000, windowSeconds: 60 }, unauthenticated: { limit: 10_000, windowSeconds: 3600 }, login: { limit: 1_000, windowSeconds: 3600 } } },
  });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

/** Checks in on the deadlines until the status is ready. */
async function waitForTurn(client: ParticipantClient, first: CheckinAnswer): Promise<void> {
  let answer = first;
  while (answer.status !== 'ready') {
    await sleep(Math.max(100, Math.floor((answer.nextDeadlineMs - Date.now()) / 2)));
    answer = await client.checkin();
  }
}

async function faulty(name: string, behaviour: (client: ParticipantClient) => Promise<unknown>): Promise<{ entered: Promise<void>; done: Promise<unknown> }> {
  const client = new ParticipantClient(stack.url);
  await client.loginDev(name);
  let entered!: () => void;
  const enteredPromise = new Promise<void>((r) => (entered = r));
  const done = (async () => {
    const first = await client.enter();
    entered();
    if (name === 'silent') return 'silent';
    await waitForTurn(client, first);
    return behaviour(client);
  })();
  return { entered: enteredPromise, done };
}

it('runs 5 good contributors beside 4 faulty participants; the transcript holds the 5, in join order', async () => {
  const keys = Array.from({ length: 5 }, () => `0x${randomBytes(32).toString('hex')}`);
  const addresses = keys.map((k) => `eth|${privateKeyToAddress(k).toLowerCase()}`);
  const good: Array<Promise<ContributorResult>> = [];
  const bad: Array<Promise<unknown>> = [];
  const outcomes: Record<string, unknown> = {};

  const startGood = async (i: number): Promise<void> => {
    let entered!: () => void;
    const enteredPromise = new Promise<void>((r) => (entered = r));
    good.push(
      runContributor({
        url: stack.url,
        engine,
        ethereumKey: keys[i] as string,
        onEvent: (e) => {
          if (e.kind === 'entered') entered();
        },
      }),
    );
    await enteredPromise;
  };
  const startBad = async (name: string, behaviour: (client: ParticipantClient) => Promise<unknown>): Promise<void> => {
    const f = await faulty(name, behaviour);
    bad.push(
      f.done.then(
        (v) => (outcomes[name] = v),
        (err: unknown) => (outcomes[name] = err instanceof ApiError ? err.code : String(err)),
      ),
    );
    await f.entered;
  };

  // Join order: good0, slow, silent, good1, aborter, good2, invalid, good3, good4. The silent one
  // waits behind the slow one's long turn, so it is removed for its missed check-in before it could
  // ever be called.
  await startGood(0);
  await startBad('slow', async (c) => {
    const started = await c.start();
    const contribution = await contribute(engine, parseBatchContribution(started.powers));
    await sleep(timing.computeDeadlineMs + timing.checkinGraceMs + 1_500);
    // On a loaded machine the turn's timer may run late: complete once the turn is visibly over.
    await vi.waitFor(async () => expect(await c.participant()).toMatchObject({ lastOutcome: 'compute-timeout' }), { timeout: 30_000, interval: 200 });
    return c.complete(serializeBatchContribution(contribution));
  });
  await startBad('silent', async () => undefined);
  await startGood(1);
  await startBad('aborter', async (c) => {
    await c.start();
    return (await c.abort()).outcome;
  });
  await startGood(2);
  await startBad('invalid', async (c) => {
    const started = await c.start();
    const contribution = await contribute(engine, parseBatchContribution(started.powers));
    const first = contribution.contributions[0];
    if (first === undefined) throw new Error('no sub-ceremony');
    const g1 = first.powersOfTau.g1Powers;
    [g1[2], g1[3]] = [g1[3] as string, g1[2] as string];
    return c.complete(serializeBatchContribution(contribution));
  });
  await startGood(3);
  await startGood(4);

  const results = await Promise.all(good);
  await Promise.all(bad);

  expect(outcomes).toEqual({ silent: 'silent', aborter: 'aborted', invalid: 'INVALID_CONTRIBUTION', slow: 'DEADLINE_MISSED' });
  expect(results.map((r) => r.receiptValid)).toEqual([true, true, true, true, true]);
  expect(results.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5]);

  const client = new ParticipantClient(stack.url);
  const transcript = parseBatchTranscript(await client.transcript());
  expect(transcript.participantIds).toEqual(['', ...addresses]);
  const summary = await verifyTranscript(engine, transcript);
  expect(summary).toBeDefined();

  // Every receipt verifies against the published key, from the store through the API.
  const info = await client.info();
  for (const r of results) {
    const check = await verifyReceipt(await client.receipt(r.receiptId), info.receiptKeys.keys);
    expect(check.valid).toBe(true);
  }

  const status = (await client.status()) as { stats: Record<string, number>; sequence: number };
  expect(status.sequence).toBe(5);
  expect(status.stats).toMatchObject({ accepted: 5, rejected: 1, aborted: 1, computeTimeouts: 1, removedForMissedCheckin: 1 });

  // The silent participant was removed for a missed check-in, with a clear code.
  const silent = new ParticipantClient(stack.url);
  await silent.loginDev('silent');
  await expect(silent.checkin()).rejects.toMatchObject({ status: 409, code: 'DEADLINE_MISSED' });
  // ...and may rejoin only after the penalty.
  await expect(silent.enter()).rejects.toMatchObject({ status: 409, code: 'PENALTY_ACTIVE' });
});
