// REQ-34 on the real stack when answers are lost between the contributors and the API: a task
// request answered 504 is asked again, an upload whose answer never arrives (the round took it) is
// not sent twice, and the round still completes with every chunk from both contributors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RoundsClient } from '../../client/rounds-client.js';
import { runRoundsContributor, type RoundsContributorEvent } from '../../client/rounds-contributor.js';
import { waitFor } from '../../common/child-process.js';
import { startFaultyProxy, type FaultyProxy } from '../helpers/faulty-proxy.js';
import { startRoundsTestStack, stopRoundsTestStack, type RoundsTestStack } from '../helpers/rounds.js';

let started: Partial<RoundsTestStack> = {};
let proxy: FaultyProxy | undefined;

beforeAll(async () => {
  started = await startRoundsTestStack({
    numG1Powers: 16,
    numG2Powers: 3,
    chunkCount: 4,
    contributorsPerRound: 2,
    roundFillWaitMs: 10_000,
    verification: 'coordinator',
    heartbeatTimeoutMs: 6_000,
    sweepIntervalMs: 300,
  });
});

afterAll(async () => {
  await proxy?.close();
  await stopRoundsTestStack(started);
});

it('REQ-34 a round completes when a task answer is 504 and an upload answer is lost: nothing is uploaded twice', async () => {
  const { stack, engine } = started as RoundsTestStack;
  const upload = /^POST \/rounds\/contribution\/\d+$/;
  let uploads = 0;
  proxy = await startFaultyProxy(stack.url, (call, nth) => {
    if (call === 'POST /rounds/tasks/next' && nth === 2) return 'timeout';
    if (upload.test(call) && ++uploads === 1) return 'lose-answer';
    return undefined;
  });
  const events: RoundsContributorEvent[] = [];
  const through = proxy.url;
  const results = await Promise.all(['amy', 'ben'].map((name) => runRoundsContributor({ url: through, engine, name, heartbeatMs: 1_000, onEvent: (e) => events.push(e) })));
  expect(results.map((r) => r.outcome)).toEqual(['done', 'done']);
  // Each checked its round receipt against the published key (issue #10).
  expect(results.map((r) => r.receipt?.valid)).toEqual([true, true]);
  expect(proxy.injected).toEqual(['timeout POST /rounds/tasks/next', expect.stringMatching(/^lose-answer POST \/rounds\/contribution\/\d+$/)]);
  // The 504 is asked again inside the client; the lost upload answer sends the contributor back to its tasks.
  expect(events.filter((e) => e.kind === 'retrying').length).toBeGreaterThanOrEqual(1);
  // Four chunks, each contributed once by each contributor: the lost answer's upload was not repeated.
  expect(proxy.seen.filter((c) => upload.test(c))).toHaveLength(8);
  await waitFor(
    'the round to complete',
    async () => {
      if ((await new RoundsClient(stack.url).status()).completedRounds < 1) throw new Error('not yet');
    },
    60_000,
    300,
  );
  const round = (await new RoundsClient(stack.url).status()).history[0];
  expect(round?.contributors.map((m) => m.identity).sort()).toEqual(['dev|amy', 'dev|ben']);
  expect(round?.drops ?? []).toEqual([]);
}, 120_000);
