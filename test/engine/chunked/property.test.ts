// Property: over small random sizes, chunk counts and chunks, an honest
// contribution verifies, and changing any single point of it (to another valid
// point) makes verification fail with a typed error.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURVE_ORDER, type Engine } from '../../../engine/index.js';
import { ChunkError, contributeChunk, verifyChunkContribution, type ChunkContribution, type ChunkState } from '../../../engine/chunked/index.js';
import { chunkAfter, clone, engineFor, G1_INFINITY, g1Bump, g2Bump } from './helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await engineFor('fast');
});
afterAll(async () => {
  await engine.close();
});

type Mutation = (c: ChunkContribution) => void;

/** One mutation per point of the contribution, each replacing it by another valid point. */
function mutations(c: ChunkContribution): Array<{ name: string; apply: Mutation }> {
  const out: Array<{ name: string; apply: Mutation }> = [];
  c.g1Powers.forEach((_, i) => out.push({ name: `g1Powers[${i}]`, apply: (d) => (d.g1Powers[i] = g1Bump(d.g1Powers[i] as string)) }));
  c.g2Powers.forEach((_, i) => out.push({ name: `g2Powers[${i}]`, apply: (d) => (d.g2Powers[i] = g2Bump(d.g2Powers[i] as string)) }));
  out.push({ name: 'runningProduct', apply: (d) => (d.runningProduct = g1Bump(d.runningProduct)) });
  out.push({ name: 'tauG2', apply: (d) => (d.tauG2 = g2Bump(d.tauG2)) });
  out.push({ name: 'potPubkey', apply: (d) => (d.potPubkey = g2Bump(d.potPubkey)) });
  c.ladder.forEach((_, k) => {
    out.push({ name: `ladder[${k}].g1`, apply: (d) => ((d.ladder[k] as { g1: string }).g1 = g1Bump((d.ladder[k] as { g1: string }).g1)) });
    out.push({ name: `ladder[${k}].g2`, apply: (d) => ((d.ladder[k] as { g2: string }).g2 = g2Bump((d.ladder[k] as { g2: string }).g2)) });
  });
  c.startChain.forEach((_, j) => out.push({ name: `startChain[${j}]`, apply: (d) => (d.startChain[j] = g1Bump(d.startChain[j] as string)) }));
  return out;
}

/** The names of the single-point mutations of `contribution` that verification does not reject. */
async function acceptedMutations(previous: ChunkState, contribution: ChunkContribution): Promise<string[]> {
  const accepted: string[] = [];
  for (const mutation of mutations(contribution)) {
    const bad = clone(contribution);
    mutation.apply(bad);
    const ok = await verifyChunkContribution(engine, previous, bad).then(
      () => true,
      (err: unknown) => !(err instanceof ChunkError),
    );
    if (ok) accepted.push(mutation.name);
  }
  return accepted;
}

const geometry = fc
  .integer({ min: 3, max: 20 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      m: fc.integer({ min: 2, max: Math.min(n, 5) }),
      chunkCount: fc.integer({ min: 1, max: Math.min(n - 1, 5) }),
    }),
  )
  .chain((g) =>
    fc.record({
      n: fc.constant(g.n),
      m: fc.constant(g.m),
      chunkCount: fc.constant(g.chunkCount),
      chunkIndex: fc.integer({ min: 0, max: g.chunkCount - 1 }),
      prior: fc.integer({ min: 0, max: 1 }),
      secret: fc.bigInt({ min: 2n, max: CURVE_ORDER - 1n }),
      pick: fc.nat(),
    }),
  );

describe('contribute then verify', () => {
  it('accepts honest contributions and rejects any single-point mutation', async () => {
    await fc.assert(
      fc.asyncProperty(geometry, async ({ n, m, chunkCount, chunkIndex, prior, secret, pick }) => {
        const previous = await chunkAfter(engine, { numG1Powers: n, numG2Powers: m }, chunkCount, chunkIndex, prior, BigInt(n * 31 + chunkCount));
        const contribution = await contributeChunk(engine, previous, secret);
        const next = await verifyChunkContribution(engine, previous, contribution, { expectedPubkey: contribution.potPubkey });
        expect(next.runningProduct).toBe(contribution.runningProduct);
        const all = mutations(contribution);
        const mutation = all[pick % all.length] as { name: string; apply: Mutation };
        const bad = clone(contribution);
        mutation.apply(bad);
        const outcome = await verifyChunkContribution(engine, previous, bad).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(outcome, `mutating ${mutation.name} (n=${n}, m=${m}, C=${chunkCount}, chunk ${chunkIndex}) was accepted`).toBeInstanceOf(ChunkError);
        expect((outcome as ChunkError).chunkIndex).toBe(chunkIndex);
      }),
      { numRuns: 30 },
    );
  });
});

describe('every point is load-bearing', () => {
  it.each([
    [0, 10, 3],
    [2, 10, 3],
  ])('chunk %i of 3 over %i powers: each of its points, changed alone, is rejected', async (chunkIndex, n, m) => {
    const previous = await chunkAfter(engine, { numG1Powers: n, numG2Powers: m }, 3, chunkIndex, 1);
    const contribution = await contributeChunk(engine, previous, 0x1f2e3dn);
    expect(await acceptedMutations(previous, contribution)).toEqual([]);
  });

  it('a secret of r - 1 on a fresh chunk (its powers are +-g) still has every point load-bearing, and no mutation is infinity', async () => {
    const previous = await chunkAfter(engine, { numG1Powers: 6, numG2Powers: 3 }, 2, 0, 0);
    const contribution = await contributeChunk(engine, previous, CURVE_ORDER - 1n);
    for (const mutation of mutations(contribution)) {
      const bad = clone(contribution);
      mutation.apply(bad);
      expect(JSON.stringify(bad), mutation.name).not.toContain(G1_INFINITY);
    }
    expect(await acceptedMutations(previous, contribution)).toEqual([]);
  });
});
