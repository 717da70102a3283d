// A contributor uploads its base back verbatim, on the real stack (coordinator verification). The base
// is the previous contributor's accepted upload for that chunk; the replay has the same SHA-256, and
// under one shared prefix it would have the same key, so deleting the rejected upload would delete
// the chunk's accepted base and break aggregation. Each submission has its own prefix instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RoundsClient, type RoundsStatusAnswer } from '../../client/rounds-client.js';
import { runRoundsContributor } from '../../client/rounds-contributor.js';
import { waitFor } from '../../common/child-process.js';
import { chunkStateFromText } from '../../engine/chunked/any-document.js';
import { contributeChunk, deriveRoundSecret } from '../../engine/chunked/contribute.js';
import { serializeChunkContribution } from '../../engine/chunked/format.js';
import type { Engine } from '../../engine/context.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { sha256OfKey } from '../../store/object-store.js';
import { startRoundsTestStack, stopRoundsTestStack } from '../helpers/rounds.js';
import type { TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  ({ stack, engine } = await startRoundsTestStack({
    numG1Powers: 16,
    numG2Powers: 3,
    chunkCount: 2,
    contributorsPerRound: 2,
    roundFillWaitMs: 10_000,
    verification: 'coordinator',
    heartbeatTimeoutMs: 6_000,
    sweepIntervalMs: 300,
  }));
});

afterAll(() => stopRoundsTestStack({ stack, engine }));

interface RoundRecord {
  kind: string;
  detail?: { contributionId?: string; uploadKey?: string; baseStateKey?: string; code?: string };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const status = (): Promise<RoundsStatusAnswer> => new RoundsClient(stack.url).status();

async function records(): Promise<RoundRecord[]> {
  const out: RoundRecord[] = [];
  for await (const o of stack.store.list('records')) out.push(JSON.parse(Buffer.from(await stack.store.getBytes(o.key, 1 << 20)).toString('utf8')) as RoundRecord);
  return out;
}

it("REQ-32 an upload of the base's own bytes is rejected; the base (the previous accepted upload) stays, and the round aggregates", async () => {
  const ann = runRoundsContributor({ url: stack.url, engine, name: 'ann', heartbeatMs: 500 });
  await waitFor(
    'ann to join',
    async () => {
      const s = await status();
      if (![...s.queue, ...(s.current?.contributors ?? [])].some((m) => m.identity === 'dev|ann')) throw new Error('not yet');
    },
    10_000,
    50,
  );

  const rex = new RoundsClient(stack.url);
  await rex.loginDev('rex');
  await rex.join();
  const beat = setInterval(() => void rex.heartbeat().catch(() => undefined), 500);
  let replay: { contributionId: string; base: string; baseText: string } | undefined;
  try {
    // Rex holds back until Ann's first chunk is verified: his turn on that chunk then builds on her upload.
    await waitFor(
      'ann to contribute a chunk',
      async () => {
        const slot = (await status()).round?.slots.find((x) => x.identity === 'dev|ann');
        if (slot === undefined || slot.done < 1) throw new Error('not yet');
      },
      120_000,
      100,
    );
    const secret = deriveRoundSecret();
    for (;;) {
      const task = await rex.nextTask();
      if (task.action === 'done') break;
      if (task.action !== 'contribute') {
        if (task.action !== 'wait') throw new Error(`rex: ${JSON.stringify(task)}`);
        await sleep(Math.min(task.retryAfterMs, 500));
        continue;
      }
      const baseText = await rex.object(task.baseStateKey);
      if (replay === undefined && task.baseStateKey.startsWith('chunk-uploads/')) {
        // The base is Ann's accepted upload for this chunk: send it back byte for byte.
        const answer = await rex.submitChunk(task.chunk, task.baseStateKey, baseText);
        expect(answer.status).toBe('verifying');
        replay = { contributionId: answer.contributionId, base: task.baseStateKey, baseText };
        await waitFor(
          'the replay to fail verification',
          async () => {
            if (!(await records()).some((r) => r.kind === 'verification-failed' && r.detail?.contributionId === answer.contributionId)) throw new Error('not yet');
          },
          60_000,
          100,
        );
        continue;
      }
      await rex.submitChunk(task.chunk, task.baseStateKey, serializeChunkContribution(await contributeChunk(engine, chunkStateFromText(baseText), secret)));
    }
  } finally {
    clearInterval(beat);
  }
  expect((await ann).outcome).toBe('done');
  if (replay === undefined) throw new Error('rex was never handed a chunk upload as his base');

  // The replay was stored under its own key (same bytes, same SHA-256, another prefix) and deleted;
  // the base it copied, Ann's accepted contribution, is still there byte for byte.
  const all = await records();
  const submitted = all.find((r) => r.kind === 'contribution' && r.detail?.contributionId === replay?.contributionId);
  const replayKey = String(submitted?.detail?.uploadKey);
  expect(submitted?.detail?.baseStateKey).toBe(replay.base);
  expect(replay.base).toMatch(/^chunk-uploads\/[0-9a-f]{32}\/[0-9a-f]{64}$/);
  expect(replayKey).toMatch(/^chunk-uploads\/[0-9a-f]{32}\/[0-9a-f]{64}$/);
  expect(sha256OfKey(replayKey)).toBe(sha256OfKey(replay.base));
  expect(replayKey).not.toBe(replay.base);
  expect(all.some((r) => r.kind === 'contribution' && r.detail?.uploadKey === replay?.base)).toBe(true);
  expect(await stack.store.head(replayKey)).toBeNull();
  expect(await stack.store.head(replay.base)).not.toBeNull();
  expect(Buffer.from(await stack.store.getBytes(replay.base, 1 << 24)).toString('utf8')).toBe(replay.baseText);

  // The round aggregates: both contributors are in the joined, fully verified parameters.
  await waitFor(
    'round 1',
    async () => {
      if ((await status()).completedRounds < 1) throw new Error('not yet');
    },
    120_000,
    200,
  );
  const round1 = (await status()).history[0];
  expect(round1?.contributors.map((m) => m.identity).sort()).toEqual(['dev|ann', 'dev|rex']);
  const transcript = parseBatchTranscript(await new RoundsClient(stack.url).object(round1?.aggregatedKey ?? ''));
  await verifyTranscript(engine, transcript);
  expect(transcript.transcripts[0]?.witness.potPubkeys.length).toBe(1 + 2);
  expect(await stack.store.head(replay.base)).not.toBeNull();
});
