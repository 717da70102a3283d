// Filesystem object store: temp file, fsync, rename. A reader never sees a half-written object.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, access } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CeremonyError } from '../common/errors.js';
import { HashingLimitStream } from './hashing-stream.js';
import { keyFor, type ObjectStore, type PutOptions, type StoredObject, sha256OfKey } from './object-store.js';
import { assertKey, assertPrefix } from './validation.js';
import { readBounded } from './read-bounded.js';

const DEFAULT_MAX = 1024 * 1024 * 1024;

export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, '.tmp');
  }

  async init(): Promise<this> {
    await mkdir(this.tmpDir, { recursive: true });
    // Leftovers of writes interrupted by a crash are never visible objects; clear them.
    for (const name of await readdir(this.tmpDir)) await rm(path.join(this.tmpDir, name), { force: true });
    return this;
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  async put(prefix: string, body: Readable | Uint8Array, options: PutOptions = {}): Promise<StoredObject> {
    assertPrefix(prefix);
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hasher = new HashingLimitStream(options.maxBytes ?? DEFAULT_MAX);
    const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body;
    try {
      await pipeline(source, hasher, createWriteStream(tmp, { flags: 'wx' }));
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const sha256 = hasher.digestHex();
      const key = keyFor(prefix, sha256);
      const target = this.pathOf(key);
      await this.moveInto(tmp, target);
      await this.syncDir(path.dirname(target));
      return { key, sha256, size: hasher.size };
    } catch (err) {
      await rm(tmp, { force: true });
      if (err instanceof CeremonyError) throw err;
      throw new CeremonyError('STORE_UNAVAILABLE', `filesystem store write failed: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  /** rename into the key's directory; a delete may prune that directory between mkdir and rename, so make it again. */
  private async moveInto(tmp: string, target: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await rename(tmp, target);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      }
    }
  }

  private async syncDir(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async get(key: string): Promise<Readable> {
    assertKey(key);
    const file = this.pathOf(key);
    try {
      await access(file);
    } catch {
      throw new CeremonyError('NOT_FOUND', `object ${key} not found`);
    }
    return createReadStream(file);
  }

  async getBytes(key: string, maxBytes: number): Promise<Uint8Array> {
    return readBounded(await this.get(key), maxBytes);
  }

  async head(key: string): Promise<StoredObject | null> {
    assertKey(key);
    try {
      const info = await stat(this.pathOf(key));
      return { key, sha256: sha256OfKey(key), size: info.size };
    } catch {
      return null;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertPrefix(prefix);
    const dir = this.pathOf(prefix);
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const key = `${prefix}/${name}`;
      const info = await this.head(key);
      if (info !== null) yield info;
    }
  }

  /**
   * Removes the object, then the directories it leaves empty below its top-level prefix (a refused
   * upload's `<submission>/` leaves nothing behind); the top-level prefixes themselves stay.
   */
  async delete(key: string): Promise<void> {
    assertKey(key);
    await rm(this.pathOf(key), { force: true });
    const parts = key.split('/');
    for (let depth = parts.length - 1; depth > 1; depth -= 1) {
      try {
        await rmdir(path.join(this.root, ...parts.slice(0, depth)));
      } catch {
        return; // not empty (or already gone): stop
      }
    }
  }

  async ping(): Promise<void> {
    try {
      await access(this.tmpDir);
    } catch (err) {
      throw new CeremonyError('STORE_UNAVAILABLE', `filesystem store root ${this.root} is not accessible`, undefined, { cause: err });
    }
  }
}
