// Objects the API stores before a workflow decides on them (uploads, verdicts), and the rules every
// such route shares: the declared length is checked before a byte is read, and an object that fails
// its checks or that the workflow refused is deleted, so a refused request leaves nothing behind.
// After any other failure the workflow may already hold the key, so the object is kept: an unused
// object costs space, a deleted one the workflow relies on would lose a contribution.
import type { Context } from 'koa';
import { CeremonyError } from '../common/errors.js';
import type { ObjectStore } from '../store/index.js';
import { refusedByWorkflow } from './temporal-errors.js';

/** The body's declared Content-Length, refused unless present, well-formed and within `maxBytes`. */
export function declaredLength(ctx: Context, maxBytes: number, what: string): number {
  if (!ctx.is('application/json')) throw new CeremonyError('UNSUPPORTED_MEDIA_TYPE', `send ${what} as application/json`);
  const header = ctx.get('content-length');
  if (header === '') throw new CeremonyError('LENGTH_REQUIRED', `send ${what} with a Content-Length header`);
  if (!/^\d{1,15}$/.test(header)) throw new CeremonyError('BAD_REQUEST', 'the Content-Length header is not a byte count');
  const length = Number(header);
  if (length > maxBytes) throw new CeremonyError('PAYLOAD_TOO_LARGE', `${what} exceeds the limit of ${maxBytes} bytes`, { maxBytes });
  if (length === 0) throw new CeremonyError('BAD_REQUEST', `${what} is empty`);
  return length;
}

/**
 * Runs `handOver` with a stored object's key; deletes the object when the workflow refused it. Any
 * other failure (a timeout, Temporal unreachable, a workflow not found because it just closed after
 * accepting this very key under a re-sent update) keeps it.
 */
export async function handOverStaged<T>(store: ObjectStore, key: string, handOver: () => Promise<T>): Promise<T> {
  try {
    return await handOver();
  } catch (err) {
    if (refusedByWorkflow(err)) await store.delete(key);
    throw err;
  }
}

/** Checks a stored object before any workflow has seen its key; deletes it when the check fails. */
export async function checkStaged(store: ObjectStore, key: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    await store.delete(key);
    throw err;
  }
}
