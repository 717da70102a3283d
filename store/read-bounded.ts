import type { Readable } from 'node:stream';
import { CeremonyError } from '../common/errors.js';

/** Reads a stream fully into memory, refusing more than maxBytes. */
export async function readBounded(stream: Readable, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new CeremonyError('PAYLOAD_TOO_LARGE', `object exceeds the limit of ${maxBytes} bytes`, { maxBytes });
    }
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
