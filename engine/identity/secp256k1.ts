/**
 * Ethereum-flavoured secp256k1 ECDSA over a 32-byte digest: 65-byte signatures laid out
 * r (32) || s (32) || v (1), with v = 27 + recovery bit, and signer recovery to an address
 * (the last 20 bytes of keccak256 of the uncompressed public key without its 0x04 prefix).
 *
 * Recovery accepts v in {27, 28} and the raw recovery bits {0, 1}, and, like the EVM's
 * ecrecover, it accepts high-s signatures; signing always produces low-s.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { toChecksumAddress } from './eip55.js';
import { IdentityError } from './errors.js';
import { bigIntToBytes, bytesToBigInt, bytesToHex, decodeHex, ECDSA_SIGNATURE_BYTES, WORD_BYTES } from '../format/hex.js';

const CURVE_ORDER = secp256k1.Point.Fn.ORDER;

function parsePrivateKey(privateKeyHex: string): Uint8Array {
  const text = privateKeyHex.startsWith('0x') ? privateKeyHex : `0x${privateKeyHex}`;
  const bytes = decodeHex(text, { bytes: WORD_BYTES });
  if (bytes === null) {
    throw new IdentityError('ECDSA_BAD_PRIVATE_KEY', 'expected 32 bytes of hex');
  }
  const k = bytesToBigInt(bytes);
  if (k <= 0n || k >= CURVE_ORDER) {
    throw new IdentityError('ECDSA_BAD_PRIVATE_KEY', 'private key out of range');
  }
  return bytes;
}

/** EIP-55 address of an uncompressed (65-byte) or compressed (33-byte) public key. */
export function publicKeyToAddress(publicKey: Uint8Array): string {
  const point = secp256k1.Point.fromBytes(publicKey);
  const uncompressed = point.toBytes(false);
  return toChecksumAddress(bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12)));
}

/** EIP-55 address controlled by a private key (hex, with or without 0x). */
export function privateKeyToAddress(privateKeyHex: string): string {
  return publicKeyToAddress(secp256k1.getPublicKey(parsePrivateKey(privateKeyHex), false));
}

/** Signs a 32-byte digest; returns the 65 bytes r || s || v with v in {27, 28}. */
export function signDigest(digest: Uint8Array, privateKeyHex: string): Uint8Array {
  if (digest.length !== WORD_BYTES) throw new RangeError('digest must be 32 bytes');
  const recovered = secp256k1.sign(digest, parsePrivateKey(privateKeyHex), {
    prehash: false,
    format: 'recovered',
    lowS: true,
  });
  // noble's 'recovered' layout is recovery (1) || r (32) || s (32).
  const out = new Uint8Array(ECDSA_SIGNATURE_BYTES);
  out.set(recovered.subarray(1, ECDSA_SIGNATURE_BYTES), 0);
  out[64] = 27 + (recovered[0] ?? 0);
  return out;
}

/** Parses r || s || v (0x-hex, 65 bytes, any hex case); throws ECDSA_BAD_SIGNATURE. */
function parseSignature(signatureHex: string): { r: bigint; s: bigint; recovery: number } {
  const bytes = decodeHex(signatureHex, { bytes: ECDSA_SIGNATURE_BYTES });
  if (bytes === null) {
    throw new IdentityError('ECDSA_BAD_SIGNATURE', 'expected 0x followed by 65 bytes of hex');
  }
  const v = bytes[64] ?? 0;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) {
    throw new IdentityError('ECDSA_BAD_SIGNATURE', `unsupported v byte ${v}`);
  }
  const r = bytesToBigInt(bytes.subarray(0, WORD_BYTES));
  const s = bytesToBigInt(bytes.subarray(WORD_BYTES, 2 * WORD_BYTES));
  if (r <= 0n || r >= CURVE_ORDER || s <= 0n || s >= CURVE_ORDER) {
    throw new IdentityError('ECDSA_BAD_SIGNATURE', 'r or s out of range');
  }
  return { r, s, recovery };
}

/** EIP-55 address of the signer of `digest`; throws ECDSA_BAD_SIGNATURE when nothing recovers. */
export function recoverDigestSigner(digest: Uint8Array, signatureHex: string): string {
  if (digest.length !== WORD_BYTES) throw new RangeError('digest must be 32 bytes');
  const { r, s, recovery } = parseSignature(signatureHex);
  try {
    const signature = new secp256k1.Signature(r, s, recovery);
    const point = signature.recoverPublicKey(digest);
    return publicKeyToAddress(point.toBytes(false));
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    throw new IdentityError('ECDSA_BAD_SIGNATURE', 'no public key recovers from this signature');
  }
}

/** Builds a 0x-hex r || s || v signature from its parts (for tests and interop). */
export function encodeSignature(r: bigint, s: bigint, v: number): string {
  const out = new Uint8Array(ECDSA_SIGNATURE_BYTES);
  out.set(bigIntToBytes(r, WORD_BYTES), 0);
  out.set(bigIntToBytes(s, WORD_BYTES), WORD_BYTES);
  out[64] = v;
  return bytesToHex(out);
}
