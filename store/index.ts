import { ConfigError, fsStoreRoot, STORE_REQUIRED, type Config } from '../common/config.js';
import { FsObjectStore } from './fs-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

export type { ObjectStore, StoredObject, PutOptions } from './object-store.js';

/** Opens the store the configuration names, creating its root or bucket when missing. */
export async function openStore(cfg: Config): Promise<ObjectStore> {
  // A store under this process's own data directory is the embedded stack's alone: against a shared
  // Temporal the other replicas could not read what this one wrote.
  if (cfg.temporal.address !== undefined && cfg.store.kind === 'fs' && cfg.store.fsRoot === undefined) throw new ConfigError(STORE_REQUIRED);
  if (cfg.store.kind === 'fs') return new FsObjectStore(fsStoreRoot(cfg)).init();
  const { accessKey, secretKey } = cfg.store.s3;
  if (accessKey === undefined || secretKey === undefined) throw new Error('store.s3.accessKey and store.s3.secretKey are required');
  return new S3ObjectStore({ ...cfg.store.s3, accessKey, secretKey }).init();
}
