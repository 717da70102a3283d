// Scalar vectors: packed little-endian integers of a fixed byte width, the form
// in which random-linear-combination coefficients travel to workers.
import { fillRandom } from './random.js';
import { CURVE_ORDER } from './constants.js';

export interface ScalarVector {
  /** Bytes per scalar (8 for 64-bit coefficients, 32 for arbitrary field elements). */
  width: number;
  /** count * width bytes, little-endian per scalar. */
  bytes: Uint8Array;
}

export function scalarCount(vector: ScalarVector): number {
  return vector.bytes.byteLength / vector.width;
}

export function scalarAt(vector: ScalarVector, index: number): bigint {
  let value = 0n;
  const start = index * vector.width;
  for (let i = start + vector.width - 1; i >= start; i--) value = (value << 8n) | BigInt(vector.bytes[i] ?? 0);
  return value;
}

export function isZeroScalarAt(vector: ScalarVector, index: number): boolean {
  const start = index * vector.width;
  for (let i = start; i < start + vector.width; i++) if (vector.bytes[i] !== 0) return false;
  return true;
}

/** `count` fresh random scalars of `width` bytes from the OS CSPRNG (width <= 31 keeps them below r). */
export function randomScalars(count: number, width = 8): ScalarVector {
  if (width > 31) throw new RangeError('random scalar width must be below 32 bytes');
  const bytes = new Uint8Array(count * width);
  fillRandom(bytes);
  return { width, bytes };
}

/** A vector of `count` zero scalars of `width` bytes. */
export function zeroScalars(count: number, width = 8): ScalarVector {
  return { width, bytes: new Uint8Array(count * width) };
}

export function scalarVectorFrom(values: readonly bigint[], width = 32): ScalarVector {
  const bytes = new Uint8Array(values.length * width);
  values.forEach((value, i) => {
    let v = value;
    for (let b = 0; b < width; b++) {
      bytes[i * width + b] = Number(v & 0xffn);
      v >>= 8n;
    }
    if (v !== 0n) throw new RangeError(`scalar ${i} does not fit in ${width} bytes`);
  });
  return { width, bytes };
}

/** A sub-range [start, end) of a vector, sharing memory. */
export function sliceScalars(vector: ScalarVector, start: number, end: number): ScalarVector {
  return { width: vector.width, bytes: vector.bytes.subarray(start * vector.width, end * vector.width) };
}

export function randomScalar(width = 8): bigint {
  return scalarAt(randomScalars(1, width), 0);
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint = CURVE_ORDER): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}
