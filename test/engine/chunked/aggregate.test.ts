// Aggregation: a complete round joins into parameters the core verifies; a
// wrong, missing or duplicated chunk is named; the next round starts from the
// aggregate and one chunk's history over all rounds is the transcript witness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURVE_ORDER, verifyTranscript, type Engine } from '../../../engine/index.js';
import { aggregateChunks, ChunkError, historyOf, initialChunkStates, splitIntoChunks, toBatchTranscript, type ChunkContribution, type ChunkState } from '../../../engine/chunked/index.js';
import { clone, engineFor, g1Bump, g1Hex, runRound, type RoundResult } from './helpers.js';

const SIZE = { numG1Powers: 25, numG2Powers: 4 };
let engine: Engine;
let round: RoundResult;
const secrets = [3n, 0x10001n, 0xfedcba9876543210n];

beforeAll(async () => {
  engine = await engineFor('fast');
  round = await runRound(engine, initialChunkStates(SIZE, 4), secrets);
});
afterAll(async () => {
  await engine.close();
});

async function aggregationFailure(states: ChunkState[]): Promise<ChunkError> {
  try {
    await aggregateChunks(engine, states);
  } catch (err) {
    expect(err).toBeInstanceOf(ChunkError);
    return err as ChunkError;
  }
  throw new Error('expected aggregation to fail');
}

describe('aggregateChunks', () => {
  it('accepts the chunks in any order', async () => {
    const forward = await aggregateChunks(engine, round.states);
    const backward = await aggregateChunks(engine, [...round.states].reverse());
    expect(backward).toEqual(forward);
    expect(forward.powers.g1Powers).toHaveLength(25);
    expect(forward.powers.g2Powers).toHaveLength(4);
  });

  it('a seam mismatch names the chunk', async () => {
    const states = clone(round.states);
    const chunk2 = states[2] as ChunkState;
    chunk2.g1Powers[0] = g1Bump(chunk2.g1Powers[0] as string);
    const err = await aggregationFailure(states);
    expect(err).toMatchObject({ code: 'SEAM_MISMATCH', chunkIndex: 2, pointIndex: 0 });
    expect(err.message).toContain('chunk 1');
  });

  it('a chunk that missed a contribution is a tau mismatch, named', async () => {
    const states = clone(round.states);
    const history = round.history[3] as ChunkContribution[];
    // Chunk 3 as it was before its last contribution.
    const before = history[history.length - 2] as ChunkContribution;
    states[3] = { ...(states[3] as ChunkState), g1Powers: before.g1Powers, runningProduct: before.runningProduct, tauG2: before.tauG2 };
    const err = await aggregationFailure(states);
    expect(err).toMatchObject({ code: 'CHUNK_TAU_MISMATCH', chunkIndex: 3, path: '$.runningProduct' });
  });

  it('missing, duplicated and foreign chunks', async () => {
    expect(await aggregationFailure(round.states.slice(0, 3))).toMatchObject({ code: 'CHUNK_MISSING', chunkIndex: 3 });
    expect(await aggregationFailure([...round.states, round.states[1] as ChunkState])).toMatchObject({ code: 'CHUNK_DUPLICATE', chunkIndex: 1 });
    expect(await aggregationFailure([])).toMatchObject({ code: 'CHUNK_MISSING' });
    const foreign = initialChunkStates(SIZE, 5)[4] as ChunkState;
    expect(await aggregationFailure([...round.states.slice(0, 3), foreign])).toMatchObject({ code: 'CHUNK_LAYOUT_MISMATCH', chunkIndex: 4 });
  });

  it('an interior point that was never verified is found by the full check, in its chunk', async () => {
    const states = clone(round.states);
    const chunk1 = states[1] as ChunkState;
    chunk1.g1Powers[3] = g1Bump(chunk1.g1Powers[3] as string);
    const err = await aggregationFailure(states);
    expect(err).toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', chunkIndex: 1, pointIndex: 3 });
  });

  it('a tampered G2 power of chunk 0 is found by the full check', async () => {
    const states = clone(round.states);
    const chunk0 = states[0] as ChunkState;
    chunk0.g2Powers[3] = chunk0.g2Powers[2] as string;
    expect(await aggregationFailure(states)).toMatchObject({ code: 'G2_POWERS_MISMATCH', chunkIndex: 0, pointIndex: 3 });
  });
});

describe('toBatchTranscript and the next round', () => {
  it('the initial chunks aggregate to the initial transcript', async () => {
    const aggregated = await aggregateChunks(engine, initialChunkStates(SIZE, 4));
    const transcript = toBatchTranscript(aggregated);
    expect(transcript.transcripts[0]?.witness.runningProducts).toHaveLength(1);
    await expect(verifyTranscript(engine, transcript)).resolves.toMatchObject({ contributions: 0 });
  });

  it('two rounds (4 then 3 chunks): chunk 0 history over both rounds is a valid witness of 6 contributions', async () => {
    const first = await aggregateChunks(engine, round.states);
    const secondSecrets = [0x77n, 0x1234567n, 0xabcn];
    const second = await runRound(engine, splitIntoChunks(first, 3), secondSecrets);
    const aggregated = await aggregateChunks(engine, second.states);
    const tau = [...secrets, ...secondSecrets].reduce((a, b) => (a * b) % CURVE_ORDER, 1n);
    expect(aggregated.runningProduct).toBe(g1Hex(tau));
    const history = historyOf([...(round.history[0] as ChunkContribution[]), ...(second.history[0] as ChunkContribution[])]);
    const transcript = toBatchTranscript(aggregated, history);
    await expect(verifyTranscript(engine, transcript)).resolves.toMatchObject({ valid: true, contributions: 6 });
    expect(transcript.transcripts[0]?.witness.potPubkeys.slice(1)).toEqual(history.potPubkeys);
  });

  it('a history that does not end at the aggregate, or with uneven lists, is refused', async () => {
    const aggregated = await aggregateChunks(engine, round.states);
    const history = historyOf(round.history[1] as ChunkContribution[]);
    expect(() => toBatchTranscript(aggregated, { ...history, runningProducts: history.runningProducts.slice(0, 2), potPubkeys: history.potPubkeys.slice(0, 2) })).toThrow(
      expect.objectContaining({ code: 'RUNNING_PRODUCT_MISMATCH' }),
    );
    expect(() => toBatchTranscript(aggregated, { ...history, potPubkeys: history.potPubkeys.slice(1) })).toThrow(expect.objectContaining({ code: 'WRONG_COUNT' }));
    expect(() => toBatchTranscript(aggregated, { ...history, participantIds: ['bob', '', ''] })).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    const named = toBatchTranscript(aggregated, { ...history, participantIds: ['git|1|@a', '', 'eth|0x' + 'ab'.repeat(20)] });
    expect(named.participantIds).toEqual(['', 'git|1|@a', '', 'eth|0x' + 'ab'.repeat(20)]);
    await expect(verifyTranscript(engine, named)).resolves.toMatchObject({ contributions: 3 });
  });
});
