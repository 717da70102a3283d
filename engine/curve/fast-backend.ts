// Fast backend: @chainsafe/blst (native) decodes, checks the curve equation and
// the subgroup, and hands affine coordinates to mcl-wasm, which does the
// arithmetic (multi-scalar multiplication, scalar multiplication, pairings).
import * as blst from '@chainsafe/blst';
import type { Fp, Fp2, Fr, G1, G2, GT } from 'mcl-wasm';
import type { CurveBackend, DecodeOutcome, GroupBackend, PointFailure } from './backend.js';
import { CURVE_ORDER, G1_GENERATOR_HEX, G2_GENERATOR_HEX, isCanonicalInfinity } from './constants.js';
import { loadMcl } from './mcl-runtime.js';
import { isZeroScalarAt, modPow, scalarCount, type ScalarVector } from './scalars.js';
import { bigIntToBytes, hexToBytes, SCALAR_BYTES } from '../format/hex.js';

type Mcl = Awaited<ReturnType<typeof loadMcl>>;

/** mcl-wasm runs multi-scalar multiplications on a 1 MiB wasm stack: keep blocks small. */
const MSM_BLOCK = 2048;
const NORMALIZE_BLOCK = 1024;

function failureFrom(index: number, err: unknown): PointFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const detail = err instanceof Error ? err.message : String(err);
  return { index, reason: code === 'BLST_POINT_NOT_IN_GROUP' ? 'NOT_IN_SUBGROUP' : 'INVALID_POINT', detail };
}

function frFromBigInt(mcl: Mcl, value: bigint): Fr {
  const bytes = bigIntToBytes(value % CURVE_ORDER, SCALAR_BYTES);
  const fr = new mcl.Fr();
  fr.setBigEndianMod(bytes);
  bytes.fill(0);
  return fr;
}

interface MclPointOps<P extends G1 | G2> {
  create(): P;
  clone(point: P): P;
  equals(a: P, b: P): boolean;
  /** Builds a point from blst's uncompressed affine encoding. */
  fromAffine(uncompressed: Uint8Array): P;
  /** Decodes one compressed point with blst; throws blst errors. */
  blstUncompressed(compressed: Uint8Array, validate: boolean): Uint8Array;
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
          points[i] = ops.fromAffine(ops.blstUncompressed(one, validate));
        } catch (err) {
          return { ok: false, failure: failureFrom(i, err) };
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

export async function createFastBackend(): Promise<CurveBackend<G1, G2>> {
  const mcl = await loadMcl();
  const fpOne = new mcl.Fp();
  fpOne.setInt(1);
  const fp2One = new mcl.Fp2();
  fp2One.setInt(1, 0);
  const g1Ops: MclPointOps<G1> = {
    create: () => new mcl.G1(),
    clone: (p) => p.clone(),
    equals: (a, b) => a.isEqual(b),
    blstUncompressed: (compressed, validate) => blst.PublicKey.fromBytes(compressed, validate).toBytes(false),
    fromAffine(u: Uint8Array): G1 {
      const x: Fp = new mcl.Fp();
      x.deserialize(u.subarray(0, 48));
      const y: Fp = new mcl.Fp();
      y.deserialize(u.subarray(48, 96));
      const p = new mcl.G1();
      p.setX(x);
      p.setY(y);
      p.setZ(fpOne);
      return p;
    },
  };
  const g2Ops: MclPointOps<G2> = {
    create: () => new mcl.G2(),
    clone: (p) => p.clone(),
    equals: (a, b) => a.isEqual(b),
    blstUncompressed: (compressed, validate) => blst.Signature.fromBytes(compressed, validate, false).toBytes(false),
    fromAffine(u: Uint8Array): G2 {
      const x: Fp2 = new mcl.Fp2();
      x.deserialize(u.subarray(0, 96));
      const y: Fp2 = new mcl.Fp2();
      y.deserialize(u.subarray(96, 192));
      const p = new mcl.G2();
      p.setX(x);
      p.setY(y);
      p.setZ(fp2One);
      return p;
    },
  };
  return {
    name: 'fast',
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
