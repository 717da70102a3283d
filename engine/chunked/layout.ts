// Geometry of the chunked format: how n G1 powers split into C chunks that
// overlap their neighbour by one point, and the proof sizes that follow.
import { InvalidInputError } from '../errors.js';
import { assertValidSize } from '../format/sizes.js';
import type { SubCeremonySize } from '../format/types.js';
import { resolveLimits, type InputLimits } from '../limits.js';

/** Input limits of the chunked documents: the engine's plus the number of chunks. */
export interface ChunkedLimits extends InputLimits {
  maxChunks: number;
}

export const DEFAULT_MAX_CHUNKS = 4096;

/** Ladder and start-chain lengths are bounded by the bit length of a safe integer. */
export const MAX_PROOF_POINTS = 64;

export function resolveChunkedLimits(overrides?: Partial<ChunkedLimits>): ChunkedLimits {
  const { maxChunks, ...rest } = overrides ?? {};
  return { ...resolveLimits(rest), maxChunks: maxChunks ?? DEFAULT_MAX_CHUNKS };
}

/** Global indices [start, end] (inclusive) of one chunk's G1 powers. */
export interface ChunkRange {
  start: number;
  end: number;
}

/**
 * Checks sizes and chunk count: 2 <= m <= n within the limits, 1 <= C <= n - 1
 * (every chunk holds at least two points) and C <= maxChunks.
 */
export function assertChunkGeometry(size: SubCeremonySize, chunkCount: number, limits: ChunkedLimits): void {
  try {
    assertValidSize(size, limits, 0);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError(err.code, err.message.replace(/^sub-ceremony 0: /, ''));
    throw err;
  }
  if (!Number.isSafeInteger(chunkCount) || chunkCount < 1 || chunkCount > size.numG1Powers - 1) {
    throw new InvalidInputError('INVALID_SCHEMA', `chunkCount must be from 1 to numG1Powers - 1 = ${size.numG1Powers - 1} (got ${chunkCount})`);
  }
  if (chunkCount > limits.maxChunks) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `${chunkCount} chunks exceed the limit ${limits.maxChunks}`);
  }
}

/**
 * The ranges of all chunks: the n - 1 steps between consecutive powers are shared
 * out as evenly as possible (the first (n - 1) mod C chunks take one more), chunk c
 * starts where chunk c - 1 ends. Assumes a checked geometry.
 */
export function chunkLayout(numG1Powers: number, chunkCount: number): ChunkRange[] {
  const steps = numG1Powers - 1;
  const base = Math.floor(steps / chunkCount);
  const extra = steps % chunkCount;
  const ranges: ChunkRange[] = [];
  let start = 0;
  for (let c = 0; c < chunkCount; c++) {
    const end = start + base + (c < extra ? 1 : 0);
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

/** The range of one chunk (same as chunkLayout(n, C)[c], in O(1)). */
export function chunkRange(numG1Powers: number, chunkCount: number, chunkIndex: number): ChunkRange {
  const steps = numG1Powers - 1;
  const base = Math.floor(steps / chunkCount);
  const extra = steps % chunkCount;
  const start = chunkIndex * base + Math.min(chunkIndex, extra);
  return { start, end: start + base + (chunkIndex < extra ? 1 : 0) };
}

export function bitLength(value: number): number {
  let bits = 0;
  for (let v = value; v > 0; v = Math.floor(v / 2)) bits++;
  return bits;
}

/** Rungs of every contribution's ladder: k = 0..L with L the bit length of the largest start. */
export function ladderLength(numG1Powers: number, chunkCount: number): number {
  return bitLength(chunkRange(numG1Powers, chunkCount, chunkCount - 1).start) + 1;
}

/** Positions b of the set bits of `start`, ascending: one start-chain step each. */
export function setBits(start: number): number[] {
  const bits: number[] = [];
  let v = start;
  for (let b = 0; v > 0; b++, v = Math.floor(v / 2)) if (v % 2 === 1) bits.push(b);
  return bits;
}
