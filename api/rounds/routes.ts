// The rounds-mode API (seed 000): round queue, instructions (REQ-23), challenge download and chunk
// upload (REQ-27, REQ-30), verification for external verifiers (REQ-31), heartbeat (REQ-20),
// status (REQ-36), and admin restart / drop / ban / restore (REQ-38, REQ-25, REQ-26, REQ-15).
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { compactVerify, importJWK, decodeProtectedHeader, type JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { checkChunkUpload } from './chunk-upload.js';
import { streamObject } from '../public-objects.js';
import type { ObjectStore } from '../../store/index.js';
import type { RecordsLedger } from '../records-ledger.js';
import type { RoundsCeremonyState } from '../../workflows/rounds/ceremony.js';
import { CHUNK_UPLOAD_PREFIX, chunkSubmissionPrefix } from '../../workflows/rounds/upload-keys.js';
import { readBody, recordAdminAction, recordRefusal } from '../admin-record.js';
import { checkStaged, declaredLength, handOverStaged } from '../staged-object.js';
import { refusedByWorkflow } from '../temporal-errors.js';
import { mustSession, requireAdmin, requireSession } from '../auth/middleware.js';
import { identityString } from '../../identity/auth-config.js';
import type { RoundsGateway } from './gateway.js';

export interface RoundsRouteDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
  gateway: RoundsGateway;
  /** Public keys that sign receipts and verdicts (published at /ceremony/info). */
  receiptKeys: JWK[];
  ledger: RecordsLedger;
}

// Public objects: `<prefix>/<sha256>`, and chunk uploads, each under its own submission prefix
// (`chunk-uploads/<submission id>/<sha256>`; flat `chunk-uploads/<sha256>` keys are an older layout).
const PUBLIC_PREFIXES = new Set(['chunks', CHUNK_UPLOAD_PREFIX, 'verifications', 'receipts', 'records', 'aggregates']);
/** What a task's baseStateKey may be: a chunk state, or a chunk upload (either layout). */
const BASE_KEY = /^(chunks|chunk-uploads(\/[0-9a-f]{32})?)\/[0-9a-f]{64}$/;
const identityBody = z.object({ identity: identityString, reason: z.string().max(500).default('') }).strict();
const reasonBody = z.object({ reason: z.string().min(1).max(500) }).strict();
const restoreBody = z.object({ backupKey: z.string().regex(/^backups\/[0-9a-f]{64}$/) }).strict();
const verdictBody = z
  .object({
    signature: z.string().min(10).max(16_384),
  })
  .strict();
const signedVerdict = z
  .object({
    contributionId: z.string().min(1).max(200),
    uploadKey: z.string().min(1).max(200),
    valid: z.boolean(),
    code: z.string().max(100).optional(),
    message: z.string().max(2_000).optional(),
    pubkey: z.string().regex(/^0x[0-9a-f]{192}$/).optional(),
  })
  .strict();

export function roundsRoutes(deps: RoundsRouteDeps): Router {
  const { gateway, store, cfg } = deps;
  const router = new Router();
  const who = (ctx: Context): string => mustSession(ctx).identity;
  const requireRole = (ctx: Context, list: string[], role: string): string => {
    const identity = who(ctx);
    if (!list.includes(identity)) throw new CeremonyError('FORBIDDEN', `${identity} is not a configured ${role}`);
    return identity;
  };

  router.get('/ceremony/info', (ctx) => {
    const { settings } = gateway;
    ctx.body = {
      ceremonyId: settings.ceremonyId,
      mode: 'rounds',
      numG1Powers: settings.numG1Powers,
      numG2Powers: settings.numG2Powers,
      chunkCount: settings.chunkCount,
      contributorsPerRound: settings.contributorsPerRound,
      verification: settings.verification,
      receiptKeys: { keys: deps.receiptKeys },
      receiptKeyFingerprints: deps.receiptKeys.map((k) => k.kid),
      sessionKeysUrl: '/.well-known/jwks.json',
    };
  });

  // The latest aggregated transcript: every completed round's contributions (REQ-37), as in sequential mode.
  router.get('/transcript', async (ctx) => {
    const last = (await gateway.status()).history.at(-1);
    if (last === undefined) throw new CeremonyError('NOT_FOUND', 'no round has completed yet: the first transcript is written when round 1 completes');
    ctx.set('X-Round', String(last.round));
    await streamObject(ctx, store, last.aggregatedKey, last.aggregatedSha256);
    ctx.set('Cache-Control', 'no-cache');
  });

  router.get('/rounds/status', async (ctx) => {
    const status = await gateway.status();
    ctx.body = { ...status, round: await gateway.roundStatus() };
  });
  router.post('/rounds/join', requireSession(), async (ctx) => {
    ctx.body = await gateway.join(who(ctx));
  });
  router.post('/rounds/leave', requireSession(), async (ctx) => {
    ctx.body = await gateway.leave(who(ctx));
  });
  router.get('/rounds/instructions', requireSession(), async (ctx) => {
    ctx.body = await gateway.instructions(who(ctx));
  });
  router.post('/rounds/heartbeat', requireSession(), async (ctx) => {
    await gateway.heartbeat(who(ctx));
    ctx.body = { ok: true };
  });
  router.post('/rounds/tasks/next', requireSession(), async (ctx) => {
    ctx.body = await gateway.takeTask(who(ctx));
  });

  const serveObject = async (ctx: Context, key: string, sha: string): Promise<void> => {
    const head = await store.head(key);
    if (head === null) throw new CeremonyError('NOT_FOUND', `object ${key} not found`);
    ctx.type = 'application/json';
    ctx.length = head.size;
    ctx.set('ETag', `"${sha}"`);
    ctx.body = await store.get(key);
  };
  router.get('/rounds/objects/:prefix/:sha', async (ctx) => {
    const prefix = ctx.params['prefix'] ?? '';
    const sha = ctx.params['sha'] ?? '';
    if (!PUBLIC_PREFIXES.has(prefix) || !/^[0-9a-f]{64}$/.test(sha)) throw new CeremonyError('NOT_FOUND', 'no such object');
    await serveObject(ctx, `${prefix}/${sha}`, sha);
  });
  router.get(`/rounds/objects/${CHUNK_UPLOAD_PREFIX}/:submission/:sha`, async (ctx) => {
    const submission = ctx.params['submission'] ?? '';
    const sha = ctx.params['sha'] ?? '';
    if (!/^[0-9a-f]{32}$/.test(submission) || !/^[0-9a-f]{64}$/.test(sha)) throw new CeremonyError('NOT_FOUND', 'no such object');
    await serveObject(ctx, `${chunkSubmissionPrefix(submission)}/${sha}`, sha);
  });

  // The caller, the chunk it holds and the declared length are checked before a byte is read; a
  // refused upload is deleted (api/staged-object.ts).
  router.post('/rounds/contribution/:chunk', requireSession(), async (ctx) => {
    const identity = who(ctx);
    const chunkText = ctx.params['chunk'] ?? '';
    if (!/^\d{1,5}$/.test(chunkText)) throw new CeremonyError('BAD_REQUEST', 'the chunk is a non-negative integer');
    const chunk = Number(chunkText);
    const base = ctx.query['base'];
    if (typeof base !== 'string' || !BASE_KEY.test(base)) throw new CeremonyError('BAD_REQUEST', 'pass ?base=<the baseStateKey of your task>');
    declaredLength(ctx, cfg.api.maxUploadBytes, 'the chunk contribution');
    await gateway.checkUploadAllowed(identity, chunk);
    // Its own prefix: deleting a refused upload can then only remove this submission's object, never
    // another's with the same bytes (such as the base).
    const stored = await store.put(chunkSubmissionPrefix(randomBytes(16).toString('hex')), ctx.req, { maxBytes: cfg.api.maxUploadBytes, contentType: 'application/json' });
    await checkStaged(store, stored.key, () => checkChunkUpload(store, stored.key, chunk, gateway.settings, cfg.api.maxUploadBytes));
    ctx.body = await handOverStaged(store, stored.key, () => gateway.submitChunk(identity, chunk, stored.key, base));
  });

  router.post('/rounds/verifications/next', requireSession(), async (ctx) => {
    const identity = requireRole(ctx, gateway.settings.verifierIdentities, 'verifier');
    ctx.body = await gateway.takeVerification(identity);
  });

  // The verifier's verdict is a JWS signed with its own Ed25519 key (the public JWK in the header). It
  // is stored only to be handed to the round, and deleted when the round refuses it; the refusal is a
  // record instead (records/), so the public verdicts are exactly the accepted ones.
  router.post('/rounds/verifications/:contributionId', requireSession(), async (ctx) => {
    const identity = requireRole(ctx, gateway.settings.verifierIdentities, 'verifier');
    const contributionId = ctx.params['contributionId'] ?? '';
    const { signature } = await readBody(ctx, verdictBody, cfg.api.maxJsonBytes);
    let payload: unknown;
    let jwk: JWK | undefined;
    try {
      jwk = decodeProtectedHeader(signature).jwk;
      if (jwk === undefined) throw new Error('the JWS header carries no jwk');
      const verified = await compactVerify(signature, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload));
    } catch (err) {
      throw new CeremonyError('VALIDATION_FAILED', `the verdict signature does not verify: ${(err as Error).message}`);
    }
    const verdict = signedVerdict.safeParse(payload);
    if (!verdict.success || verdict.data.contributionId !== contributionId) throw new CeremonyError('VALIDATION_FAILED', 'the signed verdict is malformed or names another contribution');
    // A fresh submission id makes each submission's bytes, and so its content address, its own: deleting
    // a refused one can never remove an accepted copy of the same verdict.
    const submission = randomBytes(16).toString('hex');
    const document = { verifier: identity, jws: signature, jwk, payload: verdict.data, submission, receivedAt: new Date().toISOString() };
    const { key } = await store.put('verifications', Buffer.from(JSON.stringify(document)), { contentType: 'application/json' });
    try {
      ctx.body = await handOverStaged(store, key, () => gateway.submitVerification(identity, { ...verdict.data, verificationKey: key }));
    } catch (err) {
      if (refusedByWorkflow(err) && err instanceof CeremonyError) {
        await recordRefusal({ store, ledger: deps.ledger }, gateway.settings.ceremonyId, { kind: 'verdict-refused', verifier: identity, contributionId, valid: verdict.data.valid, code: err.code, message: err.message });
      }
      throw err;
    }
  });

  const admin = (action: string) => (ctx: Context, target: string, reason: string) =>
    recordAdminAction(ctx, { log: deps.log, store, ceremonyId: gateway.settings.ceremonyId, ledger: deps.ledger }, action, target, reason);
  router.post('/admin/rounds/restart', requireAdmin(), async (ctx) => {
    const { reason } = await readBody(ctx, reasonBody, cfg.api.maxJsonBytes);
    await gateway.adminRestart(reason);
    await admin('restart-round')(ctx, 'round', reason);
    ctx.body = { restarting: true };
  });
  router.post('/admin/rounds/drop', requireAdmin(), async (ctx) => {
    const { identity, reason } = await readBody(ctx, identityBody, cfg.api.maxJsonBytes);
    await gateway.drop(identity);
    await admin('drop')(ctx, identity, reason);
    ctx.body = { identity, dropped: true };
  });
  router.post('/admin/rounds/ban', requireAdmin(), async (ctx) => {
    const { identity, reason } = await readBody(ctx, identityBody, cfg.api.maxJsonBytes);
    await gateway.setBanned(identity, true, reason);
    await admin('ban')(ctx, identity, reason);
    ctx.body = { identity, banned: true };
  });
  router.post('/admin/rounds/unban', requireAdmin(), async (ctx) => {
    const { identity, reason } = await readBody(ctx, identityBody, cfg.api.maxJsonBytes);
    await gateway.setBanned(identity, false, reason);
    await admin('unban')(ctx, identity, reason);
    ctx.body = { identity, banned: false };
  });
  router.post('/admin/rounds/restore', requireAdmin(), async (ctx) => {
    const { backupKey } = await readBody(ctx, restoreBody, cfg.api.maxJsonBytes);
    const notABackup = (): CeremonyError => new CeremonyError('VALIDATION_FAILED', `${backupKey} is not a ceremony backup`);
    let backup: { ceremonyId?: string; state?: RoundsCeremonyState };
    try {
      backup = JSON.parse(Buffer.from(await store.getBytes(backupKey, 64 * 1024 * 1024)).toString('utf8')) as typeof backup;
    } catch (err) {
      if (err instanceof SyntaxError) throw notABackup();
      throw err;
    }
    if (typeof backup !== 'object' || backup === null || backup.state === undefined || backup.ceremonyId === undefined) throw notABackup();
    await gateway.restoreFromBackup(backup.state);
    await admin('restore')(ctx, backupKey, `restored ceremony ${backup.ceremonyId} into ${gateway.settings.ceremonyId}`);
    ctx.body = { restored: backupKey };
  });
  return router;
}
