// Consecutive powers: P_{i+1} = tau * P_i for every i, given [tau]_2, checked as
// e(sum r_i P_{i+1}, g2) == e(sum r_i P_i, [tau]_2) with fresh 64-bit r_i.
// Works on any slice of a powers vector (chunked transcripts check each chunk).
import type { CurveBackend, PointFailure } from '../curve/backend.js';
import { randomScalars, type ScalarVector } from '../curve/scalars.js';
import type { Engine } from '../context.js';
import { G1_BYTES } from '../format/hex.js';
import { firstBadPosition } from './bisect.js';
import { decodeAndCombine } from './bulk-points.js';
import { equationHolds } from './pairing-batch.js';

export interface ConsecutiveScalars {
  /** r_i at positions 0..n-2, 0 at n-1: its sum is sum r_i P_i. */
  lower: ScalarVector;
  /** 0 at position 0, r_{i-1} at i: its sum is sum r_i P_{i+1}. */
  upper: ScalarVector;
}

export function consecutiveScalars(count: number, width = 8): ConsecutiveScalars {
  const r = randomScalars(Math.max(0, count - 1), width);
  const lower = new Uint8Array(count * width);
  const upper = new Uint8Array(count * width);
  lower.set(r.bytes, 0);
  upper.set(r.bytes, width);
  return { lower: { width, bytes: lower }, upper: { width, bytes: upper } };
}

/** Pairs whose product is 1 when upperSum = tau * lowerSum. */
export function consecutivePairs<P1, P2>(backend: CurveBackend<P1, P2>, lowerSum: P1, upperSum: P1, tauG2: P2): Array<readonly [P1, P2]> {
  return [
    [upperSum, backend.g2.generator()],
    [backend.g1.negate(lowerSum), tauG2],
  ];
}

/** Checks a slice of compressed G1 points for consecutive powers of the tau in `tauG2`. */
export async function checkConsecutivePowers<P2>(engine: Engine, g1Bytes: Uint8Array, tauG2: P2, options: { validate: boolean }): Promise<{ ok: boolean; failure?: PointFailure }> {
  const backend = engine.backend as CurveBackend<unknown, P2>;
  const count = g1Bytes.byteLength / G1_BYTES;
  if (count < 2) return { ok: true };
  const { lower, upper } = consecutiveScalars(count);
  const combined = await decodeAndCombine(engine, 'G1', backend.g1, g1Bytes, [lower, upper], options);
  if (!combined.ok) return { ok: false, failure: combined.failure };
  const [lowerSum, upperSum] = combined.sums;
  return { ok: equationHolds(backend, consecutivePairs(backend, lowerSum, upperSum, tauG2)) };
}

/**
 * Index j of the first point with P_j != tau * P_{j-1}, for points that already
 * passed decoding; undefined if the slice is consistent.
 */
export async function locateConsecutiveBreak<P2>(engine: Engine, g1Bytes: Uint8Array, tauG2: P2): Promise<number | undefined> {
  const pairsCount = g1Bytes.byteLength / G1_BYTES - 1;
  const pair = await firstBadPosition(0, pairsCount, async (a, b) => {
    const slice = g1Bytes.subarray(a * G1_BYTES, (b + 1) * G1_BYTES);
    return (await checkConsecutivePowers(engine, slice, tauG2, { validate: false })).ok;
  });
  return pair === undefined ? undefined : pair + 1;
}
