// Records the API writes itself (records/ prefix, chained in the records ledger): every admin action,
// and every refused verdict.
import type { Context } from 'koa';
import type { Logger } from '../common/logger.js';
import type { ObjectStore } from '../store/index.js';
import { mustSession } from './auth/middleware.js';
import type { RecordsLedger } from './records-ledger.js';

export async function recordAdminAction(
  ctx: Context,
  deps: { log: Logger; store: ObjectStore; ceremonyId: string; ledger: RecordsLedger },
  action: string,
  target: string,
  reason: string,
): Promise<void> {
  const admin = mustSession(ctx).identity;
  deps.log.info({ admin, action, target, reason }, 'admin action');
  await deps.ledger.write(deps.store, { version: 1, kind: 'admin', action, admin, identity: target, reason, ceremonyId: deps.ceremonyId, at: new Date().toISOString() });
}

/** A request the ceremony refused, kept as evidence (e.g. a verifier's verdict on a lease it no longer holds). */
export async function recordRefusal(deps: { store: ObjectStore; ledger: RecordsLedger }, ceremonyId: string, refusal: { kind: string } & Record<string, unknown>): Promise<void> {
  await deps.ledger.write(deps.store, { version: 1, ...refusal, ceremonyId, at: new Date().toISOString() });
}
