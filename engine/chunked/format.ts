// ChunkState and ChunkContribution JSON: bounded parsing with typed failures
// (MALFORMED_JSON, INVALID_SCHEMA, BAD_HEX, LIMIT_EXCEEDED, WRONG_COUNT,
// CHUNK_LAYOUT_MISMATCH) and canonical serialisation (keys in the order below,
// two-space indentation, no trailing newline), so parse and serialise round-trip
// byte for byte. The same shape check runs on documents built in code.
import { InvalidInputError, type InputRole } from '../errors.js';
import { assertHex, G1_BYTES, G2_BYTES } from '../format/hex.js';
import { expectArray, expectInteger, expectKeys, expectObject, type JsonObject } from '../format/json-shape.js';
import { parseJsonText } from '../format/json-text.js';
import { toChunkError } from './errors.js';
import { assertChunkGeometry, chunkRange, ladderLength, MAX_PROOF_POINTS, resolveChunkedLimits, setBits, type ChunkedLimits } from './layout.js';
import type { ChunkContribution, ChunkState, LadderRung } from './types.js';

const STATE_KEYS = ['chunkIndex', 'chunkCount', 'numG1Powers', 'numG2Powers', 'start', 'end', 'g1Powers', 'g2Powers', 'runningProduct', 'tauG2'] as const;
const PROOF_KEYS = ['potPubkey', 'ladder', 'startChain'] as const;

/** A document whose fields are not yet known to have the right types. */
type Loose = Record<string, unknown>;

function expectHexList(value: unknown, path: string, width: number, maxLength: number): string[] {
  const items = expectArray(value, path, maxLength);
  items.forEach((item, i) => {
    try {
      assertHex(item, width, `${path}[${i}]`);
    } catch (err) {
      if (err instanceof InvalidInputError) throw new InvalidInputError(err.code, err.message, { pointIndex: i, path: `${path}[${i}]` });
      throw err;
    }
  });
  return items as string[];
}

function wrongCount(path: string, message: string): InvalidInputError {
  return new InvalidInputError('WRONG_COUNT', `${path}: ${message}`, { path });
}

/**
 * Structural checks of a state (and, with `proofs`, of a contribution): integer
 * fields, geometry within the limits, start/end of the layout, list lengths, hex
 * of every point. Throws a ChunkError naming the chunk when its index is known.
 */
export function checkChunkShape(doc: ChunkState | ChunkContribution | Loose, limits: ChunkedLimits, proofs: boolean, input: InputRole): void {
  const loose = doc as Loose;
  let chunkIndex: number | undefined;
  try {
    const int = (key: string): number => expectInteger(loose[key], `$.${key}`);
    const index = int('chunkIndex');
    const chunkCount = int('chunkCount');
    const size = { numG1Powers: int('numG1Powers'), numG2Powers: int('numG2Powers') };
    const start = int('start');
    const end = int('end');
    assertChunkGeometry(size, chunkCount, limits);
    if (index < 0 || index >= chunkCount) {
      throw new InvalidInputError('INVALID_SCHEMA', `$.chunkIndex: ${index} is not below chunkCount ${chunkCount}`, { path: '$.chunkIndex' });
    }
    chunkIndex = index;
    const range = chunkRange(size.numG1Powers, chunkCount, index);
    if (start !== range.start || end !== range.end) {
      throw new InvalidInputError(
        'CHUNK_LAYOUT_MISMATCH',
        `chunk ${index} of ${chunkCount} over ${size.numG1Powers} powers covers [${range.start}, ${range.end}], the document says [${start}, ${end}]`,
        { path: '$.start' },
      );
    }
    const g1 = expectArray(loose.g1Powers, '$.g1Powers', limits.maxG1Powers);
    const g2 = expectArray(loose.g2Powers, '$.g2Powers', limits.maxG2Powers);
    if (g1.length !== end - start + 1) throw wrongCount('$.g1Powers', `chunk ${index} holds ${end - start + 1} G1 powers, ${g1.length} are listed`);
    const g2Expected = index === 0 ? size.numG2Powers : 0;
    if (g2.length !== g2Expected) throw wrongCount('$.g2Powers', `chunk ${index} holds ${g2Expected} G2 powers, ${g2.length} are listed`);
    let ladder: unknown[] = [];
    let startChain: unknown[] = [];
    if (proofs) {
      ladder = expectArray(loose.ladder, '$.ladder', MAX_PROOF_POINTS);
      startChain = expectArray(loose.startChain, '$.startChain', MAX_PROOF_POINTS);
      const rungs = ladderLength(size.numG1Powers, chunkCount);
      if (ladder.length !== rungs) throw wrongCount('$.ladder', `the layout needs ${rungs} ladder rungs, ${ladder.length} are listed`);
      const steps = setBits(start).length;
      if (startChain.length !== steps) throw wrongCount('$.startChain', `start ${start} has ${steps} set bits, ${startChain.length} chain points are listed`);
    }
    expectHexList(g1, '$.g1Powers', G1_BYTES, limits.maxG1Powers);
    expectHexList(g2, '$.g2Powers', G2_BYTES, limits.maxG2Powers);
    assertHex(loose.runningProduct, G1_BYTES, '$.runningProduct');
    assertHex(loose.tauG2, G2_BYTES, '$.tauG2');
    if (proofs) {
      assertHex(loose.potPubkey, G2_BYTES, '$.potPubkey');
      ladder.forEach((rung, k) => {
        const path = `$.ladder[${k}]`;
        const obj = expectObject(rung, path);
        expectKeys(obj, path, ['g1', 'g2']);
        assertHex(obj.g1, G1_BYTES, `${path}.g1`);
        assertHex(obj.g2, G2_BYTES, `${path}.g2`);
      });
      expectHexList(startChain, '$.startChain', G1_BYTES, MAX_PROOF_POINTS);
    }
  } catch (err) {
    throw toChunkError(err, chunkIndex, input);
  }
}

function readState(obj: JsonObject): ChunkState {
  return {
    chunkIndex: obj.chunkIndex as number,
    chunkCount: obj.chunkCount as number,
    numG1Powers: obj.numG1Powers as number,
    numG2Powers: obj.numG2Powers as number,
    start: obj.start as number,
    end: obj.end as number,
    g1Powers: obj.g1Powers as string[],
    g2Powers: obj.g2Powers as string[],
    runningProduct: obj.runningProduct as string,
    tauG2: obj.tauG2 as string,
  };
}

export function chunkStateFromJson(value: unknown, limits: ChunkedLimits, input: InputRole = 'transcript'): ChunkState {
  let obj: JsonObject;
  try {
    obj = expectObject(value, '$');
    expectKeys(obj, '$', STATE_KEYS);
  } catch (err) {
    throw toChunkError(err, undefined, input);
  }
  checkChunkShape(obj, limits, false, input);
  return readState(obj);
}

export function chunkContributionFromJson(value: unknown, limits: ChunkedLimits, input: InputRole = 'contribution'): ChunkContribution {
  let obj: JsonObject;
  try {
    obj = expectObject(value, '$');
    expectKeys(obj, '$', [...STATE_KEYS, ...PROOF_KEYS]);
  } catch (err) {
    throw toChunkError(err, undefined, input);
  }
  checkChunkShape(obj, limits, true, input);
  const ladder = (obj.ladder as JsonObject[]).map((rung): LadderRung => ({ g1: rung.g1 as string, g2: rung.g2 as string }));
  return { ...readState(obj), potPubkey: obj.potPubkey as string, ladder, startChain: obj.startChain as string[] };
}

function parseText(text: string, limits: ChunkedLimits, input: InputRole): unknown {
  try {
    return parseJsonText(text, limits);
  } catch (err) {
    throw toChunkError(err, undefined, input);
  }
}

/** Parses ChunkState JSON text (failures carry input 'transcript': the state a contribution extends). */
export function parseChunkState(text: string, limitOverrides?: Partial<ChunkedLimits>): ChunkState {
  const limits = resolveChunkedLimits(limitOverrides);
  return chunkStateFromJson(parseText(text, limits, 'transcript'), limits, 'transcript');
}

/** Parses ChunkContribution JSON text (failures carry input 'contribution'). */
export function parseChunkContribution(text: string, limitOverrides?: Partial<ChunkedLimits>): ChunkContribution {
  const limits = resolveChunkedLimits(limitOverrides);
  return chunkContributionFromJson(parseText(text, limits, 'contribution'), limits, 'contribution');
}

function stateJson(s: ChunkState): Record<string, unknown> {
  return {
    chunkIndex: s.chunkIndex,
    chunkCount: s.chunkCount,
    numG1Powers: s.numG1Powers,
    numG2Powers: s.numG2Powers,
    start: s.start,
    end: s.end,
    g1Powers: s.g1Powers,
    g2Powers: s.g2Powers,
    runningProduct: s.runningProduct,
    tauG2: s.tauG2,
  };
}

export function serializeChunkState(state: ChunkState): string {
  return JSON.stringify(stateJson(state), null, 2);
}

export function serializeChunkContribution(contribution: ChunkContribution): string {
  return JSON.stringify(
    {
      ...stateJson(contribution),
      potPubkey: contribution.potPubkey,
      ladder: contribution.ladder.map((rung) => ({ g1: rung.g1, g2: rung.g2 })),
      startChain: contribution.startChain,
    },
    null,
    2,
  );
}

/** The state part of a contribution (what verification returns), as fresh arrays. */
export function stateOf(contribution: ChunkState): ChunkState {
  return readState({ ...stateJson(contribution), g1Powers: [...contribution.g1Powers], g2Powers: [...contribution.g2Powers] });
}
