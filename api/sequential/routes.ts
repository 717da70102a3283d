// The participant API of a sequential ceremony (seed 002), accepting both name variants
// (lobby/* and queue/*), plus transcripts, receipts, ceremony information and admin actions. Three
// routers, one guard each: the public one, the participants' (requireSession once) and the
// administrators' (requireAdmin once). Bodies are checked by validate(schema) against the contract
// (api/contracts/ceremony.ts); answers are views (./views.ts), never the workflow state itself.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { JWK } from 'jose';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ObjectStore } from '../../store/index.js';
import type { RecordsLedger } from '../records-ledger.js';
import { mustSession, requireAdmin, requireSession } from '../auth/middleware.js';
import { recordAdminAction } from '../admin-record.js';
import { AbortAnswerSchema, AdminTargetSchema, BeaconAnnouncementSchema, CloseRequestSchema, CompleteAnswerSchema, FinaliseRequestSchema } from '../contracts/ceremony.js';
import { TURN_HEADERS } from '../contracts/turn-headers.js';
import { guardedRouter } from '../http/guarded-router.js';
import { jsonBody } from '../http/json-body.js';
import { LatestContributionsQuerySchema, TranscriptParamsSchema } from '../contracts/params.js';
import { bodyOf, paramsOf, queryOf, validate, validateParams, validateQuery } from '../http/validate.js';
import { viewOf } from '../http/view.js';
import { handOverStaged } from '../staged-object.js';
import type { IndexedLineup, SequentialGateway } from './gateway.js';
import { queueMarkOf } from '../../workflows/sequential/ceremony-state.js';
import type { CheckinTokens } from './checkin-token.js';
import { participantIdOf } from './settings.js';
import { CHECKIN_TOKEN } from '../contracts/checkin-token.js';
import { TranscriptHistory } from './transcript-history.js';
import { LatestContributionsReader } from './latest-contributions.js';
import { loginsOf } from '../access-view.js';
import { registerCeremonyMetrics } from '../ceremony-metrics.js';
import { apiMetrics } from '../metrics.js';
import { receiveContribution } from './upload.js';
import { streamObject } from '../public-objects.js';
import { ceremonyInfoView, ceremonyStatusView, checkinView, enterView, participantView, phaseView, queueSnapshotView } from './views.js';

export interface SequentialRouteDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
  gateway: SequentialGateway;
  receiptKeys: JWK[];
  ledger: RecordsLedger;
  checkinTokens: CheckinTokens;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function sequentialRoutes(deps: SequentialRouteDeps): Router[] {
  const { gateway, store, cfg, checkinTokens } = deps;
  const history = new TranscriptHistory(store);
  const latest = new LatestContributionsReader(store, deps.ledger);
  registerCeremonyMetrics(apiMetrics().registry, {
    mode: 'sequential',
    snapshot: () => gateway.snapshot(),
    lastAcceptedAt: async () => (await latest.newest(1)).items[0]?.at,
    openedAt: () => gateway.openedAt(),
  });
  const router = new Router();
  const participants = guardedRouter(requireSession());
  const admins = guardedRouter(requireAdmin());
  admins.use(jsonBody(cfg.api.maxJsonBytes));
  const caller = (ctx: Context) => ({ identity: mustSession(ctx).identity });

  const logins = loginsOf(cfg);
  router.get('/ceremony/info', async (ctx) => {
    // The phase when the ceremony answers; the rest (keys above all) whether or not it does.
    const phase = (await gateway.snapshot().catch(() => undefined))?.phase;
    ctx.body = ceremonyInfoView({ settings: gateway.settings, phase, receiptKeys: deps.receiptKeys, logins });
  });

  router.get('/ceremony/contributions', validateQuery(LatestContributionsQuerySchema), async (ctx) => {
    const { limit } = queryOf(ctx, LatestContributionsQuerySchema);
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await latest.newest(limit);
  });

  router.get('/ceremony/status', async (ctx) => {
    ctx.body = ceremonyStatusView(await gateway.snapshot());
  });

  // Check-in answers far from the head carry a signed token; handed back early, it is the answer again
  // without asking Temporal (checkin-token.ts). The queue's mark and the places come from one lineup
  // (read at most every 250 ms per replica, whoever asks), read before the answer is made, so a token
  // never claims a mark later than its answer. Without a lineup there is no token.
  const markOf = (lined: IndexedLineup | undefined): string | undefined => (lined === undefined ? undefined : queueMarkOf(lined.lineup));
  const enter = async (ctx: Context): Promise<void> => {
    const lined = await gateway.readLineup();
    const { participantId, ...answer } = enterView(await gateway.enter(caller(ctx), lined));
    ctx.body = { ...checkinTokens.issue(participantId, answer, markOf(lined), Date.now()), participantId };
  };
  const checkin = async (ctx: Context): Promise<void> => {
    const who = caller(ctx);
    const participantId = participantIdOf(who.identity);
    const header = ctx.get(CHECKIN_TOKEN.header);
    const lined = await gateway.readLineup();
    const mark = markOf(lined);
    const fromToken = header === '' || mark === undefined ? undefined : checkinTokens.answer(header, participantId, mark, Date.now());
    ctx.body = fromToken ?? checkinTokens.issue(participantId, checkinView(await gateway.checkin(who, lined)), mark, Date.now());
  };
  participants.post('/lobby/enter', enter);
  participants.post('/queue/join', enter);
  participants.post('/lobby/checkin', checkin);
  participants.post('/queue/checkin', checkin);
  participants.post('/queue/leave', async (ctx) => {
    const view = await gateway.leave(caller(ctx));
    ctx.body = { status: view.status };
  });
  participants.get('/participant', async (ctx) => {
    ctx.body = participantView(await gateway.participant(mustSession(ctx).identity));
  });

  participants.post('/contribution/start', async (ctx) => {
    const started = await gateway.start(caller(ctx));
    ctx.set(TURN_HEADERS.turnId, started.turnId);
    ctx.set(TURN_HEADERS.sequence, String(started.sequence));
    ctx.set(TURN_HEADERS.computeDeadline, iso(started.computeDeadline));
    ctx.set(TURN_HEADERS.transcriptSha256, started.transcriptSha256);
    const head = await store.head(started.powersKey);
    if (head === null) throw new CeremonyError('INTERNAL', 'the current powers are missing from the store');
    ctx.type = 'application/json';
    ctx.length = head.size;
    ctx.body = await store.get(started.powersKey);
  });

  participants.post('/contribution/complete', async (ctx) => {
    const turn = await gateway.turnForUpload(caller(ctx));
    const uploadKey = await receiveContribution(ctx, store, turn.turnWorkflowId, gateway.settings.sizes, cfg.api.maxUploadBytes);
    // Refused for certain (another upload won the turn, the turn ended): the upload is deleted.
    const verifying = apiMetrics().verification.startTimer();
    const result = await handOverStaged(store, uploadKey, () => gateway.complete(turn, uploadKey));
    verifying({ outcome: result.outcome });
    if (result.outcome === 'rejected') {
      apiMetrics().rejections.inc({ check: result.failedCheck?.code ?? 'unknown' });
      throw new CeremonyError('INVALID_CONTRIBUTION', `the contribution failed verification: ${result.failedCheck?.message ?? 'unknown check'}`, {
        check: result.failedCheck?.code,
        sequence: result.sequence,
      });
    }
    if (result.outcome !== 'accepted' || result.receiptKey === undefined) {
      throw new CeremonyError('NO_CONTRIBUTION_IN_PROGRESS', `the turn ended as ${result.outcome}`);
    }
    const receipt = JSON.parse(Buffer.from(await store.getBytes(result.receiptKey, 1 << 20)).toString('utf8')) as unknown;
    ctx.body = viewOf(
      CompleteAnswerSchema,
      { outcome: 'accepted', sequence: result.sequence, receiptId: result.receiptId, receipt, transcriptSha256: result.head?.transcriptSha256 },
      'the completion answer',
    );
  });

  participants.post('/contribution/abort', async (ctx) => {
    ctx.body = viewOf(AbortAnswerSchema, await gateway.abort(caller(ctx)), 'the abort answer');
  });

  router.get('/transcript', async (ctx) => {
    const s = await gateway.snapshot(0);
    if (s.head === null) throw new CeremonyError('NOT_READY', 'the initial transcript is not ready yet');
    ctx.set(TURN_HEADERS.sequence, String(s.head.sequence));
    ctx.set('Cache-Control', 'no-cache');
    await streamObject(ctx, store, s.head.transcriptKey, s.head.transcriptSha256);
    ctx.set('Cache-Control', 'no-cache');
  });

  router.get('/transcript/:sequence', validateParams(TranscriptParamsSchema), async (ctx) => {
    const { sequence } = paramsOf(ctx, TranscriptParamsSchema);
    const s = await gateway.snapshot(0);
    if (s.head === null) throw new CeremonyError('NOT_READY', 'the initial transcript is not ready yet');
    const key = sequence === s.head.sequence ? s.head.transcriptKey : await history.keyOf(sequence, s.lastRecordKey, s.head.sequence);
    ctx.set(TURN_HEADERS.sequence, String(sequence));
    await streamObject(ctx, store, key, key.slice(key.lastIndexOf('/') + 1));
  });

  // Admin: authenticated administrators only; every action is logged and recorded in the store.
  const recordAdmin = (ctx: Context, action: string, who: string, reason: string): Promise<void> =>
    recordAdminAction(ctx, { log: deps.log, store, ceremonyId: gateway.settings.ceremonyId, ledger: deps.ledger }, action, who, reason);
  admins.get('/admin/status', async (ctx) => {
    const [s, queue] = await Promise.all([gateway.snapshot(0), gateway.queue()]);
    ctx.body = queueSnapshotView(s, queue);
  });
  admins.get('/admin/participant/:identity', async (ctx) => {
    let identity: string;
    try {
      identity = decodeURIComponent(ctx.params['identity'] ?? '');
    } catch {
      throw new CeremonyError('BAD_REQUEST', 'the identity is not valid URL encoding');
    }
    ctx.body = participantView(await gateway.participantForAdmin(identity));
  });
  admins.post('/admin/ban', validate(AdminTargetSchema), async (ctx) => {
    const { identity, reason } = bodyOf(ctx, AdminTargetSchema);
    await gateway.setBanned(identity, true, reason);
    await recordAdmin(ctx, 'ban', identity, reason);
    ctx.body = { identity, banned: true };
  });
  admins.post('/admin/unban', validate(AdminTargetSchema), async (ctx) => {
    const { identity, reason } = bodyOf(ctx, AdminTargetSchema);
    await gateway.setBanned(identity, false, reason);
    await recordAdmin(ctx, 'unban', identity, reason);
    ctx.body = { identity, banned: false };
  });
  admins.post('/admin/close', validate(CloseRequestSchema), async (ctx) => {
    const { reason } = bodyOf(ctx, CloseRequestSchema);
    ctx.body = phaseView(await gateway.closeLobby(reason));
    await recordAdmin(ctx, 'close', '', reason);
  });
  admins.post('/admin/pause', validate(CloseRequestSchema), async (ctx) => {
    const { reason } = bodyOf(ctx, CloseRequestSchema);
    ctx.body = phaseView(await gateway.pause(reason));
    await recordAdmin(ctx, 'pause', '', reason);
  });
  admins.post('/admin/resume', validate(CloseRequestSchema), async (ctx) => {
    const { reason } = bodyOf(ctx, CloseRequestSchema);
    ctx.body = phaseView(await gateway.resume(reason));
    await recordAdmin(ctx, 'resume', '', reason);
  });
  admins.post('/admin/beacon', validate(BeaconAnnouncementSchema), async (ctx) => {
    const { source, iterations } = bodyOf(ctx, BeaconAnnouncementSchema);
    ctx.body = phaseView(await gateway.announceBeacon(source, iterations));
    await recordAdmin(ctx, 'announce-beacon', '', `${source} (${iterations} iterations)`);
  });
  admins.post('/admin/finalise', validate(FinaliseRequestSchema), async (ctx) => {
    const { beaconValueHex } = bodyOf(ctx, FinaliseRequestSchema);
    ctx.body = phaseView(await gateway.finalise(beaconValueHex));
    await recordAdmin(ctx, 'finalise', '', beaconValueHex);
  });
  admins.post('/admin/drop', validate(AdminTargetSchema), async (ctx) => {
    const { identity, reason } = bodyOf(ctx, AdminTargetSchema);
    await gateway.drop(identity, reason);
    await recordAdmin(ctx, 'drop', identity, reason);
    ctx.body = { identity, dropped: true };
  });
  return [router, participants, admins];
}
