/**
 * BLS signature of a participant's identity, keyed by the sub-ceremony secret tau
 * (contributionSigning.md, BLS.md):
 *
 *   ciphersuite  BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_  (signatures in G1, keys in G2)
 *   message      the UTF-8 bytes of the identity string, e.g. "eth|0x…" or "git|1|@alice"
 *   signature    tau · hash_to_G1(message, DST = the ciphersuite id)   (48-byte compressed)
 *   public key   the sub-ceremony's potPubkey, tau · g2                 (96-byte compressed)
 *   verify       e(signature, g2) == e(hash_to_G1(message), potPubkey)
 *
 * The spec allows a contribution without a signature: it is then the empty string, which
 * never verifies (the sequencer treats it as "no signature", not as an error).
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { IdentityError } from './errors.js';
import { G1_BYTES, G2_BYTES } from '../format/hex.js';

/** Domain separation tag: the IRTF BLS ciphersuite id the spec mandates. */
export const IDENTITY_BLS_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_';

/** Order r of G1, G2 and the scalar field. */
export const BLS_CURVE_ORDER: bigint = bls12_381.fields.Fr.ORDER;

const G1_HEX = new RegExp(`^0x[0-9a-f]{${2 * G1_BYTES}}$`);
const G2_HEX = new RegExp(`^0x[0-9a-f]{${2 * G2_BYTES}}$`);

type G1Point = ReturnType<typeof bls12_381.G1.Point.fromHex>;
type G2Point = ReturnType<typeof bls12_381.G2.Point.fromHex>;

function checkSecret(secret: bigint): void {
  if (secret <= 0n || secret >= BLS_CURVE_ORDER) {
    throw new IdentityError('BLS_BAD_SECRET', 'secret must satisfy 0 < secret < r');
  }
}

/** RFC 9380 hash_to_curve onto G1 (BLS12381G1_XMD:SHA-256_SSWU_RO_) under `dst`. */
export function hashToG1(message: Uint8Array, dst: string): G1Point {
  return bls12_381.G1.hashToCurve(message, { DST: dst });
}

/** hash_to_G1 of an identity string under the spec's DST. */
export function hashIdentityToG1(identity: string): G1Point {
  return hashToG1(utf8ToBytes(identity), IDENTITY_BLS_DST);
}

/** tau · g2 as lowercase 0x-hex: the potPubkey a contribution with secret tau carries. */
export function potPubkeyFromSecret(secret: bigint): string {
  checkSecret(secret);
  return `0x${bls12_381.G2.Point.BASE.multiply(secret).toHex(true)}`;
}

/** Signs `identity` with the sub-ceremony secret; returns the compressed G1 point, lowercase 0x-hex. */
export function signIdentity(secret: bigint, identity: string): string {
  checkSecret(secret);
  return `0x${hashIdentityToG1(identity).multiply(secret).toHex(true)}`;
}

/**
 * Decodes a compressed point: lowercase 0x-hex of the exact width, canonical encoding
 * (re-encoding gives the same text), on the curve, in the prime-order subgroup, not infinity.
 */
function decodeG1(hex: string): G1Point | null {
  if (!G1_HEX.test(hex)) return null;
  try {
    const point = bls12_381.G1.Point.fromHex(hex.slice(2));
    if (point.is0() || point.toHex(true) !== hex.slice(2)) return null;
    return point;
  } catch {
    return null;
  }
}

function decodeG2(hex: string): G2Point | null {
  if (!G2_HEX.test(hex)) return null;
  try {
    const point = bls12_381.G2.Point.fromHex(hex.slice(2));
    if (point.is0() || point.toHex(true) !== hex.slice(2)) return null;
    return point;
  } catch {
    return null;
  }
}

/**
 * True when `signatureHex` is a valid signature of `identity` under `potPubkeyG2Hex`.
 * Every encoding problem (empty string, wrong width, uppercase hex, off-curve, outside the
 * subgroup, point at infinity) gives false, as the spec's sequencer requires.
 */
export function verifyIdentitySignature(identity: string, potPubkeyG2Hex: string, signatureHex: string): boolean {
  if (signatureHex === '') return false;
  const signature = decodeG1(signatureHex);
  const pubkey = decodeG2(potPubkeyG2Hex);
  if (signature === null || pubkey === null) return false;
  return bls12_381.shortSignatures.verify(signature, hashIdentityToG1(identity), pubkey);
}
