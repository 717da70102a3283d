// Records the API writes itself (records/ prefix, chained in the records ledger): every admin action,
// and every refused verdict.
import type { Context } from 'koa';
import { z } from 'zod';
import { CeremonyError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ObjectStore } from '../store/index.js';
import { mustSession } from './auth/middleware.js';
import { readJson } from './auth/read-json.js';
import type { RecordsLedger } from './records-ledger.js';

export async function recordAdminAction(ctx: Context, deps: { log: Logger; store: ObjectStore; ceremonyId: string; ledger: RecordsLedger }, action: string, target: string, reason: string): Promise<void> {
  const admin = mustSession(ctx).identity;
  deps.log.info({ admin, action, target, reason }, 'admin action');
  await deps.ledger.write(deps.store, { version: 1, kind: 'admin', action, admin, identity: target, reason, ceremonyId: deps.ceremonyId, at: new Date().toISOString() });
}

/** A request the ceremony refused, kept as evidence (e.g. a verifier's verdict on a lease it no longer holds). */
export async function recordRefusal(deps: { store: ObjectStore; ledger: RecordsLedger }, ceremonyId: string, refusal: { kind: string } & Record<string, unknown>): Promise<void> {
  await deps.ledger.write(deps.store, { version: 1, ...refusal, ceremonyId, at: new Date().toISOString() });
}

/** Reads and validates a JSON body against a schema; VALIDATION_FAILED names each bad field. */
export async function readBody<T extends z.ZodType>(ctx: Context, schema: T, maxBytes: number): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await readJson(ctx, maxBytes));
  if (!parsed.success) {
    throw new CeremonyError('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
