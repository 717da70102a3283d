// The fast (blst + mcl) and noble backends agree on the chunked format: same
// contributions byte for byte, each verifies the other's, the same failures,
// the same aggregate. And the worker pool gives the same results as inline runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../engine/index.js';
import { aggregateChunks, contributeChunk, initialChunkStates, verifyChunkContribution, type ChunkContribution, type ChunkState } from '../../../engine/chunked/index.js';
import { clone, engineFor, g1Times, runRound } from './helpers.js';

let fast: Engine;
let noble: Engine;
const SIZE = { numG1Powers: 9, numG2Powers: 3 };

beforeAll(async () => {
  fast = await engineFor('fast');
  noble = await engineFor('noble');
});
afterAll(async () => {
  await fast.close();
  await noble.close();
});

async function codeOf(engine: Engine, previous: ChunkState, contribution: ChunkContribution): Promise<string> {
  return verifyChunkContribution(engine, previous, contribution).then(
    () => 'valid',
    (err: unknown) => (err as { code: string }).code,
  );
}

describe('fast and noble backends', () => {
  it.each([0, 2])('chunk %i: identical contributions, cross-verified, identical failures', async (chunkIndex) => {
    const previous = initialChunkStates(SIZE, 3)[chunkIndex] as ChunkState;
    const secret = 0x123456789abcdefn;
    const byFast = await contributeChunk(fast, previous, secret);
    const byNoble = await contributeChunk(noble, previous, secret);
    expect(byNoble).toEqual(byFast);
    // The next contribution builds on a state with tau != 1.
    const state = await verifyChunkContribution(noble, previous, byFast);
    const next = await contributeChunk(fast, state, 0x42n);
    expect(await contributeChunk(noble, state, 0x42n)).toEqual(next);
    expect(await codeOf(noble, state, next)).toBe('valid');
    expect(await codeOf(fast, state, next)).toBe('valid');
    const scaled = clone(next);
    scaled.g1Powers = scaled.g1Powers.map((p) => g1Times(p, 5n));
    const tampered = clone(next);
    tampered.g1Powers[1] = tampered.g1Powers[2] as string;
    for (const bad of [scaled, tampered]) {
      const [a, b] = await Promise.all([codeOf(fast, state, bad), codeOf(noble, state, bad)]);
      expect(a).not.toBe('valid');
      expect(b).toBe(a);
    }
  });

  it('a small round aggregates to the same vector', async () => {
    const size = { numG1Powers: 5, numG2Powers: 2 };
    const [a, b] = await Promise.all([runRound(fast, initialChunkStates(size, 2), [5n, 7n]), runRound(noble, initialChunkStates(size, 2), [5n, 7n])]);
    expect(b.states).toEqual(a.states);
    const [fromFast, fromNoble] = await Promise.all([aggregateChunks(fast, a.states), aggregateChunks(noble, b.states)]);
    expect(fromNoble).toEqual(fromFast);
  });
});

describe('worker pool', () => {
  it('contributes, verifies and aggregates chunks larger than one task, like the inline runner', async () => {
    const pooled = await createEngine({ backend: 'fast', threads: 2 });
    try {
      const size = { numG1Powers: 700, numG2Powers: 3 };
      const start = initialChunkStates(size, 2);
      const secrets = [11n, 13n];
      const round = await runRound(pooled, start, secrets);
      // Chunk 1 first received contributor 1 (the schedule starts contributor i on chunk i).
      expect(round.order[1]).toEqual([1, 0]);
      const inline = await contributeChunk(fast, start[1] as ChunkState, secrets[1] as bigint);
      expect(round.history[1]?.[0]).toEqual(inline);
      const aggregated = await aggregateChunks(pooled, round.states);
      expect(aggregated.powers.g1Powers).toHaveLength(700);
      const bad = clone(round.history[1]?.[1] as ChunkContribution);
      bad.g1Powers[300] = bad.g1Powers[301] as string;
      const previous = { ...(start[1] as ChunkState), ...stateAfterFirst(round) };
      await expect(verifyChunkContribution(pooled, previous, bad)).rejects.toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', pointIndex: 300 });
    } finally {
      await pooled.close();
    }
  });
});

/** Chunk 1's state after its first contribution in the round. */
function stateAfterFirst(round: { history: ChunkContribution[][] }): Partial<ChunkState> {
  const first = round.history[1]?.[0] as ChunkContribution;
  return { g1Powers: first.g1Powers, g2Powers: first.g2Powers, runningProduct: first.runningProduct, tauG2: first.tauG2 };
}
