// A long-running sequential ceremony outgrows one workflow history: with Temporal told to suggest
// continue-as-new after a few dozen events, the ceremony and the participants continue as new between
// turns and check-ins, and nothing is lost: every contribution lands, in join order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runContributor } from '../../client/contributor.js';
import { ParticipantClient } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack(
    {
      ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 3_000, initialRoundTripMs: 1_000 } },
      auth: { rateLimits: { enabled: false } },
    },
    { temporalArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'] },
  );
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

it('keeps every contribution across continue-as-new of the ceremony workflow', async () => {
  const names = ['ada', 'bea', 'cal', 'dee', 'eli', 'fox'];
  const results = [];
  for (const name of names) results.push(await runContributor({ url: stack.url, engine, name }));
  expect(results.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(results.every((r) => r.receiptValid)).toBe(true);
  const runs: string[] = [];
  for await (const wf of stack.env.client.workflow.list({ query: `WorkflowId = 'ceremony-main'` })) runs.push(wf.runId);
  expect(runs.length).toBeGreaterThan(1);
  const transcript = parseBatchTranscript(await new ParticipantClient(stack.url).transcript());
  expect(transcript.participantIds).toHaveLength(7);
  await verifyTranscript(engine, transcript);
  const status = (await new ParticipantClient(stack.url).status()) as { sequence: number; stats: { accepted: number } };
  expect(status).toMatchObject({ sequence: 6, stats: { accepted: 6 } });
});
