// The engine's one module for bytes: their named sizes, 0x-hex (the only encoding the ceremony
// formats use for bytes; lowercase in the documents) and big-endian integers.
import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';
import { InvalidInputError } from '../errors.js';

/** A compressed BLS12-381 G1 point. */
export const G1_BYTES = 48;
/** A compressed BLS12-381 G2 point. */
export const G2_BYTES = 96;
/** A BLS12-381 scalar (a secret), big-endian. */
export const SCALAR_BYTES = 32;
/** A 256-bit word: a SHA-256 or Keccak-256 digest, an EIP-712 word, a secp256k1 private key or r, s. */
export const WORD_BYTES = 32;
/** An Ethereum ECDSA signature, r || s || v. */
export const ECDSA_SIGNATURE_BYTES = 65;
/** An Ethereum address. */
export const ADDRESS_BYTES = 20;

const HEX_BODY = /^[0-9a-f]*$/;

/** An Ethereum address as 0x-hex in either case (EIP-55 mixed case included). */
export const ADDRESS_HEX = new RegExp(`^0x[0-9a-fA-F]{${2 * ADDRESS_BYTES}}$`);
const ANY_CASE = /^0x(?:[0-9a-fA-F]{2})*$/;
const LOWER_CASE = /^0x(?:[0-9a-f]{2})*$/;

/** True when `value` is `0x` followed by exactly `byteLength` bytes of lowercase hex. */
export function isHexOfLength(value: string, byteLength: number): boolean {
  return value.length === 2 + 2 * byteLength && value.startsWith('0x') && HEX_BODY.test(value.slice(2));
}

/** Throws BAD_HEX unless `value` is `0x` + `byteLength` bytes of lowercase hex. */
export function assertHex(value: unknown, byteLength: number, path: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidInputError('INVALID_SCHEMA', `${path}: expected a hex string, found ${typeof value}`, { path });
  }
  if (!isHexOfLength(value, byteLength)) {
    const why = !value.startsWith('0x')
      ? 'missing 0x prefix'
      : value.length !== 2 + 2 * byteLength
        ? `expected ${2 * byteLength} hex digits, found ${value.length - 2}`
        : 'only lowercase hex digits are allowed';
    throw new InvalidInputError('BAD_HEX', `${path}: ${why}`, { path });
  }
}

export interface HexDecodeOptions {
  /** Exact number of bytes required; any length when omitted. */
  readonly bytes?: number;
  /** Reject uppercase hex digits (the transcript schemas only allow lowercase). */
  readonly lowercase?: boolean;
}

/** Decodes 0x-hex exactly (no missing prefix, no odd length, lowercase when asked); null when the text is not acceptable. */
export function decodeHex(text: string, options: HexDecodeOptions = {}): Uint8Array | null {
  const pattern = options.lowercase === true ? LOWER_CASE : ANY_CASE;
  if (!pattern.test(text)) return null;
  if (options.bytes !== undefined && text.length !== 2 + 2 * options.bytes) return null;
  return hexToBytes(text);
}

/** Node's Buffer where it exists (native hex, much faster); browsers use noble's conversions. */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** Bytes of already-checked 0x-hex. */
export function hexToBytes(value: string): Uint8Array {
  return NodeBuffer === undefined ? nobleHexToBytes(value.slice(2)) : new Uint8Array(NodeBuffer.from(value.slice(2), 'hex'));
}

/** Lowercase 0x-hex of the bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  return '0x' + (NodeBuffer === undefined ? nobleBytesToHex(bytes) : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}

/** Packs already-checked hex points into one contiguous buffer of `width`-byte records. */
export function packHexPoints(points: readonly string[], width: number): Uint8Array {
  if (NodeBuffer === undefined) {
    const out = new Uint8Array(points.length * width);
    points.forEach((point, i) => out.set(nobleHexToBytes(point.slice(2)), i * width));
    return out;
  }
  const out = NodeBuffer.alloc(points.length * width);
  points.forEach((point, i) => {
    out.write(point.slice(2), i * width, width, 'hex');
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Splits a contiguous buffer of `width`-byte records into 0x-hex strings. */
export function unpackHexPoints(bytes: Uint8Array, width: number): string[] {
  const count = bytes.byteLength / width;
  const out = new Array<string>(count);
  if (NodeBuffer === undefined) {
    for (let i = 0; i < count; i++) out[i] = '0x' + nobleBytesToHex(bytes.subarray(i * width, (i + 1) * width));
    return out;
  }
  const buf = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = '0x' + buf.toString('hex', i * width, (i + 1) * width);
  return out;
}

/** Big-endian unsigned integer from bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Big-endian, left-zero-padded encoding of a non-negative integer into `length` bytes. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative value');
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError(`value does not fit in ${length} bytes`);
  return out;
}
