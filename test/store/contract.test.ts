// One contract, two implementations: the filesystem store and the S3 store against a real MinIO.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyError } from '../../common/errors.js';
import { FsObjectStore } from '../../store/fs-store.js';
import type { ObjectStore } from '../../store/object-store.js';
import { readBounded } from '../../store/read-bounded.js';
import { S3ObjectStore } from '../../store/s3-store.js';
import { startMinio, type RunningMinio } from '../helpers/minio.js';

interface Harness {
  name: string;
  open(): Promise<{ store: ObjectStore; close(): Promise<void>; leftovers(): Promise<number> }>;
}

let minio: RunningMinio | undefined;

const harnesses: Harness[] = [
  {
    name: 'filesystem',
    async open() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fs-store-'));
      const store = await new FsObjectStore(dir).init();
      return {
        store,
        close: () => rm(dir, { recursive: true, force: true }),
        leftovers: async () => (await readdir(path.join(dir, '.tmp'))).length,
      };
    },
  },
  {
    name: 's3 (MinIO)',
    async open() {
      if (minio === undefined) throw new Error('MinIO did not start');
      const bucket = `b${randomBytes(6).toString('hex')}`;
      const store = await new S3ObjectStore({
        endPoint: minio.endPoint,
        port: minio.port,
        useSSL: false,
        accessKey: minio.accessKey,
        secretKey: minio.secretKey,
        bucket,
        region: 'us-east-1',
        requestTimeoutMs: 10_000,
      }).init();
      return {
        store,
        close: async () => undefined,
        leftovers: async () => {
          // temporary upload keys live under .tmp/; none may survive a put, failed or not
          const { Client } = await import('minio');
          const m = minio as RunningMinio;
          const client = new Client({ endPoint: m.endPoint, port: m.port, useSSL: false, accessKey: m.accessKey, secretKey: m.secretKey });
          let n = 0;
          for await (const _item of client.listObjectsV2(bucket, '.tmp/', true)) n += 1;
          return n;
        },
      };
    },
  },
];

beforeAll(async () => {
  minio = await startMinio();
});

afterAll(async () => {
  await minio?.stop();
});

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe.each(harnesses)('object store contract: $name', (harness) => {
  it('puts bytes under their SHA-256 and reads them back', async () => {
    const h = await harness.open();
    const data = randomBytes(100_000);
    const stored = await h.store.put('transcripts', data);
    expect(stored).toEqual({ key: `transcripts/${sha(data)}`, sha256: sha(data), size: data.length });
    expect(Buffer.from(await h.store.getBytes(stored.key, 1 << 20))).toEqual(data);
    expect(await h.store.head(stored.key)).toEqual(stored);
    await h.close();
  });

  it('streams a multi-chunk upload and gives the same key for the same content', async () => {
    const h = await harness.open();
    const parts = Array.from({ length: 20 }, () => randomBytes(64 * 1024));
    const whole = Buffer.concat(parts);
    const first = await h.store.put('contributions', Readable.from(parts));
    const second = await h.store.put('contributions', whole);
    expect(first.key).toBe(second.key);
    expect(first.size).toBe(whole.length);
    const back = await readBounded(await h.store.get(first.key), whole.length);
    expect(sha(back)).toBe(sha(whole));
    await h.close();
  });

  it('refuses an oversized body and leaves nothing behind', async () => {
    const h = await harness.open();
    const data = randomBytes(10_000);
    const err = await h.store.put('uploads', Readable.from([data.subarray(0, 6_000), data.subarray(6_000)]), { maxBytes: 8_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CeremonyError);
    expect((err as CeremonyError).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await h.store.head(`uploads/${sha(data)}`)).toBeNull();
    const listed = [];
    for await (const o of h.store.list('uploads')) listed.push(o);
    expect(listed).toEqual([]);
    expect(await h.leftovers()).toBe(0);
    await h.close();
  });

  it('leaves nothing behind when the source stream fails midway', async () => {
    const h = await harness.open();
    async function* broken(): AsyncGenerator<Buffer> {
      yield randomBytes(1000);
      throw new Error('client went away');
    }
    await expect(h.store.put('uploads', Readable.from(broken()))).rejects.toThrow();
    const listed = [];
    for await (const o of h.store.list('uploads')) listed.push(o);
    expect(listed).toEqual([]);
    expect(await h.leftovers()).toBe(0);
    await h.close();
  });

  it('lists a prefix in key order and deletes', async () => {
    const h = await harness.open();
    const a = await h.store.put('records', Buffer.from('a'));
    const b = await h.store.put('records', Buffer.from('b'));
    await h.store.put('other', Buffer.from('c'));
    const keys: string[] = [];
    for await (const o of h.store.list('records')) keys.push(o.key);
    expect(keys).toEqual([a.key, b.key].sort());
    await h.store.delete(a.key);
    expect(await h.store.head(a.key)).toBeNull();
    await h.store.delete(a.key); // deleting twice is fine
    await h.close();
  });

  it('answers NOT_FOUND for a missing object and rejects malformed keys and prefixes', async () => {
    const h = await harness.open();
    const missing = `records/${'0'.repeat(64)}`;
    await expect(h.store.get(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.store.head(missing)).toBeNull();
    await expect(h.store.get('../etc/passwd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.store.put('../escape', Buffer.from('x'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.store.put('UPPER', Buffer.from('x'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await h.store.ping();
    await h.close();
  });

  it('bounds an in-memory read', async () => {
    const h = await harness.open();
    const stored = await h.store.put('records', randomBytes(5_000));
    await expect(h.store.getBytes(stored.key, 4_999)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await h.close();
  });
});

describe('S3 store failure', () => {
  it('reports STORE_UNAVAILABLE when the server cannot be reached', async () => {
    const store = new S3ObjectStore({
      endPoint: '127.0.0.1',
      port: 1,
      useSSL: false,
      accessKey: 'x',
      secretKey: 'yyyyyyyy',
      bucket: 'nothing',
      region: 'us-east-1',
      requestTimeoutMs: 2_000,
    });
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
