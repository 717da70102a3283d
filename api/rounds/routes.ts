// The rounds-mode API (seed 000): round queue, instructions (REQ-23), challenge download and chunk
// upload (REQ-27, REQ-30), verification for external verifiers (REQ-31), heartbeat (REQ-20),
// status (REQ-36), and admin restart / drop / ban / restore (REQ-38, REQ-25, REQ-26, REQ-15). Three
// routers, one guard each: the public one, the participants' (requireSession once), and the
// administrators' under /admin/rounds (requireAdmin once). Bodies are checked by validate(schema)
// against the contract (api/contracts/rounds.ts); answers are mapped to its views (viewOf).
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { compactVerify, importJWK, decodeProtectedHeader, type JWK } from 'jose';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { checkChunkUpload } from './chunk-upload.js';
import { streamObject } from '../public-objects.js';
import type { ObjectStore } from '../../store/index.js';
import { CHUNK_UPLOAD_PREFIX, VERIFICATION_PREFIX } from '../../store/keys.js';
import type { RecordsLedger } from '../records-ledger.js';
import type { RoundsCeremonyState } from '../../workflows/rounds/ceremony.js';
import { chunkSubmissionPrefix } from '../../workflows/rounds/upload-keys.js';
import { recordAdminAction, recordRefusal } from '../admin-record.js';
import { checkStaged, declaredLength, handOverStaged } from '../staged-object.js';
import { refusedByWorkflow } from '../temporal-errors.js';
import { mustSession, requireAdmin, requireSession } from '../auth/middleware.js';
import { AdminTargetSchema, CloseRequestSchema, PhaseViewSchema } from '../contracts/ceremony.js';
import {
  ChunkSubmittedSchema,
  RoundsCeremonyInfoSchema,
  RoundsInstructionsSchema,
  RoundsJoinAnswerSchema,
  RoundsLeaveAnswerSchema,
  RoundsRestartRequestSchema,
  RoundsRestoreRequestSchema,
  RoundsStatusSchema,
  TaskAnswerSchema,
  VerdictAnswerSchema,
  VerdictPayloadSchema,
  VerdictRequestSchema,
  VerificationTaskSchema,
} from '../contracts/rounds.js';
import { jsonBody } from '../http/json-body.js';
import { guardedRouter } from '../http/guarded-router.js';
import { ChunkParamsSchema, ChunkUploadObjectParamsSchema, ChunkUploadQuerySchema, RoundObjectParamsSchema, VerdictParamsSchema } from '../contracts/params.js';
import { bodyOf, paramsOf, queryOf, validate, validateParams, validateQuery } from '../http/validate.js';
import { viewOf } from '../http/view.js';
import { accessView, loginsOf } from '../access-view.js';
import { registerCeremonyMetrics } from '../ceremony-metrics.js';
import { apiMetrics } from '../metrics.js';
import type { RoundsGateway } from './gateway.js';

/** Where the administrators' routes of this mode live. */
const ADMIN = '/admin/rounds';

export interface RoundsRouteDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
  gateway: RoundsGateway;
  /** Public keys that sign receipts and verdicts (published at /ceremony/info). */
  receiptKeys: JWK[];
  ledger: RecordsLedger;
}

export function roundsRoutes(deps: RoundsRouteDeps): Router[] {
  return [publicRoutes(deps), participantRoutes(deps), adminRoutes(deps)];
}

/** Anyone: ceremony information and status, the transcript, public objects. */
function publicRoutes(deps: RoundsRouteDeps): Router {
  const { gateway, store } = deps;
  const router = new Router();
  const logins = loginsOf(deps.cfg);
  registerCeremonyMetrics(apiMetrics().registry, { mode: 'rounds', status: async () => ({ ...(await gateway.status()), round: await gateway.roundStatus() }) });

  router.get('/ceremony/info', async (ctx) => {
    const { settings } = gateway;
    // The admission when the ceremony answers; the rest (keys above all) whether or not it does.
    const phase = (await gateway.status().catch(() => undefined))?.admission;
    ctx.body = viewOf(
      RoundsCeremonyInfoSchema,
      {
        ceremonyId: settings.ceremonyId,
        mode: 'rounds',
        numG1Powers: settings.numG1Powers,
        numG2Powers: settings.numG2Powers,
        chunkCount: settings.chunkCount,
        contributorsPerRound: settings.contributorsPerRound,
        verification: settings.verification,
        ...accessView(deps.receiptKeys, logins),
        ...(phase === undefined ? {} : { phase }),
      },
      'the ceremony information',
    );
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
    ctx.body = viewOf(RoundsStatusSchema, { ...status, round: await gateway.roundStatus() }, 'the rounds status');
  });

  const serveObject = async (ctx: Context, key: string, sha: string): Promise<void> => {
    const head = await store.head(key);
    if (head === null) throw new CeremonyError('NOT_FOUND', `object ${key} not found`);
    ctx.type = 'application/json';
    ctx.length = head.size;
    ctx.set('ETag', `"${sha}"`);
    ctx.body = await store.get(key);
  };
  // Public objects: `<prefix>/<sha256>`, and chunk uploads, each under its own submission prefix
  // (`chunk-uploads/<submission id>/<sha256>`; flat `chunk-uploads/<sha256>` keys are an older layout).
  router.get('/rounds/objects/:prefix/:sha', validateParams(RoundObjectParamsSchema, 'NOT_FOUND'), async (ctx) => {
    const { prefix, sha } = paramsOf(ctx, RoundObjectParamsSchema);
    await serveObject(ctx, `${prefix}/${sha}`, sha);
  });
  router.get(`/rounds/objects/${CHUNK_UPLOAD_PREFIX}/:submission/:sha`, validateParams(ChunkUploadObjectParamsSchema, 'NOT_FOUND'), async (ctx) => {
    const { submission, sha } = paramsOf(ctx, ChunkUploadObjectParamsSchema);
    await serveObject(ctx, `${chunkSubmissionPrefix(submission)}/${sha}`, sha);
  });
  return router;
}

/** Participants (any session): the round queue, tasks, uploads; and the configured verifiers. */
function participantRoutes(deps: RoundsRouteDeps): Router {
  const { gateway, store, cfg } = deps;
  const router = guardedRouter(requireSession());
  const who = (ctx: Context): string => mustSession(ctx).identity;
  const requireRole = (ctx: Context, list: string[], role: string): string => {
    const identity = who(ctx);
    if (!list.includes(identity)) throw new CeremonyError('FORBIDDEN', `${identity} is not a configured ${role}`);
    return identity;
  };

  router.post('/rounds/join', async (ctx) => {
    ctx.body = viewOf(RoundsJoinAnswerSchema, await gateway.join(who(ctx)), 'the join answer');
  });
  router.post('/rounds/leave', async (ctx) => {
    ctx.body = viewOf(RoundsLeaveAnswerSchema, await gateway.leave(who(ctx)), 'the leave answer');
  });
  router.get('/rounds/instructions', async (ctx) => {
    ctx.body = viewOf(RoundsInstructionsSchema, await gateway.instructions(who(ctx)), 'the instructions');
  });
  router.post('/rounds/heartbeat', async (ctx) => {
    await gateway.heartbeat(who(ctx));
    ctx.body = { ok: true };
  });
  router.post('/rounds/tasks/next', async (ctx) => {
    ctx.body = viewOf(TaskAnswerSchema, await gateway.takeTask(who(ctx)), 'the task');
  });

  // The caller, the chunk it holds and the declared length are checked before a byte is read; a
  // refused upload is deleted (api/staged-object.ts).
  router.post('/rounds/contribution/:chunk', validateParams(ChunkParamsSchema), validateQuery(ChunkUploadQuerySchema), async (ctx) => {
    const identity = who(ctx);
    const { chunk } = paramsOf(ctx, ChunkParamsSchema);
    const { base } = queryOf(ctx, ChunkUploadQuerySchema);
    declaredLength(ctx, cfg.api.maxUploadBytes, 'the chunk contribution');
    await gateway.checkUploadAllowed(identity, chunk);
    // Its own prefix: deleting a refused upload can then only remove this submission's object, never
    // another's with the same bytes (such as the base).
    const stored = await store.put(chunkSubmissionPrefix(randomBytes(16).toString('hex')), ctx.req, { maxBytes: cfg.api.maxUploadBytes, contentType: 'application/json' });
    await checkStaged(store, stored.key, () => checkChunkUpload(store, stored.key, chunk, gateway.settings, cfg.api.maxUploadBytes));
    ctx.body = viewOf(ChunkSubmittedSchema, await handOverStaged(store, stored.key, () => gateway.submitChunk(identity, chunk, stored.key, base)), 'the submission answer');
  });

  router.post('/rounds/verifications/next', async (ctx) => {
    const identity = requireRole(ctx, gateway.settings.verifierIdentities, 'verifier');
    ctx.body = viewOf(VerificationTaskSchema, await gateway.takeVerification(identity), 'the verification task');
  });

  // The verifier's verdict is a JWS signed with its own Ed25519 key (the public JWK in the header). It
  // is stored only to be handed to the round, and deleted when the round refuses it; the refusal is a
  // record instead (records/), so the public verdicts are exactly the accepted ones. The role is
  // checked before the body is read.
  const verifierOnly = async (ctx: Context, next: () => Promise<unknown>): Promise<void> => {
    requireRole(ctx, gateway.settings.verifierIdentities, 'verifier');
    await next();
  };
  router.post('/rounds/verifications/:contributionId', verifierOnly, validateParams(VerdictParamsSchema), jsonBody(cfg.api.maxJsonBytes), validate(VerdictRequestSchema), async (ctx) => {
    const identity = who(ctx);
    const { contributionId } = paramsOf(ctx, VerdictParamsSchema);
    const { signature } = bodyOf(ctx, VerdictRequestSchema);
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
    const verdict = VerdictPayloadSchema.safeParse(payload);
    if (!verdict.success || verdict.data.contributionId !== contributionId) throw new CeremonyError('VALIDATION_FAILED', 'the signed verdict is malformed or names another contribution');
    // A fresh submission id makes each submission's bytes, and so its content address, its own: deleting
    // a refused one can never remove an accepted copy of the same verdict.
    const submission = randomBytes(16).toString('hex');
    const document = { verifier: identity, jws: signature, jwk, payload: verdict.data, submission, receivedAt: new Date().toISOString() };
    const { key } = await store.put(VERIFICATION_PREFIX, Buffer.from(JSON.stringify(document)), { contentType: 'application/json' });
    try {
      ctx.body = viewOf(VerdictAnswerSchema, await handOverStaged(store, key, () => gateway.submitVerification(identity, { ...verdict.data, verificationKey: key })), 'the verdict answer');
    } catch (err) {
      if (refusedByWorkflow(err) && err instanceof CeremonyError) {
        await recordRefusal({ store, ledger: deps.ledger }, gateway.settings.ceremonyId, {
          kind: 'verdict-refused',
          verifier: identity,
          contributionId,
          valid: verdict.data.valid,
          code: err.code,
          message: err.message,
        });
      }
      throw err;
    }
  });
  return router;
}

/** Administrators, under /admin/rounds: every action is logged and recorded in the store. */
function adminRoutes(deps: RoundsRouteDeps): Router {
  const { gateway, store, cfg } = deps;
  const router = guardedRouter(requireAdmin());
  router.use(jsonBody(cfg.api.maxJsonBytes));
  const record = (ctx: Context, action: string, target: string, reason: string): Promise<void> =>
    recordAdminAction(ctx, { log: deps.log, store, ceremonyId: gateway.settings.ceremonyId, ledger: deps.ledger }, action, target, reason);

  router.post(`${ADMIN}/restart`, validate(RoundsRestartRequestSchema), async (ctx) => {
    const { reason } = bodyOf(ctx, RoundsRestartRequestSchema);
    await gateway.adminRestart(reason);
    await record(ctx, 'restart-round', 'round', reason);
    ctx.body = { restarting: true };
  });
  // Phases (#13 item 6): an admin record here, and a ceremony record of the workflow's own.
  const phaseRoute = (action: 'pause' | 'resume' | 'close', change: (reason: string) => Promise<unknown>): void => {
    router.post(`${ADMIN}/${action}`, validate(CloseRequestSchema), async (ctx) => {
      const { reason } = bodyOf(ctx, CloseRequestSchema);
      ctx.body = viewOf(PhaseViewSchema, await change(reason), 'the phase');
      await record(ctx, action, '', reason);
    });
  };
  phaseRoute('pause', (reason) => gateway.pause(reason));
  phaseRoute('resume', (reason) => gateway.resume(reason));
  phaseRoute('close', (reason) => gateway.close(reason));
  router.post(`${ADMIN}/drop`, validate(AdminTargetSchema), async (ctx) => {
    const { identity, reason } = bodyOf(ctx, AdminTargetSchema);
    await gateway.drop(identity);
    await record(ctx, 'drop', identity, reason);
    ctx.body = { identity, dropped: true };
  });
  router.post(`${ADMIN}/ban`, validate(AdminTargetSchema), async (ctx) => {
    const { identity, reason } = bodyOf(ctx, AdminTargetSchema);
    await gateway.setBanned(identity, true, reason);
    await record(ctx, 'ban', identity, reason);
    ctx.body = { identity, banned: true };
  });
  router.post(`${ADMIN}/unban`, validate(AdminTargetSchema), async (ctx) => {
    const { identity, reason } = bodyOf(ctx, AdminTargetSchema);
    await gateway.setBanned(identity, false, reason);
    await record(ctx, 'unban', identity, reason);
    ctx.body = { identity, banned: false };
  });
  router.post(`${ADMIN}/restore`, validate(RoundsRestoreRequestSchema), async (ctx) => {
    const { backupKey } = bodyOf(ctx, RoundsRestoreRequestSchema);
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
    await record(ctx, 'restore', backupKey, `restored ceremony ${backup.ceremonyId} into ${gateway.settings.ceremonyId}`);
    ctx.body = { restored: backupKey };
  });
  return router;
}
