// S3-compatible object store through the minio client. An upload streams to a temporary key while
// it is hashed, then is copied server-side to its content address, so a reader never sees a
// partial object under a real key.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { CeremonyError } from '../common/errors.js';
import { HashingLimitStream } from './hashing-stream.js';
import { keyFor, type ObjectStore, type PutOptions, type StoredObject, sha256OfKey } from './object-store.js';
import { readBounded } from './read-bounded.js';
import { assertKey, assertPrefix } from './validation.js';

export interface S3StoreOptions {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  requestTimeoutMs: number;
}

const DEFAULT_MAX = 1024 * 1024 * 1024;
const TMP_PREFIX = '.tmp/';

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchObject';
}

function unavailable(action: string, err: unknown): CeremonyError {
  return new CeremonyError('STORE_UNAVAILABLE', `S3 ${action} failed: ${(err as Error).message}`, undefined, { cause: err });
}

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: Client;

  constructor(private readonly options: S3StoreOptions) {
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      transportAgent: options.useSSL ? new https.Agent({ keepAlive: true, timeout: options.requestTimeoutMs }) : new http.Agent({ keepAlive: true, timeout: options.requestTimeoutMs }),
    });
  }

  private get bucket(): string {
    return this.options.bucket;
  }

  async init(): Promise<this> {
    try {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.options.region);
    } catch (err) {
      throw unavailable(`bucket ${this.bucket} setup`, err);
    }
    return this;
  }

  async put(prefix: string, body: Readable | Uint8Array, options: PutOptions = {}): Promise<StoredObject> {
    assertPrefix(prefix);
    const tmpKey = `${TMP_PREFIX}${randomUUID()}`;
    const hasher = new HashingLimitStream(options.maxBytes ?? DEFAULT_MAX);
    const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body;
    source.on('error', (err) => hasher.destroy(err));
    const piped = source.pipe(hasher);
    const meta = { 'Content-Type': options.contentType ?? 'application/octet-stream' };
    // The minio client does not always settle when its source stream fails: race it against the
    // failure so an oversized or broken upload ends at once.
    const failed = new Promise<never>((_, reject) => hasher.once('error', reject));
    failed.catch(() => undefined);
    try {
      await Promise.race([this.client.putObject(this.bucket, tmpKey, piped, undefined, meta), failed]);
      const sha256 = hasher.digestHex();
      const key = keyFor(prefix, sha256);
      await this.client.copyObject(this.bucket, key, `/${this.bucket}/${tmpKey}`);
      return { key, sha256, size: hasher.size };
    } catch (err) {
      if (err instanceof CeremonyError) throw err;
      if (hasher.errored instanceof CeremonyError) throw hasher.errored;
      throw unavailable('put', err);
    } finally {
      await this.client.removeObject(this.bucket, tmpKey).catch(() => undefined);
    }
  }

  async get(key: string): Promise<Readable> {
    assertKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) throw new CeremonyError('NOT_FOUND', `object ${key} not found`);
      throw unavailable('get', err);
    }
  }

  async getBytes(key: string, maxBytes: number): Promise<Uint8Array> {
    return readBounded(await this.get(key), maxBytes);
  }

  async head(key: string): Promise<StoredObject | null> {
    assertKey(key);
    try {
      const stat = await this.client.statObject(this.bucket, key);
      return { key, sha256: sha256OfKey(key), size: stat.size };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw unavailable('head', err);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertPrefix(prefix);
    const stream = this.client.listObjectsV2(this.bucket, `${prefix}/`, false);
    const found: StoredObject[] = [];
    for await (const item of stream as AsyncIterable<{ name?: string; size?: number }>) {
      if (item.name === undefined) continue;
      const name = item.name.slice(prefix.length + 1);
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      found.push({ key: item.name, sha256: name, size: item.size ?? 0 });
    }
    found.sort((a, b) => a.key.localeCompare(b.key));
    yield* found;
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (!isNotFound(err)) throw unavailable('delete', err);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.bucketExists(this.bucket);
    } catch (err) {
      throw unavailable('ping', err);
    }
  }
}
