// Secrets of a public random beacon (finalisation). The beacon value is a byte
// string given as hex (e.g. a future block hash, or the output of a drand round),
// hashed iteratively so that nobody can try many candidate values in the time
// between the value becoming known and the contribution being due:
//   D_0 = beacon bytes (exactly the bytes the hex denotes: no prefix, no length, no tag)
//   D_i = SHA-256(D_{i-1}), i = 1..N          (N = iterations >= 1; 2^20 in production)
//   beacon secret          = int_be(D_N) mod r
//   sub-ceremony j secret  = int_be(SHA-256(D_N || uint32_be(j))) mod r   (KZG batch format)
// The secrets are public by design: anyone can recompute them from the record.
import { sha256 } from '@noble/hashes/sha2.js';
import { CURVE_ORDER } from '../curve/constants.js';
import { bytesToBigInt, hexToBytes } from '../format/hex.js';
import { InvalidInputError } from '../errors.js';

/** Iterations recommended for a production beacon (about a second of SHA-256 on one core). */
export const PRODUCTION_BEACON_ITERATIONS = 2 ** 20;
/** The largest iteration count accepted (a record is checked by recomputing it). */
export const MAX_BEACON_ITERATIONS = 2 ** 28;
/** The longest beacon value accepted, in bytes. */
export const MAX_BEACON_BYTES = 1024;

const BEACON_HEX = /^0x(?:[0-9a-f]{2})+$/;

/** Throws unless `value` is `0x` + 1..MAX_BEACON_BYTES bytes of lowercase hex. */
export function assertBeaconValue(value: unknown, path = 'beaconValueHex'): asserts value is string {
  if (typeof value !== 'string') throw new InvalidInputError('INVALID_SCHEMA', `${path}: expected a hex string`, { path });
  if (!BEACON_HEX.test(value)) {
    throw new InvalidInputError('BAD_HEX', `${path}: expected 0x followed by an even number of lowercase hex digits`, { path });
  }
  if ((value.length - 2) / 2 > MAX_BEACON_BYTES) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `${path}: the beacon value is longer than ${MAX_BEACON_BYTES} bytes`, { path });
  }
}

/** Throws unless 1 <= iterations <= MAX_BEACON_ITERATIONS. */
export function assertIterations(value: unknown, path = 'iterations'): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError('INVALID_SCHEMA', `${path}: expected a positive integer`, { path });
  }
  if (value > MAX_BEACON_ITERATIONS) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `${path}: ${value} exceeds the limit ${MAX_BEACON_ITERATIONS}`, { path });
  }
}

/** D_N = SHA-256^N(beacon bytes). */
export function beaconDigest(valueHex: string, iterations: number): Uint8Array {
  assertBeaconValue(valueHex);
  assertIterations(iterations);
  let digest: Uint8Array = hexToBytes(valueHex);
  for (let i = 0; i < iterations; i++) digest = sha256(digest);
  return digest;
}

function checkedSecret(value: bigint, what: string): bigint {
  // Probability about 2^-254: a beacon value with this outcome cannot be used.
  if (value <= 1n) throw new InvalidInputError('INVALID_SECRET', `${what} reduces to ${value}, which is not a usable secret`);
  return value;
}

/** The beacon secret int_be(D_N) mod r (one secret: the chunked format uses it for every chunk). */
export function deriveBeaconSecret(valueHex: string, iterations: number): bigint {
  return checkedSecret(bytesToBigInt(beaconDigest(valueHex, iterations)) % CURVE_ORDER, 'the beacon digest');
}

/** One secret per sub-ceremony j: int_be(SHA-256(D_N || uint32_be(j))) mod r. */
export function beaconSubSecrets(digest: Uint8Array, count: number): bigint[] {
  const secrets: bigint[] = [];
  for (let j = 0; j < count; j++) {
    const input = new Uint8Array(digest.length + 4);
    input.set(digest, 0);
    new DataView(input.buffer).setUint32(digest.length, j, false);
    secrets.push(checkedSecret(bytesToBigInt(sha256(input)) % CURVE_ORDER, `sub-ceremony ${j}'s beacon hash`));
  }
  return secrets;
}

/** `HEX` or `0xHEX` in either case -> canonical `0x` lowercase; throws InvalidInputError when invalid. */
export function normalizeBeaconValue(text: string): string {
  const value = '0x' + text.trim().replace(/^0x/i, '').toLowerCase();
  assertBeaconValue(value, 'beacon');
  return value;
}

export function bigIntToHex32(value: bigint): string {
  return '0x' + value.toString(16).padStart(64, '0');
}
