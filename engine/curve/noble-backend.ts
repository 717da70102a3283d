// Reference backend: @noble/curves, pure TypeScript, audited, slow.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import type { WeierstrassPoint, WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import type { CurveBackend, DecodeOutcome, GroupBackend, PointFailure } from './backend.js';
import { CURVE_ORDER } from './constants.js';
import { isZeroScalarAt, modPow, scalarAt, scalarCount, type ScalarVector } from './scalars.js';

type Fp = bigint;
type Fp2 = ReturnType<typeof bls12_381.fields.Fp2.create>;
type G1 = WeierstrassPoint<Fp>;
type G2 = WeierstrassPoint<Fp2>;

function classify(index: number, err: unknown): PointFailure {
  const detail = err instanceof Error ? err.message : String(err);
  return { index, reason: /subgroup/i.test(detail) ? 'NOT_IN_SUBGROUP' : 'INVALID_POINT', detail };
}

function group<F>(Point: WeierstrassPointCons<F>, byteLength: number): GroupBackend<WeierstrassPoint<F>> {
  type P = WeierstrassPoint<F>;
  return {
    byteLength,
    generator: () => Point.BASE,
    zero: () => Point.ZERO,
    decode(bytes: Uint8Array, _validate: boolean): DecodeOutcome<P> {
      // noble always validates (curve equation and subgroup) when decoding.
      const count = bytes.byteLength / byteLength;
      const points: P[] = new Array<P>(count);
      for (let i = 0; i < count; i++) {
        try {
          points[i] = Point.fromBytes(bytes.subarray(i * byteLength, (i + 1) * byteLength));
        } catch (err) {
          return { ok: false, failure: classify(i, err) };
        }
      }
      return { ok: true, points };
    },
    encode(points: readonly P[]): Uint8Array {
      const out = new Uint8Array(points.length * byteLength);
      points.forEach((p, i) => out.set(p.toBytes(true), i * byteLength));
      return out;
    },
    isZero: (p) => p.is0(),
    equals: (a, b) => a.equals(b),
    add: (a, b) => a.add(b),
    negate: (p) => p.negate(),
    multiply: (p, k) => (k === 0n || p.is0() ? Point.ZERO : p.multiply(k)),
    msm(points: readonly P[], scalars: ScalarVector): P {
      const n = scalarCount(scalars);
      const ps: P[] = [];
      const ks: bigint[] = [];
      for (let i = 0; i < n; i++) {
        if (isZeroScalarAt(scalars, i)) continue;
        const point = points[i];
        if (point === undefined) throw new RangeError('msm: fewer points than scalars');
        ps.push(point);
        ks.push(scalarAt(scalars, i) % CURVE_ORDER);
      }
      return ps.length === 0 ? Point.ZERO : pippenger(Point, ps, ks);
    },
    scalePowers(points: readonly P[], base: bigint, startExponent: number): P[] {
      let factor = modPow(base, BigInt(startExponent));
      const out = points.map((p) => {
        const q = factor === 0n || p.is0() ? Point.ZERO : p.multiply(factor);
        factor = (factor * base) % CURVE_ORDER;
        return q;
      });
      factor = 0n;
      return out;
    },
  };
}

const Fp12 = bls12_381.fields.Fp12;

export function createNobleBackend(): CurveBackend<G1, G2> {
  return {
    name: 'noble',
    g1: group(bls12_381.G1.Point, 48),
    g2: group(bls12_381.G2.Point, 96),
    millerLoopProduct(pairs): Uint8Array {
      const live = pairs.filter(([p, q]) => !p.is0() && !q.is0()).map(([g1, g2]) => ({ g1, g2 }));
      return Fp12.toBytes(bls12_381.pairingBatch(live, false));
    },
    finalExponentiationIsOne(millerLoops): boolean {
      let acc = Fp12.ONE;
      for (const bytes of millerLoops) acc = Fp12.mul(acc, Fp12.fromBytes(bytes));
      return Fp12.eql(Fp12.finalExponentiate(acc), Fp12.ONE);
    },
  };
}
