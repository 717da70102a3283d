// Serving immutable, content-addressed objects of the store (transcripts, receipts): the hash is the
// ETag, a matching If-None-Match is 304, and the answer may be cached for good.
import type { Context } from 'koa';
import { CeremonyError } from '../common/errors.js';
import type { ObjectStore } from '../store/index.js';

export async function streamObject(ctx: Context, store: ObjectStore, key: string, sha256: string): Promise<void> {
  const head = await store.head(key);
  if (head === null) throw new CeremonyError('NOT_FOUND', `object ${key} is missing`);
  ctx.set('ETag', `"${sha256}"`);
  ctx.set('X-Content-SHA256', sha256);
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  if (ctx.get('if-none-match') === `"${sha256}"`) {
    ctx.status = 304;
    return;
  }
  ctx.type = 'application/json';
  ctx.length = head.size;
  ctx.body = await store.get(key);
}
