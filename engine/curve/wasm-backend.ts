// Wasm backend: mcl-wasm alone, for where native code cannot run (the browser contributor). mcl
// decodes the compressed points itself, checking the curve equation always and the subgroup when
// asked; the arithmetic is mcl-backend.ts's, the same as the fast backend's.
import type { G1, G2 } from 'mcl-wasm';
import type { CurveBackend } from './backend.js';
import { createMclBackend, mclPointBasics, PointCodecError } from './mcl-backend.js';
import { loadMcl } from './mcl-runtime.js';

/** Bit 6 of the first byte of a compressed point: the point at infinity. */
const INFINITY_FLAG = 0x40;

interface Decodable {
  deserialize(bytes: Uint8Array): void;
}

/**
 * Decodes with mcl's subgroup check set as asked (mcl keeps it as global state, so it is set for
 * the call and put back on). A point refused with the check is decoded again without it to say why.
 */
function decoder<P extends Decodable>(create: () => P, setVerifyOrder: (on: boolean) => void): (compressed: Uint8Array, validate: boolean) => P {
  const attempt = (compressed: Uint8Array, checkOrder: boolean): P | undefined => {
    setVerifyOrder(checkOrder);
    const point = create();
    try {
      point.deserialize(compressed);
      return point;
    } catch {
      return undefined;
    } finally {
      setVerifyOrder(true);
    }
  };
  return (compressed, validate) => {
    // mcl reads any encoding with the infinity flag as infinity; only the canonical one (handled
    // before a codec is asked) is a point.
    if (((compressed[0] ?? 0) & INFINITY_FLAG) !== 0) throw new PointCodecError({ reason: 'INVALID_POINT', detail: 'the infinity flag is set but the other bits are not zero' });
    const point = attempt(compressed, validate);
    if (point !== undefined) return point;
    const onCurve = validate && attempt(compressed, false) !== undefined;
    throw new PointCodecError(
      onCurve ? { reason: 'NOT_IN_SUBGROUP', detail: 'the point is not in the prime-order subgroup' } : { reason: 'INVALID_POINT', detail: 'not a canonical compressed point on the curve' },
    );
  };
}

export async function createWasmBackend(): Promise<CurveBackend<G1, G2>> {
  const mcl = await loadMcl();
  const basics = mclPointBasics(mcl);
  return createMclBackend(
    'wasm',
    mcl,
    {
      ...basics.g1,
      decodeOne: decoder(
        () => new mcl.G1(),
        (on) => mcl.verifyOrderG1(on),
      ),
    },
    {
      ...basics.g2,
      decodeOne: decoder(
        () => new mcl.G2(),
        (on) => mcl.verifyOrderG2(on),
      ),
    },
  );
}
