import { fsStoreRoot, type Config } from '../common/config.js';
import { FsObjectStore } from './fs-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

export type { ObjectStore, StoredObject, PutOptions } from './object-store.js';

/** Opens the store the configuration names, creating its root or bucket when missing. */
export async function openStore(cfg: Config): Promise<ObjectStore> {
  if (cfg.store.kind === 'fs') return new FsObjectStore(fsStoreRoot(cfg)).init();
  const { accessKey, secretKey } = cfg.store.s3;
  if (accessKey === undefined || secretKey === undefined) throw new Error('store.s3.accessKey and store.s3.secretKey are required');
  return new S3ObjectStore({ ...cfg.store.s3, accessKey, secretKey }).init();
}
