// Bytes from the platform's CSPRNG (Web Crypto: Node's globalThis.crypto and every browser), so the
// engine's secrets and random weights come from the same source on both.

/** Web Crypto fills at most 65,536 bytes per call. */
const MAX_FILL = 65_536;

/** Fills `bytes` from the CSPRNG and returns it. */
export function fillRandom(bytes: Uint8Array): Uint8Array {
  for (let offset = 0; offset < bytes.byteLength; offset += MAX_FILL) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + MAX_FILL, bytes.byteLength)));
  }
  return bytes;
}

/** `length` fresh random bytes. */
export function randomBytes(length: number): Uint8Array {
  return fillRandom(new Uint8Array(length));
}
