// The 40 s Temporal-server outage of #13 (a rolling restart's worth), on the coordinator as separate
// processes: one participant holds the turn, six reference contributors wait near the head checking
// in every few seconds on the seed's schedule, and the Temporal server is killed (-9) and kept down for
// 40 s. Before the fix all six were removed with DEADLINE_MISSED when it came back. Now: the holder
// completes its turn after the outage, and all six contribute; nobody is removed, struck or
// penalised, and the records say which deadlines the outage moved.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runContributor, type ContributorResult } from '../../client/contributor.js';
import { withRetries } from '../../client/http.js';
import { identitySigner } from '../../client/identity-signer.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startSplitStack, type SplitStack } from '../helpers/split-stack.js';

const OUTAGE_MS = 40_000;
const WAITERS = 6;
/** Turns measured so far are short: the waiters' intervals sit on the schedule's 5 s floor (+5 s grace). */
const ceremony = { sizes: [{ numG1Powers: 64, numG2Powers: 4 }], sequential: { initialRoundTripMs: 5_000 } };

let stack: SplitStack;
let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
  stack = await startSplitStack(ceremony);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  await engine?.close();
});

it('removes nobody for a 40 s Temporal-server outage, and everyone waiting still contributes', async () => {
  const holder = await devParticipant(stack.url, 'holder');
  expect((await holder.enter()).status).toBe('ready');
  const started = await holder.start();
  const upload = serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers), { signIdentity: identitySigner('dev|holder') }));

  // Six contributors join behind the holder and check in as the reference client does.
  const checkins = new Map<string, number>();
  const passed: string[] = [];
  const waiters: Array<Promise<ContributorResult>> = [];
  for (let i = 1; i <= WAITERS; i += 1) {
    const name = `waiter-${i}`;
    waiters.push(
      runContributor({
        url: stack.url,
        engine,
        name,
        onEvent: (event) => {
          if (event.kind === 'checked-in') checkins.set(name, (checkins.get(name) ?? 0) + 1);
          if (event.kind === 'deadline-passed') passed.push(name);
        },
      }),
    );
  }
  // Every waiter is in the queue and has checked in at least once before the outage (a waiter that
  // fails first fails the test at once).
  const failedEarly = Promise.race(waiters.map((w) => w.then(() => new Promise<never>(() => undefined))));
  const allCheckedIn = (async () => {
    while ([...checkins.values()].filter((n) => n >= 1).length < WAITERS) await sleep(200);
  })();
  await Promise.race([allCheckedIn, failedEarly]);

  await stack.kill('temporal', OUTAGE_MS);
  await stack.ready('temporal');

  // The holder's turn goes on: its upload is taken after the outage (retried while the coordinator recovers).
  const done = await withRetries(() => holder.complete(upload), true);
  expect(done.outcome).toBe('accepted');

  // All six contribute, with valid receipts: nobody was removed or refused.
  const results = await Promise.all(waiters);
  for (const r of results) expect(r.receiptValid).toBe(true);
  expect(results.map((r) => r.sequence).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
  const status = (await (await fetch(`${stack.url}/ceremony/status`)).json()) as { stats: Record<string, number> };
  expect(status.stats).toMatchObject({ accepted: 1 + WAITERS, startMissed: 0, computeTimeouts: 0, removedForMissedCheckin: 0 });
  for (const name of ['holder', ...Array.from({ length: WAITERS }, (_, i) => `waiter-${i + 1}`)]) {
    const me = await devParticipant(stack.url, name);
    expect(await me.participant(), name).toMatchObject({ strikes: 0 });
  }

  // Deadlines fell in the outage (the waiters' clients said so), and the records say they were moved.
  expect(passed.length).toBeGreaterThanOrEqual(1);
  const records = (await (await fetch(`${stack.url}/records`)).json()) as { items: Array<{ kind: string }> };
  expect(records.items.filter((r) => r.kind === 'deadline-excused').length).toBeGreaterThanOrEqual(1);
}, 900_000);
