// Chunk contributions: the honest rounds schedule verifies and aggregates into
// parameters the core accepts, and every check of verifyChunkContribution has an
// input that fails it, with its code, chunk and point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURVE_ORDER, verifyTranscript, type Engine } from '../../../engine/index.js';
import {
  aggregateChunks,
  ChunkError,
  contributeChunk,
  historyOf,
  initialChunkStates,
  parseChunkContribution,
  serializeChunkContribution,
  toBatchTranscript,
  verifyChunkContribution,
  type ChunkContribution,
  type ChunkState,
} from '../../../engine/chunked/index.js';
import { chunkAfter, clone, engineFor, g1Bump, g1Hex, g1OffCurve, g1OutsideSubgroup, g1Times, g2Hex, g2OutsideSubgroup, g2Times, G1_INFINITY, G2_INFINITY, runRound } from './helpers.js';

const SIZE = { numG1Powers: 41, numG2Powers: 5 };
const CHUNKS = 5;
let engine: Engine;

beforeAll(async () => {
  engine = await engineFor('fast');
});
afterAll(async () => {
  await engine.close();
});

async function rejection(promise: Promise<unknown>): Promise<ChunkError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ChunkError);
    return err as ChunkError;
  }
  throw new Error('expected a rejection');
}

describe('the rounds schedule', () => {
  it.each([
    [4, 33, 4],
    [5, 41, 5],
  ])('3 contributors x %i chunks (%i G1 powers): every chunk verifies on arrival, the aggregate passes the full verification', async (chunkCount, n, m) => {
    const secrets = [0x1234n, 0xdeadbeefn, CURVE_ORDER - 7n];
    const round = await runRound(engine, initialChunkStates({ numG1Powers: n, numG2Powers: m }, chunkCount), secrets);
    // Chunks saw the contributors in different orders.
    expect(new Set(round.order.map((o) => o.join(','))).size).toBeGreaterThan(1);
    expect(round.order.every((o) => [...o].sort().join(',') === '0,1,2')).toBe(true);
    const aggregated = await aggregateChunks(engine, round.states);
    const tau = secrets.reduce((a, b) => (a * b) % CURVE_ORDER, 1n);
    // Independent recomputation: [tau^i]_1 through noble.
    let power = 1n;
    for (let i = 0; i < n; i++) {
      if (i === 0 || i === 1 || i === n - 1 || i % 7 === 3) expect(aggregated.powers.g1Powers[i]).toBe(g1Hex(power));
      power = (power * tau) % CURVE_ORDER;
    }
    expect(aggregated.powers.g2Powers[m - 1]).toBe(g2Hex(tau ** BigInt(m - 1) % CURVE_ORDER));
    // Any one chunk's history is a valid witness of the whole vector.
    for (const c of [0, chunkCount - 1]) {
      const transcript = toBatchTranscript(aggregated, historyOf(round.history[c] as ChunkContribution[]));
      await expect(verifyTranscript(engine, transcript)).resolves.toMatchObject({ valid: true, contributions: 3 });
    }
    await expect(verifyTranscript(engine, toBatchTranscript(aggregated))).resolves.toMatchObject({ valid: true, contributions: 1 });
  });

  it('a contribution survives its JSON round trip and verifies from the parsed text', async () => {
    const previous = await chunkAfter(engine, SIZE, CHUNKS, 3, 1);
    const contribution = await contributeChunk(engine, previous, 77n);
    const text = serializeChunkContribution(contribution);
    const parsed = parseChunkContribution(text);
    expect(serializeChunkContribution(parsed)).toBe(text);
    const next = await verifyChunkContribution(engine, previous, parsed);
    expect(next).not.toHaveProperty('ladder');
    expect(next.runningProduct).toBe(contribution.runningProduct);
  });
});

describe('attribution on arrival', () => {
  let previous: ChunkState;
  let honest: ChunkContribution;
  const x = 0xabcdefn;

  beforeAll(async () => {
    previous = await chunkAfter(engine, SIZE, CHUNKS, 2, 2);
    honest = await contributeChunk(engine, previous, x);
    await verifyChunkContribution(engine, previous, honest);
  });

  it('a bad middle chunk is caught at submission, not at aggregation: a geometric sequence scaled by an extra factor', async () => {
    const bad = clone(honest);
    bad.g1Powers = bad.g1Powers.map((p) => g1Times(p, 3n));
    const err = await rejection(verifyChunkContribution(engine, previous, bad));
    expect(err).toMatchObject({ code: 'CHUNK_START_MISMATCH', chunkIndex: 2, pointIndex: 0, input: 'contribution', path: '$.g1Powers[0]' });
    expect(err.toJSON()).toMatchObject({ code: 'CHUNK_START_MISMATCH', chunk: 2, pointIndex: 0 });
  });

  it('the scaled chunk with a start chain bent to match is caught by the chain step', async () => {
    const bad = clone(honest);
    bad.g1Powers = bad.g1Powers.map((p) => g1Times(p, 3n));
    bad.startChain[bad.startChain.length - 1] = bad.g1Powers[0] as string;
    const err = await rejection(verifyChunkContribution(engine, previous, bad));
    expect(err).toMatchObject({ code: 'START_CHAIN_MISMATCH', chunkIndex: 2, pointIndex: bad.startChain.length - 1 });
  });

  it('a chunk contributed with another secret than the contributor used elsewhere is rejected', async () => {
    const other = await contributeChunk(engine, previous, x + 1n);
    await expect(verifyChunkContribution(engine, previous, other)).resolves.toBeDefined();
    const err = await rejection(verifyChunkContribution(engine, previous, other, { expectedPubkey: honest.potPubkey }));
    expect(err).toMatchObject({ code: 'PUBKEY_MISMATCH', chunkIndex: 2, path: '$.potPubkey' });
    await expect(verifyChunkContribution(engine, previous, honest, { expectedPubkey: g2Hex(x) })).resolves.toBeDefined();
  });

  it("a malformed expected pubkey is the caller's input error", async () => {
    const err = await rejection(verifyChunkContribution(engine, previous, honest, { expectedPubkey: '0x1234' }));
    expect(err).toMatchObject({ code: 'BAD_HEX', input: 'input' });
  });
});

describe('each check has a failing input', () => {
  let previous0: ChunkState;
  let honest0: ChunkContribution;
  let previous3: ChunkState;
  let honest3: ChunkContribution;
  const x = 0x5eed5n;

  beforeAll(async () => {
    previous0 = await chunkAfter(engine, SIZE, CHUNKS, 0, 1);
    honest0 = await contributeChunk(engine, previous0, x);
    previous3 = await chunkAfter(engine, SIZE, CHUNKS, 3, 2);
    honest3 = await contributeChunk(engine, previous3, x);
  });

  async function expectCode(previous: ChunkState, bad: ChunkContribution, expected: Record<string, unknown>): Promise<void> {
    const err = await rejection(verifyChunkContribution(engine, previous, bad));
    expect(err).toMatchObject(expected);
  }

  it('wrong K relation: powers for x, pubkey and ladder for another secret', async () => {
    const other = await contributeChunk(engine, previous0, x + 5n);
    const bad = { ...clone(honest0), potPubkey: other.potPubkey, ladder: other.ladder };
    await expectCode(previous0, bad, { code: 'TAU_UPDATE_MISMATCH', chunkIndex: 0, path: '$.runningProduct' });
  });

  it('tau update: a running product that does not follow from the previous one', async () => {
    await expectCode(previous3, { ...clone(honest3), runningProduct: g1Bump(honest3.runningProduct) }, { code: 'TAU_UPDATE_MISMATCH', chunkIndex: 3 });
  });

  it('G1/G2 tau mismatch: tauG2 for another tau', async () => {
    await expectCode(previous3, { ...clone(honest3), tauG2: g2Times(honest3.tauG2, 2n) }, { code: 'TAU_G1_G2_MISMATCH', chunkIndex: 3, path: '$.tauG2' });
  });

  it('broken ladder: rung 0 is not the pubkey', async () => {
    const bad = clone(honest3);
    bad.ladder[0] = { g1: g1Hex(x + 1n), g2: g2Hex(x + 1n) };
    await expectCode(previous3, bad, { code: 'LADDER_MISMATCH', pointIndex: 0 });
  });

  it('broken ladder: g1 and g2 of a rung disagree', async () => {
    const bad = clone(honest3);
    (bad.ladder[2] as { g1: string }).g1 = g1Bump((bad.ladder[2] as { g1: string }).g1);
    await expectCode(previous3, bad, { code: 'LADDER_MISMATCH', pointIndex: 2, path: '$.ladder[2]' });
  });

  it('broken ladder: a consistent rung that is not the square of the previous one', async () => {
    const bad = clone(honest3);
    bad.ladder[3] = { g1: g1Hex(12345n), g2: g2Hex(12345n) };
    await expectCode(previous3, bad, { code: 'LADDER_MISMATCH', pointIndex: 3 });
  });

  it('broken start chain: one step multiplied by the wrong power', async () => {
    expect(honest3.startChain.length).toBeGreaterThan(1);
    const bad = clone(honest3);
    bad.startChain[0] = g1Bump(bad.startChain[0] as string);
    await expectCode(previous3, bad, { code: 'START_CHAIN_MISMATCH', pointIndex: 0, path: '$.startChain[0]' });
  });

  it('chunk 0: the first G1 power must be the generator', async () => {
    const bad = clone(honest0);
    bad.g1Powers[0] = g1Hex(2n);
    await expectCode(previous0, bad, { code: 'FIRST_POWER_NOT_GENERATOR', pointIndex: 0, path: '$.g1Powers[0]' });
  });

  it('swapped G1 points are not consecutive, and the first bad point is named', async () => {
    const bad = clone(honest3);
    [bad.g1Powers[4], bad.g1Powers[5]] = [bad.g1Powers[5] as string, bad.g1Powers[4] as string];
    await expectCode(previous3, bad, { code: 'G1_POWERS_NOT_CONSECUTIVE', chunkIndex: 3, pointIndex: 4, path: '$.g1Powers[4]' });
  });

  it('a wrong last G1 point of a chunk is caught (the seam point is checked on both sides)', async () => {
    const bad = clone(honest3);
    const last = bad.g1Powers.length - 1;
    bad.g1Powers[last] = g1Bump(bad.g1Powers[last] as string);
    await expectCode(previous3, bad, { code: 'G1_POWERS_NOT_CONSECUTIVE', pointIndex: last });
  });

  it('swapped G2 powers in chunk 0', async () => {
    const bad = clone(honest0);
    [bad.g2Powers[2], bad.g2Powers[3]] = [bad.g2Powers[3] as string, bad.g2Powers[2] as string];
    await expectCode(previous0, bad, { code: 'G2_POWERS_MISMATCH', chunkIndex: 0, pointIndex: 2, path: '$.g2Powers[2]' });
  });

  it('chunk 0: the first G2 power must be the generator', async () => {
    const bad = clone(honest0);
    bad.g2Powers[0] = g2Hex(3n);
    await expectCode(previous0, bad, { code: 'FIRST_POWER_NOT_GENERATOR', path: '$.g2Powers[0]' });
  });

  it('off-curve and out-of-subgroup points, in every list', async () => {
    const offCurve = clone(honest3);
    offCurve.g1Powers[6] = g1OffCurve();
    await expectCode(previous3, offCurve, { code: 'INVALID_POINT', pointIndex: 6, path: '$.g1Powers[6]' });
    const outside = clone(honest3);
    outside.g1Powers[2] = g1OutsideSubgroup();
    await expectCode(previous3, outside, { code: 'NOT_IN_SUBGROUP', pointIndex: 2, path: '$.g1Powers[2]' });
    const g2Outside = clone(honest0);
    g2Outside.g2Powers[1] = g2OutsideSubgroup();
    await expectCode(previous0, g2Outside, { code: 'NOT_IN_SUBGROUP', pointIndex: 1, path: '$.g2Powers[1]' });
    const ladder = clone(honest3);
    (ladder.ladder[1] as { g2: string }).g2 = g2OutsideSubgroup();
    await expectCode(previous3, ladder, { code: 'NOT_IN_SUBGROUP', path: '$.ladder[1].g2' });
    const chain = clone(honest3);
    chain.startChain[1] = g1OffCurve();
    await expectCode(previous3, chain, { code: 'INVALID_POINT', pointIndex: 1, path: '$.startChain[1]' });
    await expectCode(previous3, { ...clone(honest3), potPubkey: g2OutsideSubgroup() }, { code: 'NOT_IN_SUBGROUP', path: '$.potPubkey' });
    await expectCode(previous3, { ...clone(honest3), runningProduct: g1OutsideSubgroup() }, { code: 'NOT_IN_SUBGROUP', path: '$.runningProduct' });
  });

  it('points at infinity', async () => {
    await expectCode(previous3, { ...clone(honest3), potPubkey: G2_INFINITY }, { code: 'PUBKEY_AT_INFINITY' });
    const powers = clone(honest3);
    powers.g1Powers[3] = G1_INFINITY;
    await expectCode(previous3, powers, { code: 'POINT_AT_INFINITY', pointIndex: 3, path: '$.g1Powers[3]' });
    await expectCode(previous3, { ...clone(honest3), tauG2: G2_INFINITY }, { code: 'POINT_AT_INFINITY', path: '$.tauG2' });
  });

  it('a secret of 1 (the generator as pubkey) is NO_OP_CONTRIBUTION', async () => {
    await expectCode(previous3, { ...clone(honest3), potPubkey: g2Hex(1n) }, { code: 'NO_OP_CONTRIBUTION', path: '$.potPubkey' });
  });

  it('wrong counts', async () => {
    const short = clone(honest3);
    short.g1Powers.pop();
    await expectCode(previous3, short, { code: 'WRONG_COUNT', path: '$.g1Powers', chunkIndex: 3 });
    const g2 = clone(honest3);
    g2.g2Powers = [g2Hex(1n)];
    await expectCode(previous3, g2, { code: 'WRONG_COUNT', path: '$.g2Powers' });
    const ladder = clone(honest3);
    ladder.ladder.push(ladder.ladder[0] as { g1: string; g2: string });
    await expectCode(previous3, ladder, { code: 'WRONG_COUNT', path: '$.ladder' });
    const chain = clone(honest3);
    chain.startChain.pop();
    await expectCode(previous3, chain, { code: 'WRONG_COUNT', path: '$.startChain' });
  });

  it('indices and sizes must match the previous state', async () => {
    const otherChunk = await contributeChunk(engine, await chunkAfter(engine, SIZE, CHUNKS, 1, 0), x);
    await expectCode(previous3, otherChunk, { code: 'CHUNK_LAYOUT_MISMATCH', path: '$.chunkIndex' });
    const otherSize = await contributeChunk(engine, await chunkAfter(engine, { numG1Powers: 42, numG2Powers: 5 }, CHUNKS, 3, 0), x);
    await expectCode(previous3, otherSize, { code: 'WRONG_COUNT', path: '$.numG1Powers' });
    const moved = { ...clone(honest3), start: honest3.start + 1 };
    await expectCode(previous3, moved, { code: 'CHUNK_LAYOUT_MISMATCH', path: '$.start' });
  });

  it('a contribution built on another state of the chunk is rejected (stale previous)', async () => {
    const older = await chunkAfter(engine, SIZE, CHUNKS, 3, 1);
    await expectCode(older, honest3, { code: 'TAU_UPDATE_MISMATCH', chunkIndex: 3 });
  });

  it('secrets outside (1, r) are refused', async () => {
    await expect(contributeChunk(engine, previous3, 1n)).rejects.toMatchObject({ code: 'INVALID_SECRET' });
    await expect(contributeChunk(engine, previous3, CURVE_ORDER)).rejects.toMatchObject({ code: 'INVALID_SECRET' });
  });
});
