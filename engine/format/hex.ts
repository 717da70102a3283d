// Lowercase 0x-hex, the only encoding the ceremony format uses for bytes.
import { InvalidInputError } from '../errors.js';

export const G1_BYTES = 48;
export const G2_BYTES = 96;
export const ECDSA_SIGNATURE_BYTES = 65;

const HEX_BODY = /^[0-9a-f]*$/;

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

export function hexToBytes(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value.slice(2), 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return '0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Packs already-checked hex points into one contiguous buffer of `width`-byte records. */
export function packHexPoints(points: readonly string[], width: number): Uint8Array {
  const out = Buffer.alloc(points.length * width);
  points.forEach((point, i) => {
    out.write(point.slice(2), i * width, width, 'hex');
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Splits a contiguous buffer of `width`-byte records into 0x-hex strings. */
export function unpackHexPoints(bytes: Uint8Array, width: number): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / width;
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = '0x' + buf.toString('hex', i * width, (i + 1) * width);
  return out;
}
