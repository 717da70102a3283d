// The interface every BLS12-381 implementation provides to the engine. Points
// are opaque to callers; everything crossing a thread boundary is bytes
// (compressed points, packed scalars, serialised Miller-loop values).
import type { ScalarVector } from './scalars.js';

/** fast: blst decodes natively, mcl-wasm computes; wasm: mcl-wasm alone (browsers); noble: the pure-TypeScript reference. */
export type BackendName = 'fast' | 'wasm' | 'noble';
export const BACKEND_NAMES: readonly BackendName[] = ['fast', 'wasm', 'noble'];

export type PointFailureReason = 'INVALID_POINT' | 'NOT_IN_SUBGROUP';

export interface PointFailure {
  /** Index of the failing point inside the decoded buffer. */
  index: number;
  reason: PointFailureReason;
  detail: string;
}

export type DecodeOutcome<P> = { ok: true; points: P[] } | { ok: false; failure: PointFailure };

export interface GroupBackend<P> {
  /** Compressed encoding length: 48 for G1, 96 for G2. */
  readonly byteLength: number;
  generator(): P;
  zero(): P;
  /**
   * Decodes consecutive compressed points. With `validate`, every point is checked
   * to be on the curve and in the prime-order subgroup (infinity is accepted).
   * Stops at the first failure.
   */
  decode(bytes: Uint8Array, validate: boolean): DecodeOutcome<P>;
  /** Compressed encodings of `points`, concatenated. */
  encode(points: readonly P[]): Uint8Array;
  isZero(point: P): boolean;
  equals(a: P, b: P): boolean;
  add(a: P, b: P): P;
  negate(point: P): P;
  /** point * scalar, 0 <= scalar < r. */
  multiply(point: P, scalar: bigint): P;
  /** Sum of points[i] * scalars[i] (multi-scalar multiplication). */
  msm(points: readonly P[], scalars: ScalarVector): P;
  /** points[i] * base^(startExponent + i) for every i (no sum). */
  scalePowers(points: readonly P[], base: bigint, startExponent: number): P[];
}

export interface CurveBackend<P1 = unknown, P2 = unknown> {
  readonly name: BackendName;
  readonly g1: GroupBackend<P1>;
  readonly g2: GroupBackend<P2>;
  /** Product of Miller loops of the pairs, serialised (pairs with a zero point are skipped). */
  millerLoopProduct(pairs: ReadonlyArray<readonly [P1, P2]>): Uint8Array;
  /** True when the final exponentiation of the product of the given Miller-loop values is 1. */
  finalExponentiationIsOne(millerLoops: readonly Uint8Array[]): boolean;
}

/** True when the product of pairings e(P_i, Q_i) is 1 in GT. */
export function pairingProductIsOne<P1, P2>(backend: CurveBackend<P1, P2>, pairs: ReadonlyArray<readonly [P1, P2]>): boolean {
  return backend.finalExponentiationIsOne([backend.millerLoopProduct(pairs)]);
}
