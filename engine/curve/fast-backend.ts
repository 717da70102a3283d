// Fast backend: @chainsafe/blst (native) decodes, checks the curve equation and the subgroup, and
// hands affine coordinates to mcl-wasm, which does the arithmetic (mcl-backend.ts). blst is loaded
// when the backend is made, so a program without it (the installable client, where it is optional)
// still loads and uses the wasm backend instead (load-backend.ts).
import type { Fp, Fp2, G1, G2 } from 'mcl-wasm';
import type { CurveBackend } from './backend.js';
import { createMclBackend, mclPointBasics, PointCodecError, type CodecFailure } from './mcl-backend.js';
import { loadMcl } from './mcl-runtime.js';

function blstFailure(err: unknown): PointCodecError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const detail = err instanceof Error ? err.message : String(err);
  const failure: CodecFailure = { reason: code === 'BLST_POINT_NOT_IN_GROUP' ? 'NOT_IN_SUBGROUP' : 'INVALID_POINT', detail };
  return new PointCodecError(failure);
}

/** blst's uncompressed encoding of one compressed point; blst errors become PointCodecErrors. */
function uncompressed(decode: () => Uint8Array): Uint8Array {
  try {
    return decode();
  } catch (err) {
    throw blstFailure(err);
  }
}

export async function createFastBackend(): Promise<CurveBackend<G1, G2>> {
  const blst = await import('@chainsafe/blst');
  const mcl = await loadMcl();
  const basics = mclPointBasics(mcl);
  const fpOne = new mcl.Fp();
  fpOne.setInt(1);
  const fp2One = new mcl.Fp2();
  fp2One.setInt(1, 0);
  return createMclBackend(
    'fast',
    mcl,
    {
      ...basics.g1,
      decodeOne(compressed, validate): G1 {
        const u = uncompressed(() => blst.PublicKey.fromBytes(compressed, validate).toBytes(false));
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
    },
    {
      ...basics.g2,
      decodeOne(compressed, validate): G2 {
        const u = uncompressed(() => blst.Signature.fromBytes(compressed, validate, false).toBytes(false));
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
    },
  );
}
