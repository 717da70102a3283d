// The fast backend (blst + mcl-wasm), the wasm backend (mcl-wasm alone, the browser's) and the
// noble reference agree on every primitive: decoding and its failure classes, encoding, MSM, scalar powers,
// pairing products.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../engine/curve/load-backend.js';
import type { CurveBackend } from '../../engine/curve/backend.js';
import { CURVE_ORDER } from '../../engine/curve/constants.js';
import { scalarVectorFrom } from '../../engine/curve/scalars.js';
import { G1, G1_INFINITY, G2, G2_INFINITY, g1Hex, g1OffCurve, g1OutsideSubgroup, g2Hex, g2OffCurve, g2OutsideSubgroup } from './helpers.js';

function bytes(hexText: string): Uint8Array {
  return new Uint8Array(Buffer.from(hexText.slice(2), 'hex'));
}

function hexOf(b: Uint8Array): string {
  return '0x' + Buffer.from(b).toString('hex');
}

const fast = await loadBackend('fast');
const wasm = await loadBackend('wasm');
const noble = await loadBackend('noble');

type Outcome = string;

function decodeOutcome(backend: CurveBackend, group: 'g1' | 'g2', encoded: string): Outcome {
  const result = backend[group].decode(bytes(encoded), true);
  if (!result.ok) return `${result.failure.reason}@${result.failure.index}`;
  return hexOf(backend[group].encode(result.points));
}

function flipCompression(text: string): string {
  const b = bytes(text);
  b[0] = (b[0] as number) & 0x7f;
  return hexOf(b);
}

function nonCanonicalInfinity(width: number): string {
  const b = new Uint8Array(width);
  b[0] = 0xc0;
  b[width - 1] = 1;
  return hexOf(b);
}

function xTooLarge(width: number): string {
  const b = new Uint8Array(width).fill(0xff);
  b[0] = 0x9f;
  return hexOf(b);
}

describe('fast, wasm and noble backends agree', () => {
  const g1Cases: Record<string, string> = {
    generator: g1Hex(1n),
    multiple: g1Hex(123456789n),
    infinity: G1_INFINITY,
    offCurve: g1OffCurve(),
    outsideSubgroup: g1OutsideSubgroup(),
    uncompressedFlag: flipCompression(g1Hex(5n)),
    nonCanonicalInfinity: nonCanonicalInfinity(48),
    xNotBelowP: xTooLarge(48),
    infinityWithSortBit: '0xe0' + '00'.repeat(47),
  };
  const g2Cases: Record<string, string> = {
    generator: g2Hex(1n),
    multiple: g2Hex(987654321n),
    infinity: G2_INFINITY,
    offCurve: g2OffCurve(),
    outsideSubgroup: g2OutsideSubgroup(),
    uncompressedFlag: flipCompression(g2Hex(5n)),
    nonCanonicalInfinity: nonCanonicalInfinity(96),
    xNotBelowP: xTooLarge(96),
  };

  it.each(Object.entries(g1Cases))('G1 decoding: %s', (_, encoded) => {
    const reference = decodeOutcome(noble, 'g1', encoded);
    expect(decodeOutcome(fast, 'g1', encoded)).toBe(reference);
    expect(decodeOutcome(wasm, 'g1', encoded)).toBe(reference);
  });

  it.each(Object.entries(g2Cases))('G2 decoding: %s', (_, encoded) => {
    const reference = decodeOutcome(noble, 'g2', encoded);
    expect(decodeOutcome(fast, 'g2', encoded)).toBe(reference);
    expect(decodeOutcome(wasm, 'g2', encoded)).toBe(reference);
  });

  it('the wasm backend decodes trusted points without the subgroup check, and checks it again after', () => {
    const outside = g1OutsideSubgroup();
    expect(wasm.g1.decode(bytes(outside), false).ok).toBe(true);
    expect(decodeOutcome(wasm, 'g1', outside)).toBe('NOT_IN_SUBGROUP@0');
  });

  it('classifies the crafted points as expected', () => {
    expect(decodeOutcome(noble, 'g1', g1Cases.offCurve as string)).toBe('INVALID_POINT@0');
    expect(decodeOutcome(noble, 'g1', g1Cases.outsideSubgroup as string)).toBe('NOT_IN_SUBGROUP@0');
    expect(decodeOutcome(noble, 'g2', g2Cases.outsideSubgroup as string)).toBe('NOT_IN_SUBGROUP@0');
    expect(decodeOutcome(noble, 'g1', G1_INFINITY)).toBe(G1_INFINITY);
  });

  it('reports the index of the first bad point in a batch', () => {
    const batch = g1Hex(2n) + g1Hex(3n).slice(2) + g1OffCurve().slice(2) + g1OutsideSubgroup().slice(2);
    for (const backend of [fast, wasm, noble]) expect(decodeOutcome(backend, 'g1', batch)).toBe('INVALID_POINT@2');
  });

  it('MSM, scalar powers, multiply and pairings match on random inputs', () => {
    const scalar = fc.bigInt({ min: 0n, max: CURVE_ORDER - 1n });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 2n ** 64n }), scalar), { minLength: 1, maxLength: 6 }), scalar, (items, base) => {
        const g1 = items
          .map(([k]) => hexOf(G1.BASE.multiply(k).toBytes(true)))
          .join('')
          .replaceAll('0x', '');
        const g2 = items
          .map(([k]) => hexOf(G2.BASE.multiply(k).toBytes(true)))
          .join('')
          .replaceAll('0x', '');
        const scalars = scalarVectorFrom(items.map(([, s]) => s));
        const results = [fast, wasm, noble].map((backend) => {
          const p1 = backend.g1.decode(bytes('0x' + g1), true);
          const p2 = backend.g2.decode(bytes('0x' + g2), true);
          if (!p1.ok || !p2.ok) throw new Error('decode failed');
          const msm1 = hexOf(backend.g1.encode([backend.g1.msm(p1.points, scalars)]));
          const msm2 = hexOf(backend.g2.encode([backend.g2.msm(p2.points, scalars)]));
          const pow1 = hexOf(backend.g1.encode(backend.g1.scalePowers(p1.points, base, 3)));
          const pow2 = hexOf(backend.g2.encode(backend.g2.scalePowers(p2.points, base, 0)));
          const mul = hexOf(backend.g1.encode([backend.g1.multiply(p1.points[0], base)]));
          // e(a P, Q) e(-P, a Q) == 1 and e(P, Q) != 1
          const a = items[0]?.[1] ?? 1n;
          const P = p1.points[0];
          const Q = p2.points[0];
          const balanced = backend.finalExponentiationIsOne([
            backend.millerLoopProduct([
              [backend.g1.multiply(P, a), Q],
              [backend.g1.negate(P), backend.g2.multiply(Q, a)],
            ]),
          ]);
          const single = backend.finalExponentiationIsOne([backend.millerLoopProduct([[P, Q]])]);
          return { msm1, msm2, pow1, pow2, mul, balanced, single };
        });
        expect(results[0]).toEqual(results[2]);
        expect(results[1]).toEqual(results[2]);
        expect(results[0]?.balanced).toBe(true);
        expect(results[0]?.single).toBe(false);
      }),
      { numRuns: 12 },
    );
  });
});
