// ChunkState / ChunkContribution JSON: byte-exact round trips, bounds and typed errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/index.js';
import {
  ChunkError,
  contributeChunk,
  initialChunkStates,
  parseChunkContribution,
  parseChunkState,
  serializeChunkContribution,
  serializeChunkState,
  type ChunkContribution,
  type ChunkState,
} from '../../../engine/chunked/index.js';
import { chunkAfter, engineFor } from './helpers.js';

let engine: Engine;
let state: ChunkState;
let contribution: ChunkContribution;
const SIZE = { numG1Powers: 20, numG2Powers: 3 };

beforeAll(async () => {
  engine = await engineFor('fast');
  state = await chunkAfter(engine, SIZE, 3, 1, 1);
  contribution = await contributeChunk(engine, state, 99n);
});
afterAll(async () => {
  await engine.close();
});

function parseError(run: () => unknown): ChunkError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ChunkError);
    return err as ChunkError;
  }
  throw new Error('expected a failure');
}

function edited(text: string, edit: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

describe('round trips', () => {
  it('state and contribution serialise back byte for byte', () => {
    for (const s of [...initialChunkStates(SIZE, 3), state]) {
      const text = serializeChunkState(s);
      expect(serializeChunkState(parseChunkState(text))).toBe(text);
      expect(parseChunkState(text)).toEqual(s);
    }
    const text = serializeChunkContribution(contribution);
    expect(serializeChunkContribution(parseChunkContribution(text))).toBe(text);
    expect(parseChunkContribution(text)).toEqual(contribution);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'chunkIndex',
      'chunkCount',
      'numG1Powers',
      'numG2Powers',
      'start',
      'end',
      'g1Powers',
      'g2Powers',
      'runningProduct',
      'tauG2',
      'potPubkey',
      'ladder',
      'startChain',
    ]);
  });
});

describe('typed failures', () => {
  const stateText = (): string => serializeChunkState(state);
  const contributionText = (): string => serializeChunkContribution(contribution);

  it('malformed JSON and oversized input', () => {
    expect(parseError(() => parseChunkState('{"chunkIndex": 1,'))).toMatchObject({ code: 'MALFORMED_JSON', input: 'transcript' });
    expect(parseError(() => parseChunkContribution('not json'))).toMatchObject({ code: 'MALFORMED_JSON', input: 'contribution' });
    expect(parseError(() => parseChunkState(stateText(), { maxFileBytes: 100 }))).toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('schema: wrong types, missing and unexpected properties', () => {
    expect(parseError(() => parseChunkState('[]'))).toMatchObject({ code: 'INVALID_SCHEMA', path: '$' });
    expect(parseError(() => parseChunkState(edited(stateText(), (d) => delete d.tauG2)))).toMatchObject({ code: 'INVALID_SCHEMA' });
    expect(parseError(() => parseChunkState(contributionText()))).toMatchObject({ code: 'INVALID_SCHEMA' });
    expect(parseError(() => parseChunkContribution(stateText()))).toMatchObject({ code: 'INVALID_SCHEMA' });
    expect(parseError(() => parseChunkState(edited(stateText(), (d) => (d.start = '1'))))).toMatchObject({ code: 'INVALID_SCHEMA', path: '$.start' });
    expect(parseError(() => parseChunkState(edited(stateText(), (d) => (d.chunkIndex = 3))))).toMatchObject({ code: 'INVALID_SCHEMA', path: '$.chunkIndex' });
    expect(parseError(() => parseChunkState(edited(stateText(), (d) => (d.chunkCount = 20))))).toMatchObject({ code: 'INVALID_SCHEMA' });
    const rung = parseError(() => parseChunkContribution(edited(contributionText(), (d) => ((d.ladder as unknown[])[1] = { g1: 'x' }))));
    expect(rung).toMatchObject({ code: 'INVALID_SCHEMA', path: '$.ladder[1]', chunkIndex: 1 });
  });

  it('bad hex names the point', () => {
    const err = parseError(() => parseChunkState(edited(stateText(), (d) => ((d.g1Powers as string[])[4] = ((d.g1Powers as string[])[4] as string).toUpperCase()))));
    expect(err).toMatchObject({ code: 'BAD_HEX', chunkIndex: 1, pointIndex: 4, path: '$.g1Powers[4]' });
    expect(parseError(() => parseChunkContribution(edited(contributionText(), (d) => (d.potPubkey = '0x12'))))).toMatchObject({ code: 'BAD_HEX', path: '$.potPubkey' });
  });

  it('wrong counts', () => {
    expect(parseError(() => parseChunkState(edited(stateText(), (d) => (d.g1Powers as string[]).pop())))).toMatchObject({ code: 'WRONG_COUNT', path: '$.g1Powers' });
    const g2 = parseError(() => parseChunkState(edited(stateText(), (d) => (d.g2Powers = [(d.g1Powers as string[])[0]]))));
    expect(g2).toMatchObject({ code: 'WRONG_COUNT', path: '$.g2Powers' });
    expect(parseError(() => parseChunkContribution(edited(contributionText(), (d) => (d.ladder as unknown[]).pop())))).toMatchObject({ code: 'WRONG_COUNT', path: '$.ladder' });
    expect(parseError(() => parseChunkContribution(edited(contributionText(), (d) => (d.startChain as unknown[]).push('0x00'))))).toMatchObject({
      code: 'WRONG_COUNT',
      path: '$.startChain',
    });
  });

  it('indices that do not match the layout', () => {
    const err = parseError(() => parseChunkState(edited(stateText(), (d) => (d.end = (d.end as number) + 1))));
    expect(err).toMatchObject({ code: 'CHUNK_LAYOUT_MISMATCH', chunkIndex: 1 });
  });

  it('limits: lists are bounded before their items are read', () => {
    expect(parseError(() => parseChunkState(stateText(), { maxG1Powers: 8 }))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(parseError(() => parseChunkState(stateText(), { maxChunks: 2 }))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const long = edited(contributionText(), (d) => (d.ladder = new Array(65).fill({ g1: '0x', g2: '0x' })));
    expect(parseError(() => parseChunkContribution(long))).toMatchObject({ code: 'LIMIT_EXCEEDED', path: '$.ladder' });
  });

  it('failures print as one JSON object naming the chunk', () => {
    const err = parseError(() => parseChunkState(edited(stateText(), (d) => (d.g1Powers as string[]).pop())));
    expect(err.toJSON()).toEqual({ code: 'WRONG_COUNT', message: err.message, input: 'transcript', path: '$.g1Powers', chunk: 1 });
  });
});
