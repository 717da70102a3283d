// The participant API of a sequential ceremony (seed 002), accepting both name variants
// (lobby/* and queue/*), plus transcripts, receipts, ceremony information and admin actions.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ObjectStore } from '../../store/index.js';
import type { RecordsLedger } from '../records-ledger.js';
import { mustSession, requireAdmin, requireSession } from '../auth/middleware.js';
import { readBody, recordAdminAction } from '../admin-record.js';
import { handOverStaged } from '../staged-object.js';
import { identityString } from '../../identity/auth-config.js';
import { MAX_BEACON_ITERATIONS } from '../../engine/beacon/derive.js';
import type { SequentialGateway } from './gateway.js';
import { TranscriptHistory } from './transcript-history.js';
import { receiveContribution } from './upload.js';
import { streamObject } from '../public-objects.js';

export interface SequentialRouteDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
  gateway: SequentialGateway;
  receiptKeys: JWK[];
  ledger: RecordsLedger;
}

const adminTarget = z.object({ identity: identityString, reason: z.string().max(500).default('') }).strict();
const closeBody = z.object({ reason: z.string().min(1).max(500) }).strict();
/** The coordinator stretches the beacon in an activity that must heartbeat: at most 2^24 SHA-256 rounds (about 20 s). */
const MAX_COORDINATOR_BEACON_ITERATIONS = Math.min(MAX_BEACON_ITERATIONS, 2 ** 24);
const beaconAnnouncement = z.object({ source: z.string().min(1).max(500), iterations: z.number().int().min(1).max(MAX_COORDINATOR_BEACON_ITERATIONS) }).strict();
const beaconValue = z.object({ beaconValueHex: z.string().regex(/^0x(?:[0-9a-f]{2}){1,1024}$/, 'lowercase 0x-hex, 1 to 1024 bytes') }).strict();

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function sequentialRoutes(deps: SequentialRouteDeps): Router {
  const { gateway, store, cfg } = deps;
  const history = new TranscriptHistory(store);
  const router = new Router();
  const caller = (ctx: Context) => ({ identity: mustSession(ctx).identity });

  router.get('/ceremony/info', async (ctx) => {
    ctx.body = {
      // The phase when the ceremony answers; the rest (keys above all) whether or not it does.
      phase: (await gateway.snapshot().catch(() => undefined))?.phase,
      ceremonyId: gateway.settings.ceremonyId,
      mode: cfg.ceremony.mode,
      sizes: gateway.settings.sizes,
      contributionsPerIdentity: gateway.settings.contributionsPerIdentity,
      timing: gateway.settings.timing,
      receiptKeys: { keys: deps.receiptKeys },
      receiptKeyFingerprints: deps.receiptKeys.map((k) => k.kid),
      sessionKeysUrl: '/.well-known/jwks.json',
    };
  });

  router.get('/ceremony/status', async (ctx) => {
    const s = await gateway.snapshot();
    ctx.body = {
      ceremonyId: s.ceremonyId,
      mode: 'sequential',
      queueLength: s.queueLength,
      contributing: s.current === null ? null : { turnId: s.current.turnId, startedAt: iso(s.current.startedAt) },
      sequence: s.head?.sequence ?? 0,
      transcriptSha256: s.head?.transcriptSha256 ?? null,
      averageRoundTripMs: s.averageRoundTripMs,
      stats: s.stats,
      phase: s.phase,
    };
  });

  const enter = async (ctx: Context): Promise<void> => {
    const r = await gateway.enter(caller(ctx));
    ctx.body = { ...r, expectedStartAt: iso(r.expectedStartAt), nextDeadline: iso(r.nextDeadline), nextDeadlineMs: r.nextDeadline };
  };
  const checkin = async (ctx: Context): Promise<void> => {
    const r = await gateway.checkin(caller(ctx));
    ctx.body = { ...r, expectedStartAt: iso(r.expectedStartAt), nextDeadline: iso(r.nextDeadline), nextDeadlineMs: r.nextDeadline };
  };
  router.post('/lobby/enter', requireSession(), enter);
  router.post('/queue/join', requireSession(), enter);
  router.post('/lobby/checkin', requireSession(), checkin);
  router.post('/queue/checkin', requireSession(), checkin);
  router.post('/queue/leave', requireSession(), async (ctx) => {
    const view = await gateway.leave(caller(ctx));
    ctx.body = { status: view.status };
  });
  router.get('/participant', requireSession(), async (ctx) => {
    ctx.body = await gateway.participant(mustSession(ctx).identity);
  });

  router.post('/contribution/start', requireSession(), async (ctx) => {
    const started = await gateway.start(caller(ctx));
    ctx.set('X-Turn-Id', started.turnId);
    ctx.set('X-Sequence', String(started.sequence));
    ctx.set('X-Compute-Deadline', iso(started.computeDeadline));
    ctx.set('X-Transcript-SHA256', started.transcriptSha256);
    const head = await store.head(started.powersKey);
    if (head === null) throw new CeremonyError('INTERNAL', 'the current powers are missing from the store');
    ctx.type = 'application/json';
    ctx.length = head.size;
    ctx.body = await store.get(started.powersKey);
  });

  router.post('/contribution/complete', requireSession(), async (ctx) => {
    const turn = await gateway.turnForUpload(caller(ctx));
    const uploadKey = await receiveContribution(ctx, store, turn.turnWorkflowId, gateway.settings.sizes, cfg.api.maxUploadBytes);
    // Refused for certain (another upload won the turn, the turn ended): the upload is deleted.
    const result = await handOverStaged(store, uploadKey, () => gateway.complete(turn, uploadKey));
    if (result.outcome === 'rejected') {
      throw new CeremonyError('INVALID_CONTRIBUTION', `the contribution failed verification: ${result.failedCheck?.message ?? 'unknown check'}`, {
        check: result.failedCheck?.code,
        sequence: result.sequence,
      });
    }
    if (result.outcome !== 'accepted' || result.receiptKey === undefined) {
      throw new CeremonyError('NO_CONTRIBUTION_IN_PROGRESS', `the turn ended as ${result.outcome}`);
    }
    const receipt = JSON.parse(Buffer.from(await store.getBytes(result.receiptKey, 1 << 20)).toString('utf8')) as unknown;
    ctx.body = { outcome: 'accepted', sequence: result.sequence, receiptId: result.receiptId, receipt, transcriptSha256: result.head?.transcriptSha256 };
  });

  router.post('/contribution/abort', requireSession(), async (ctx) => {
    ctx.body = await gateway.abort(caller(ctx));
  });

  router.get('/transcript', async (ctx) => {
    const s = await gateway.snapshot(0);
    if (s.head === null) throw new CeremonyError('NOT_READY', 'the initial transcript is not ready yet');
    ctx.set('X-Sequence', String(s.head.sequence));
    ctx.set('Cache-Control', 'no-cache');
    await streamObject(ctx, store, s.head.transcriptKey, s.head.transcriptSha256);
    ctx.set('Cache-Control', 'no-cache');
  });

  router.get('/transcript/:sequence', async (ctx) => {
    const raw = ctx.params['sequence'] ?? '';
    if (!/^\d{1,12}$/.test(raw)) throw new CeremonyError('BAD_REQUEST', 'the sequence is a non-negative integer');
    const s = await gateway.snapshot(0);
    if (s.head === null) throw new CeremonyError('NOT_READY', 'the initial transcript is not ready yet');
    const sequence = Number(raw);
    const key = sequence === s.head.sequence ? s.head.transcriptKey : await history.keyOf(sequence, s.lastRecordKey, s.head.sequence);
    ctx.set('X-Sequence', String(sequence));
    await streamObject(ctx, store, key, key.slice(key.lastIndexOf('/') + 1));
  });

  // Admin: authenticated administrators only; every action is logged and recorded in the store.
  const recordAdmin = (ctx: Context, action: string, who: string, reason: string): Promise<void> =>
    recordAdminAction(ctx, { log: deps.log, store, ceremonyId: gateway.settings.ceremonyId, ledger: deps.ledger }, action, who, reason);
  const target = (ctx: Context): Promise<z.infer<typeof adminTarget>> => readBody(ctx, adminTarget, cfg.api.maxJsonBytes);
  router.get('/admin/status', requireAdmin(), async (ctx) => {
    const [s, queue] = await Promise.all([gateway.snapshot(0), gateway.queue()]);
    ctx.body = { ...s, queue };
  });
  router.get('/admin/participant/:identity', requireAdmin(), async (ctx) => {
    let identity: string;
    try {
      identity = decodeURIComponent(ctx.params['identity'] ?? '');
    } catch {
      throw new CeremonyError('BAD_REQUEST', 'the identity is not valid URL encoding');
    }
    ctx.body = await gateway.participantForAdmin(identity);
  });
  router.post('/admin/ban', requireAdmin(), async (ctx) => {
    const { identity, reason } = await target(ctx);
    await gateway.setBanned(identity, true, reason);
    await recordAdmin(ctx, 'ban', identity, reason);
    ctx.body = { identity, banned: true };
  });
  router.post('/admin/unban', requireAdmin(), async (ctx) => {
    const { identity, reason } = await target(ctx);
    await gateway.setBanned(identity, false, reason);
    await recordAdmin(ctx, 'unban', identity, reason);
    ctx.body = { identity, banned: false };
  });
  router.post('/admin/close', requireAdmin(), async (ctx) => {
    const { reason } = await readBody(ctx, closeBody, cfg.api.maxJsonBytes);
    ctx.body = await gateway.closeLobby(reason);
    await recordAdmin(ctx, 'close', '', reason);
  });
  router.post('/admin/pause', requireAdmin(), async (ctx) => {
    const { reason } = await readBody(ctx, closeBody, cfg.api.maxJsonBytes);
    ctx.body = await gateway.pause(reason);
    await recordAdmin(ctx, 'pause', '', reason);
  });
  router.post('/admin/resume', requireAdmin(), async (ctx) => {
    const { reason } = await readBody(ctx, closeBody, cfg.api.maxJsonBytes);
    ctx.body = await gateway.resume(reason);
    await recordAdmin(ctx, 'resume', '', reason);
  });
  router.post('/admin/beacon', requireAdmin(), async (ctx) => {
    const { source, iterations } = await readBody(ctx, beaconAnnouncement, cfg.api.maxJsonBytes);
    ctx.body = await gateway.announceBeacon(source, iterations);
    await recordAdmin(ctx, 'announce-beacon', '', `${source} (${iterations} iterations)`);
  });
  router.post('/admin/finalise', requireAdmin(), async (ctx) => {
    const { beaconValueHex } = await readBody(ctx, beaconValue, cfg.api.maxJsonBytes);
    ctx.body = await gateway.finalise(beaconValueHex);
    await recordAdmin(ctx, 'finalise', '', beaconValueHex);
  });
  router.post('/admin/drop', requireAdmin(), async (ctx) => {
    const { identity, reason } = await target(ctx);
    await gateway.drop(identity);
    await recordAdmin(ctx, 'drop', identity, reason);
    ctx.body = { identity, dropped: true };
  });
  return router;
}
