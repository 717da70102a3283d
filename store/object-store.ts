// The object store interface: content-addressed blobs under a prefix.
// A key is `<prefix>/<sha256 hex>`; the data under a key never changes.
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  /** lowercase hex SHA-256 of the bytes */
  sha256: string;
  size: number;
}

export interface PutOptions {
  /** Refuse (PAYLOAD_TOO_LARGE) and store nothing once more than this many bytes arrive. */
  maxBytes?: number;
  contentType?: string;
}

export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  /** Streams the body in, hashing as it goes; the object appears under its final key only when complete. */
  put(prefix: string, body: Readable | Uint8Array, options?: PutOptions): Promise<StoredObject>;
  /** A stream of the object's bytes; NOT_FOUND when absent. */
  get(key: string): Promise<Readable>;
  /** The whole object in memory, bounded by maxBytes (PAYLOAD_TOO_LARGE beyond it). */
  getBytes(key: string, maxBytes: number): Promise<Uint8Array>;
  head(key: string): Promise<StoredObject | null>;
  list(prefix: string): AsyncIterable<StoredObject>;
  delete(key: string): Promise<void>;
  /** Throws STORE_UNAVAILABLE when the backing service cannot be reached. */
  ping(): Promise<void>;
}

const prefixPattern = /^[a-z0-9][a-z0-9._-]{0,62}(\/[a-z0-9][a-z0-9._-]{0,62}){0,7}$/;
const keyPattern = /^[a-z0-9][a-z0-9._-]{0,62}(\/[a-z0-9][a-z0-9._-]{0,62}){0,7}\/[0-9a-f]{64}$/;

export function isValidPrefix(prefix: string): boolean {
  return prefixPattern.test(prefix);
}

export function isValidKey(key: string): boolean {
  return keyPattern.test(key);
}

export function keyFor(prefix: string, sha256: string): string {
  return `${prefix}/${sha256}`;
}

export function sha256OfKey(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
