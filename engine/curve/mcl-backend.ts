// The arithmetic every mcl-wasm backend shares (multi-scalar multiplication, scalar multiplication,
// pairings) around a point codec that decodes and validates compressed points: blst natively
// (fast-backend.ts) or mcl itself where no native code runs (wasm-backend.ts, the browser).
import type { Fr, G1, G2, GT } from 'mcl-wasm';
import type { BackendName, CurveBackend, DecodeOutcome, GroupBackend, PointFailure } from './backend.js';
import { CURVE_ORDER, G1_GENERATOR_HEX, G2_GENERATOR_HEX, isCanonicalInfinity } from './constants.js';
import { loadMcl } from './mcl-runtime.js';
import { isZeroScalarAt, modPow, scalarCount, type ScalarVector } from './scalars.js';
import { bigIntToBytes, hexToBytes, SCALAR_BYTES } from '../format/hex.js';

export type Mcl = Awaited<ReturnType<typeof loadMcl>>;

/** mcl-wasm runs multi-scalar multiplications on a 1 MiB wasm stack: keep blocks small. */
const MSM_BLOCK = 2048;
const NORMALIZE_BLOCK = 1024;

/** Why one compressed point was refused, as a codec reports it (its index is filled in by the caller). */
export type CodecFailure = Omit<PointFailure, 'index'>;

/** Thrown by a codec for a point it refuses. */
export class PointCodecError extends Error {
  constructor(readonly failure: CodecFailure) {
    super(failure.detail);
  }
}

function frFromBigInt(mcl: Mcl, value: bigint): Fr {
  const bytes = bigIntToBytes(value % CURVE_ORDER, SCALAR_BYTES);
  const fr = new mcl.Fr();
  fr.setBigEndianMod(bytes);
  bytes.fill(0);
  return fr;
}

export interface MclPointOps<P extends G1 | G2> {
  create(): P;
  clone(point: P): P;
  equals(a: P, b: P): boolean;
  /**
   * Decodes one compressed point other than infinity, checking the curve equation and, with
   * `validate`, the subgroup; throws PointCodecError for a point it refuses.
   */
  decodeOne(compressed: Uint8Array, validate: boolean): P;
}

/** The point operations mcl provides for itself, for a codec to extend with its decodeOne. */
export function mclPointBasics(mcl: Mcl): { g1: Omit<MclPointOps<G1>, 'decodeOne'>; g2: Omit<MclPointOps<G2>, 'decodeOne'> } {
  return {
    g1: { create: () => new mcl.G1(), clone: (p) => p.clone(), equals: (a, b) => a.isEqual(b) },
    g2: { create: () => new mcl.G2(), clone: (p) => p.clone(), equals: (a, b) => a.isEqual(b) },
  };
}

function mclGroup<P extends G1 | G2>(mcl: Mcl, ops: MclPointOps<P>, byteLength: number, generatorHex: string): GroupBackend<P> {
  const generator = ops.create();
  generator.deserialize(hexToBytes(generatorHex));
  const mulPoint = (p: P, fr: Fr): P => mcl.mul(p as G1, fr) as P;
  const addPoints = (a: P, b: P): P => mcl.add(a, b);
  const normalizeAll = (points: P[]): void => {
    for (let i = 0; i < points.length; i += NORMALIZE_BLOCK) mcl.normalizeVec(points.slice(i, i + NORMALIZE_BLOCK));
  };
  return {
    byteLength,
    generator: () => generator,
    zero: () => ops.create(),
    decode(bytes: Uint8Array, validate: boolean): DecodeOutcome<P> {
      const count = bytes.byteLength / byteLength;
      const points = new Array<P>(count);
      for (let i = 0; i < count; i++) {
        const one = bytes.subarray(i * byteLength, (i + 1) * byteLength);
        if (isCanonicalInfinity(one)) {
          points[i] = ops.create();
          continue;
        }
        try {
          points[i] = ops.decodeOne(one, validate);
        } catch (err) {
          if (err instanceof PointCodecError) return { ok: false, failure: { index: i, ...err.failure } };
          throw err;
        }
      }
      return { ok: true, points };
    },
    encode(points: readonly P[]): Uint8Array {
      // normalizeVec works in place on the objects; encode copies so callers' points stay untouched.
      const copies = points.map((p) => ops.clone(p));
      normalizeAll(copies);
      const out = new Uint8Array(points.length * byteLength);
      copies.forEach((p, i) => out.set(p.serialize(), i * byteLength));
      return out;
    },
    isZero: (p) => p.isZero(),
    equals: ops.equals,
    add: addPoints,
    negate: (p) => mcl.neg(p),
    multiply(p: P, k: bigint): P {
      if (k % CURVE_ORDER === 0n) return ops.create();
      return mulPoint(p, frFromBigInt(mcl, k));
    },
    msm(points: readonly P[], scalars: ScalarVector): P {
      const n = scalarCount(scalars);
      let acc = ops.create();
      let blockPoints: P[] = [];
      let blockScalars: Fr[] = [];
      const flush = (): void => {
        if (blockPoints.length === 0) return;
        acc = addPoints(acc, mcl.mulVec(blockPoints as G1[], blockScalars) as P);
        blockPoints = [];
        blockScalars = [];
      };
      for (let i = 0; i < n; i++) {
        if (isZeroScalarAt(scalars, i)) continue;
        const point = points[i];
        if (point === undefined) throw new RangeError('msm: fewer points than scalars');
        if (point.isZero()) continue;
        const fr = new mcl.Fr();
        fr.setLittleEndianMod(scalars.bytes.subarray(i * scalars.width, (i + 1) * scalars.width));
        blockPoints.push(point);
        blockScalars.push(fr);
        if (blockPoints.length === MSM_BLOCK) flush();
      }
      flush();
      return acc;
    },
    scalePowers(points: readonly P[], base: bigint, startExponent: number): P[] {
      const step = frFromBigInt(mcl, base);
      let factor = frFromBigInt(mcl, modPow(base, BigInt(startExponent)));
      const out = points.map((p) => {
        const q = mulPoint(p, factor);
        factor = mcl.mul(factor, step);
        return q;
      });
      factor.clear();
      step.clear();
      return out;
    },
  };
}

/** A backend doing its arithmetic in mcl-wasm, with points decoded by the given operations. */
export function createMclBackend(name: BackendName, mcl: Mcl, g1Ops: MclPointOps<G1>, g2Ops: MclPointOps<G2>): CurveBackend<G1, G2> {
  return {
    name,
    g1: mclGroup(mcl, g1Ops, 48, G1_GENERATOR_HEX),
    g2: mclGroup(mcl, g2Ops, 96, G2_GENERATOR_HEX),
    millerLoopProduct(pairs): Uint8Array {
      let acc: GT | undefined;
      for (const [p, q] of pairs) {
        if (p.isZero() || q.isZero()) continue;
        const ml = mcl.millerLoop(p, q);
        acc = acc === undefined ? ml : mcl.mul(acc, ml);
      }
      if (acc === undefined) {
        acc = new mcl.GT();
        acc.setInt(1);
      }
      return acc.serialize();
    },
    finalExponentiationIsOne(millerLoops): boolean {
      let acc = new mcl.GT();
      acc.setInt(1);
      for (const bytes of millerLoops) {
        const gt = new mcl.GT();
        gt.deserialize(bytes);
        acc = mcl.mul(acc, gt);
      }
      return mcl.finalExp(acc).isOne();
    },
  };
}
