// Long rounds outgrow one workflow history: with Temporal told to suggest continue-as-new after a few
// dozen events, the round, the ceremony and every poll keep working across new runs, and the round
// still completes with verified parameters.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RoundsClient } from '../../client/rounds-client.js';
import { runRoundsContributor } from '../../client/rounds-contributor.js';
import { waitFor } from '../../common/child-process.js';
import type { Engine } from '../../engine/context.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { startRoundsTestStack, stopRoundsTestStack } from '../helpers/rounds.js';
import { hasContinuedAsNew } from '../helpers/temporal.js';
import type { TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  ({ stack, engine } = await startRoundsTestStack(
    { numG1Powers: 16, numG2Powers: 3, chunkCount: 4, contributorsPerRound: 3, roundFillWaitMs: 10_000, heartbeatTimeoutMs: 10_000, sweepIntervalMs: 300 },
    { temporalArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60'] },
  ));
});

afterAll(() => stopRoundsTestStack({ stack, engine }));

it('REQ-34 a round whose history grows long continues as new and still completes', async () => {
  const runs = ['amy', 'bo', 'cy'].map((name) => runRoundsContributor({ url: stack.url, engine, name, heartbeatMs: 300 }));
  expect((await Promise.all(runs)).map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
  const status = await waitFor(
    'round 1',
    async () => {
      const s = await new RoundsClient(stack.url).status();
      if (s.completedRounds < 1) throw new Error('not yet');
      return s;
    },
    60_000,
    200,
  );
  const roundId = 'ceremony-main-round-1-attempt-0';
  expect(await hasContinuedAsNew(stack.env.client, roundId)).toBe(true);
  const transcript = parseBatchTranscript(await new RoundsClient(stack.url).object(status.history[0]?.aggregatedKey ?? ''));
  await verifyTranscript(engine, transcript);
});
