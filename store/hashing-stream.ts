// A pass-through that hashes, counts, and enforces a byte bound on whatever flows through it.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CeremonyError } from '../common/errors.js';

export class HashingLimitStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.maxBytes) {
      callback(new CeremonyError('PAYLOAD_TOO_LARGE', `body exceeds the limit of ${this.maxBytes} bytes`, { maxBytes: this.maxBytes }));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  get size(): number {
    return this.count;
  }

  digestHex(): string {
    return this.hash.digest('hex');
  }
}
