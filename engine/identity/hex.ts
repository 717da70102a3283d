/**
 * Strict 0x-hex codecs. The ceremony formats use lowercase 0x-prefixed hex for every
 * binary value, so decoding here is exact: no missing prefix, no odd length, and, where the
 * caller asks for it, no uppercase digit.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

const ANY_CASE = /^0x(?:[0-9a-fA-F]{2})*$/;
const LOWER_CASE = /^0x(?:[0-9a-f]{2})*$/;

export interface HexDecodeOptions {
  /** Exact number of bytes required; any length when omitted. */
  readonly bytes?: number;
  /** Reject uppercase hex digits (the transcript schemas only allow lowercase). */
  readonly lowercase?: boolean;
}

/** Decodes a 0x-prefixed hex string; returns null when the text is not acceptable. */
export function decodeHex(text: string, options: HexDecodeOptions = {}): Uint8Array | null {
  const pattern = options.lowercase === true ? LOWER_CASE : ANY_CASE;
  if (!pattern.test(text)) return null;
  if (options.bytes !== undefined && text.length !== 2 + 2 * options.bytes) return null;
  return hexToBytes(text.slice(2));
}

/** Encodes bytes as lowercase 0x-prefixed hex. */
export function encodeHex(bytes: Uint8Array): string {
  return `0x${bytesToHex(bytes)}`;
}

/** Big-endian unsigned integer from bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytesToHex(bytes)}`);
}

/** Big-endian, left-zero-padded encoding of a non-negative integer into `length` bytes. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative value');
  const hex = value.toString(16);
  if (hex.length > 2 * length) throw new RangeError(`value does not fit in ${length} bytes`);
  return hexToBytes(hex.padStart(2 * length, '0'));
}
