// Same tau in G1 and G2: e([tau^i]_1, g2) == e(g1, [tau^i]_2) for i < numG2Powers,
// checked as e(sum s_i P_i, g2) == e(g1, sum s_i Q_i) with fresh 64-bit s_i.
import type { CurveBackend } from '../curve/backend.js';
import { randomScalars } from '../curve/scalars.js';
import type { Engine } from '../context.js';
import { G1_BYTES, G2_BYTES } from '../format/hex.js';
import { firstBadPosition } from './bisect.js';
import { decodeAndCombine } from './bulk-points.js';
import { equationHolds } from './pairing-batch.js';

/** Pairs whose product is 1 when g1Sum and g2Sum commit to the same scalar. */
export function sameTauPairs<P1, P2>(backend: CurveBackend<P1, P2>, g1Sum: P1, g2Sum: P2): Array<readonly [P1, P2]> {
  return [
    [g1Sum, backend.g2.generator()],
    [backend.g1.negate(backend.g1.generator()), g2Sum],
  ];
}

/** Checks G1 and G2 points pairwise for equal discrete logs (lengths must match). */
export async function checkSameTau(engine: Engine, g1Bytes: Uint8Array, g2Bytes: Uint8Array, options: { validate: boolean }): Promise<boolean> {
  const backend = engine.backend;
  const count = g2Bytes.byteLength / G2_BYTES;
  if (g1Bytes.byteLength / G1_BYTES !== count) throw new RangeError('checkSameTau: G1 and G2 slices differ in length');
  const s = randomScalars(count);
  const [g1, g2] = await Promise.all([decodeAndCombine(engine, 'G1', backend.g1, g1Bytes, [s], options), decodeAndCombine(engine, 'G2', backend.g2, g2Bytes, [s], options)]);
  if (!g1.ok || !g2.ok) return false;
  return equationHolds(backend, sameTauPairs(backend, g1.sums[0], g2.sums[0]));
}

/** Index of the first i with e(P_i, g2) != e(g1, Q_i), for decoded-valid inputs. */
export async function locateSameTauBreak(engine: Engine, g1Bytes: Uint8Array, g2Bytes: Uint8Array): Promise<number | undefined> {
  const count = g2Bytes.byteLength / G2_BYTES;
  return firstBadPosition(0, count, (a, b) => checkSameTau(engine, g1Bytes.subarray(a * G1_BYTES, b * G1_BYTES), g2Bytes.subarray(a * G2_BYTES, b * G2_BYTES), { validate: false }));
}
