// The HTTP API's operations as the OpenAPI document describes them: path, method, who may call,
// which contract schema (api/contracts/) each request body and answer is, and the error codes
// beyond the common ones. The schemas themselves are never written here: ref() points at the
// registered zod schema, and api/openapi/components.ts generates its JSON Schema.
import { WEB_PAGES } from '../web-front.js';
import { TURN_HEADERS } from '../contracts/turn-headers.js';
import { CHECKIN_TOKEN } from '../contracts/checkin-token.js';
import type { z } from 'zod';
import type { ErrorCode } from '../../common/errors.js';
import { CHUNK_UPLOAD_PREFIX } from '../../store/keys.js';
import {
  GithubDeviceStartSchema,
  GithubDeviceTokenAnswerSchema,
  GithubDeviceTokenRequestSchema,
  JwksSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  SessionSchema,
  SiweChallengeSchema,
} from '../contracts/auth.js';
import {
  AbortAnswerSchema,
  AdminTargetSchema,
  BanAnswerSchema,
  BeaconAnnouncementSchema,
  CeremonyInfoSchema,
  CeremonyStatusSchema,
  LatestContributionsSchema,
  CheckinAnswerSchema,
  CloseRequestSchema,
  CompleteAnswerSchema,
  DropAnswerSchema,
  EnterAnswerSchema,
  FinaliseRequestSchema,
  LeaveAnswerSchema,
  ParticipantViewSchema,
  PhaseViewSchema,
  QueueSnapshotSchema,
} from '../contracts/ceremony.js';
import { BatchContributionSchema, BatchTranscriptSchema, ReceiptSchema } from '../contracts/documents.js';
import { HealthSchema, ReadinessSchema } from '../contracts/health.js';
import { RecordsPageSchema } from '../contracts/records.js';
import {
  ChunkContributionSchema,
  ChunkSubmittedSchema,
  RoundsCeremonyInfoSchema,
  RoundsHeartbeatAnswerSchema,
  RoundsInstructionsSchema,
  RoundsJoinAnswerSchema,
  RoundsLeaveAnswerSchema,
  RoundsRestartAnswerSchema,
  RoundsRestartRequestSchema,
  RoundsRestoreAnswerSchema,
  RoundsRestoreRequestSchema,
  RoundsStatusSchema,
  TaskAnswerSchema,
  VerdictAnswerSchema,
  VerdictRequestSchema,
  VerificationTaskSchema,
} from '../contracts/rounds.js';
import {
  ChunkParamsSchema,
  ChunkUploadObjectParamsSchema,
  ChunkUploadQuerySchema,
  ReceiptParamsSchema,
  RecordsQuerySchema,
  LatestContributionsQuerySchema,
  RoundObjectParamsSchema,
  TranscriptParamsSchema,
  VerdictParamsSchema,
} from '../contracts/params.js';
import { parametersOf, ref, type Schema } from './components.js';

type Method = 'get' | 'post';
/** Who may call: anyone, any session, a configured verifier (ceremony.rounds.verifierIdentities), an administrator. */
export type Access = 'public' | 'session' | 'verifier' | 'admin';

export const OPENAPI_PATH = '/openapi.json';
const SHA256 = '^[0-9a-f]{64}$';

export const headerRef = (name: string): Schema => ({ $ref: `#/components/headers/${name}` });
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });

export interface Operation {
  method: Method;
  /** Koa-style path (`/receipts/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  parameters?: Schema[];
  requestBody?: Schema;
  /** Success responses by status. */
  responses: Record<string, Schema>;
  /** Error codes specific to this operation (the common ones are added from the flags below). */
  errors: ErrorCode[];
  /** Calls Temporal: the ceremony may not run, Temporal may be unreachable or slow. */
  temporal?: boolean;
  /** Reads or writes the object store. */
  store?: boolean;
  /** Reads a JSON request body. */
  jsonBody?: boolean;
}

export const bodyErrors: ErrorCode[] = ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'VALIDATION_FAILED'];
export const temporalErrors: ErrorCode[] = ['NOT_READY', 'TEMPORAL_UNAVAILABLE', 'TIMEOUT'];
export const sessionErrors: ErrorCode[] = ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED'];

export const withRequestId = (response: Schema, headers: Record<string, Schema> = {}): Schema => ({
  ...response,
  headers: { 'X-Request-Id': headerRef('RequestId'), ...headers },
});

const ok = (description: string, schema: Schema, headers: Record<string, Schema> = {}): Schema => withRequestId({ description, content: json(schema) }, headers);

const pathParam = (name: string, description: string, schema: Schema): Schema => ({ name, in: 'path', required: true, description, schema });

/** One operation under the seed's two names for it (each naming the other as its alias). */
function underBothNames(
  first: readonly [path: string, operationId: string],
  second: readonly [path: string, operationId: string],
  make: (path: string, operationId: string, alias: string) => Operation,
): Operation[] {
  return [make(first[0], first[1], second[0]), make(second[0], second[1], first[0])];
}

/** Every operation of either ceremony mode, shared routes first. */
export function operations(): Operation[] {
  const checkinErrors: ErrorCode[] = ['NOT_IN_QUEUE', 'DEADLINE_MISSED', 'BANNED'];
  const enterDescription = (alias: string): string =>
    `Joins the FIFO queue (idempotent while queued) and answers like a check-in. Same handler as ${alias}. ` + 'When nobody contributes and the queue is empty the answer is already ready.';
  const checkinDescription = (alias: string): string =>
    `Keeps the caller in the queue: call again before nextDeadline (the seed's schedule; every minCheckinIntervalMs near the head). ` +
    `The answer says ready when it is the caller's turn; contribution/start must follow within startWindowMs. Same handler as ${alias}.`;
  const turnErrors: ErrorCode[] = ['NOT_YOUR_TURN', 'NOT_IN_QUEUE', 'START_WINDOW_MISSED', 'DEADLINE_MISSED'];
  const transcriptHeaders = {
    'X-Sequence': headerRef('Sequence'),
    ETag: headerRef('ETag'),
    'X-Content-SHA256': headerRef('ContentSha256'),
    'Cache-Control': { schema: { type: 'string' } },
  };
  const notModified = withRequestId({ description: 'If-None-Match matched the ETag' });
  return [
    // health
    {
      method: 'get',
      path: '/healthz',
      operationId: 'healthz',
      summary: 'Liveness: the process is alive',
      tag: 'health',
      access: 'public',
      responses: { '200': ok('alive', ref(HealthSchema)) },
      errors: [],
    },
    ...Object.entries(WEB_PAGES).map(
      ([path, file]): Operation => ({
        method: 'get',
        path,
        operationId: `page${file.replace('.html', '').replace(/^./, (c) => c.toUpperCase())}`,
        summary: `The web front: ${file} (${path === '/' ? 'the live ceremony page' : path === '/contribute' ? 'the browser contributor' : 'the receipt checker'})`,
        description: 'HTML served from web/dist (npm run setup builds it); 503 NOT_READY when it is not built. An unchanged page answers 304 to If-None-Match.',
        tag: 'web',
        access: 'public',
        responses: { '200': withRequestId({ description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } }) },
        errors: ['NOT_READY'],
      }),
    ),
    {
      method: 'get',
      path: '/assets/{file}',
      operationId: 'webAsset',
      summary: 'A script, style or source map of the web front',
      tag: 'web',
      access: 'public',
      parameters: [pathParam('file', 'a file name from web/dist/assets', { type: 'string' })],
      responses: { '200': withRequestId({ description: 'the file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }) },
      errors: ['NOT_FOUND', 'NOT_READY'],
    },
    {
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      summary: 'Readiness: Temporal and the object store answer',
      description: 'NOT_READY (503) with details.checks naming the failing dependency otherwise.',
      tag: 'health',
      access: 'public',
      responses: { '200': ok('ready', ref(ReadinessSchema)) },
      errors: ['NOT_READY'],
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics: process metrics, request durations by route template, error answers by code',
      tag: 'health',
      access: 'public',
      responses: {
        '200': withRequestId({ description: 'the Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } }),
      },
      errors: [],
    },
    {
      method: 'get',
      path: OPENAPI_PATH,
      operationId: 'openapi',
      summary: 'This OpenAPI document',
      tag: 'health',
      access: 'public',
      responses: { '200': ok('the OpenAPI 3.1 document', { type: 'object' }) },
      errors: [],
    },
    // auth
    {
      method: 'post',
      path: '/login',
      operationId: 'login',
      summary: 'Log in with the dev provider or Sign-In with Ethereum',
      description:
        'Counts against the login rate limit. GitHub login starts at GET /auth/github/start instead. A SIWE nonce logs in once, at any replica ' +
        '(LOGIN_REJECTED with details.reason SIWE_NONCE_REUSED after that).',
      tag: 'auth',
      access: 'public',
      requestBody: { required: true, content: json(ref(LoginRequestSchema, 'input')) },
      responses: { '200': ok('a session token', ref(LoginResponseSchema)) },
      errors: ['FORBIDDEN', 'LOGIN_REJECTED', 'UPSTREAM_UNAVAILABLE'],
      jsonBody: true,
    },
    {
      method: 'get',
      path: '/auth/siwe/nonce',
      operationId: 'siweNonce',
      summary: 'A signed nonce and the domain, URI and chain id a SIWE message must carry',
      tag: 'auth',
      access: 'public',
      responses: { '200': ok('the SIWE challenge', ref(SiweChallengeSchema)) },
      errors: [],
    },
    {
      method: 'get',
      path: '/auth/github/start',
      operationId: 'githubStart',
      summary: "Redirects to GitHub's authorize page with a signed state (also set as a cookie)",
      tag: 'auth',
      access: 'public',
      responses: {
        '302': withRequestId({ description: 'to GitHub' }, { Location: { schema: { type: 'string', format: 'uri' } }, 'Set-Cookie': { schema: { type: 'string' } } }),
      },
      errors: ['FORBIDDEN'],
    },
    {
      method: 'get',
      path: '/auth/github/callback',
      operationId: 'githubCallback',
      summary: 'GitHub OAuth callback: code + state to a session token',
      description: 'Answers JSON, or redirects to auth.github.finishUrl#token=…&participantId=…&expiresAt=… when that is set. Counts against the login rate limit.',
      tag: 'auth',
      access: 'public',
      parameters: [
        { name: 'code', in: 'query', required: false, schema: { type: 'string', maxLength: 512 } },
        { name: 'state', in: 'query', required: false, schema: { type: 'string', maxLength: 512 } },
        { name: 'error', in: 'query', required: false, description: 'set by GitHub when the user denied the login', schema: { type: 'string' } },
      ],
      responses: {
        '200': ok('a session token', ref(LoginResponseSchema)),
        '302': withRequestId({ description: 'to auth.github.finishUrl with the token in the fragment' }, { Location: { schema: { type: 'string', format: 'uri' } } }),
      },
      errors: ['FORBIDDEN', 'LOGIN_REJECTED', 'VALIDATION_FAILED', 'UPSTREAM_UNAVAILABLE'],
    },
    {
      method: 'post',
      path: '/auth/github/device',
      operationId: 'githubDeviceStart',
      summary: 'Begins a GitHub login through the OAuth device flow (RFC 8628), for command-line clients',
      description:
        "The coordinator asks GitHub for a device code and a user code with its client id. Show userCode and verificationUri to the person; poll POST /auth/github/device/token every `interval` seconds with deviceCode (GitHub's device code, signed by the coordinator: keep it to yourself). Counts against the login rate limit. FORBIDDEN when GitHub login or auth.github.deviceFlow is off.",
      tag: 'auth',
      access: 'public',
      responses: { '200': ok('the codes', ref(GithubDeviceStartSchema)) },
      errors: ['FORBIDDEN', 'UPSTREAM_UNAVAILABLE'],
    },
    {
      method: 'post',
      path: '/auth/github/device/token',
      operationId: 'githubDeviceToken',
      summary: 'Polls a GitHub device login: pending, slow_down, or complete with a session token',
      description:
        'Poll no more often than the interval (a poll too soon is answered slow_down with a longer interval, which holds from then on). An expired device code is LOGIN_REJECTED with details.reason DEVICE_CODE_EXPIRED, one this coordinator did not issue (or GitHub does not know) DEVICE_CODE_UNKNOWN, a denied login OAUTH_DENIED; an account created after auth.github.createdBefore is FORBIDDEN (GITHUB_ACCOUNT_TOO_NEW). The identity is git|<id>|@<login>, as with the web login. Not rate limited by address: its own pacing limits it per device code.',
      tag: 'auth',
      access: 'public',
      requestBody: { required: true, content: json(ref(GithubDeviceTokenRequestSchema, 'input')) },
      responses: { '200': ok('the state of the login', ref(GithubDeviceTokenAnswerSchema)) },
      errors: ['FORBIDDEN', 'LOGIN_REJECTED', 'UPSTREAM_UNAVAILABLE'],
      jsonBody: true,
    },
    {
      method: 'get',
      path: '/auth/session',
      operationId: 'session',
      summary: "The caller's session",
      tag: 'auth',
      access: 'session',
      responses: { '200': ok('the session', ref(SessionSchema)) },
      errors: [],
    },
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'sessionKeys',
      summary: 'The public keys that verify session tokens',
      tag: 'auth',
      access: 'public',
      responses: { '200': ok('a JWK set', ref(JwksSchema)) },
      errors: [],
    },
    // ceremony
    {
      method: 'get',
      path: '/ceremony/info',
      operationId: 'ceremonyInfo',
      summary: 'Ceremony id, sizes, timing and the receipt keys',
      description: 'The answer depends on ceremony.mode (its mode field tells which).',
      tag: 'ceremony',
      access: 'public',
      responses: {
        '200': ok('ceremony information', {
          oneOf: [ref(CeremonyInfoSchema), ref(RoundsCeremonyInfoSchema)],
          discriminator: { propertyName: 'mode', mapping: { sequential: '#/components/schemas/CeremonyInfo', rounds: '#/components/schemas/RoundsCeremonyInfo' } },
        }),
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/ceremony/contributions',
      operationId: 'latestContributions',
      summary: 'The newest accepted contributions, newest first (the live page lists them)',
      description: 'Read from the records ledger: sequence, identity, time, the transcript hash after each, and its receipt. Sequential mode.',
      tag: 'ceremony',
      access: 'public',
      parameters: parametersOf(LatestContributionsQuerySchema, 'query'),
      responses: { '200': ok('the newest contributions', ref(LatestContributionsSchema)) },
      errors: ['BAD_REQUEST'],
      temporal: true,
    },
    {
      method: 'get',
      path: '/ceremony/status',
      operationId: 'ceremonyStatus',
      summary: 'Queue length, current turn, sequence and statistics',
      tag: 'ceremony',
      access: 'public',
      responses: { '200': ok('ceremony status (at most 250 ms old)', ref(CeremonyStatusSchema)) },
      errors: [],
      temporal: true,
    },
    ...underBothNames(['/lobby/enter', 'lobbyEnter'], ['/queue/join', 'queueJoin'], (path, operationId, alias) => ({
      method: 'post',
      path,
      operationId,
      summary: 'Enter the lobby (join the queue)',
      description: enterDescription(alias),
      tag: 'lobby',
      access: 'session',
      responses: { '200': ok('the first check-in answer', ref(EnterAnswerSchema)) },
      errors: ['BANNED', 'ALREADY_CONTRIBUTED', 'PENALTY_ACTIVE', 'CEREMONY_CLOSED', 'CEREMONY_PAUSED', 'NOT_IN_QUEUE'],
      temporal: true,
    })),
    ...underBothNames(['/lobby/checkin', 'lobbyCheckin'], ['/queue/checkin', 'queueCheckin'], (path, operationId, alias) => ({
      method: 'post',
      path,
      operationId,
      summary: 'Check in',
      description: checkinDescription(alias),
      tag: 'lobby',
      access: 'session',
      parameters: [
        {
          name: CHECKIN_TOKEN.header,
          in: 'header',
          required: false,
          description:
            'the checkinToken of the last answer: while it lasts (at most api.checkinTokenTtlMs, and never into the second half of the interval) the answer comes from it at once; a token that does not verify, has expired, is for another participant or ceremony, or was given before the queue moved is ignored',
          schema: { type: 'string', maxLength: CHECKIN_TOKEN.maxLength },
        },
      ],
      responses: { '200': ok('position, expected start and the next deadline', ref(CheckinAnswerSchema)) },
      errors: checkinErrors,
      temporal: true,
    })),
    {
      method: 'post',
      path: '/queue/leave',
      operationId: 'queueLeave',
      summary: 'Leave the queue',
      tag: 'lobby',
      access: 'session',
      responses: { '200': ok('the status after leaving', ref(LeaveAnswerSchema)) },
      errors: ['NOT_IN_QUEUE'],
      temporal: true,
    },
    {
      method: 'get',
      path: '/participant',
      operationId: 'participant',
      summary: "The caller's participant record: status, strikes, penalties, receipts, and why it last lost its place or its turn (reason)",
      tag: 'lobby',
      access: 'session',
      responses: { '200': ok('the participant', ref(ParticipantViewSchema)) },
      errors: ['UNKNOWN_IDENTITY', 'BAD_REQUEST'],
      temporal: true,
    },
    {
      method: 'post',
      path: '/contribution/start',
      operationId: 'contributionStart',
      summary: 'Start the turn: returns the current powers to contribute to',
      description: 'Only after a check-in answered ready, within startWindowMs. Retrying during the turn hands out the same powers. The compute deadline is in X-Compute-Deadline.',
      tag: 'contribution',
      access: 'session',
      responses: {
        '200': ok('the current powers (a BatchContribution without potPubkeys)', ref(BatchContributionSchema), {
          [TURN_HEADERS.turnId]: { schema: { type: 'string' } },
          [TURN_HEADERS.sequence]: headerRef('Sequence'),
          [TURN_HEADERS.computeDeadline]: { description: 'upload before this instant', schema: { type: 'string', format: 'date-time' } },
          [TURN_HEADERS.transcriptSha256]: { description: 'hash of the transcript these powers come from', schema: { type: 'string', pattern: SHA256 } },
        }),
      },
      errors: turnErrors,
      temporal: true,
      store: true,
    },
    {
      method: 'post',
      path: '/contribution/complete',
      operationId: 'contributionComplete',
      summary: 'Upload the contribution; answers after verification with a signed receipt',
      description:
        'The turn and the declared Content-Length (LENGTH_REQUIRED, PAYLOAD_TOO_LARGE) are checked before a byte is read; the body is then ' +
        'streamed to the store under api.maxUploadBytes, checked for shape and sizes, and verified. An upload the turn refuses is deleted. ' +
        'INVALID_CONTRIBUTION (422) names the failed check in details.check; the slot is lost.',
      tag: 'contribution',
      access: 'session',
      requestBody: { required: true, content: json(ref(BatchContributionSchema)) },
      responses: { '200': ok('accepted', ref(CompleteAnswerSchema)) },
      errors: [...turnErrors, 'LENGTH_REQUIRED', 'WRONG_CONTRIBUTION_SIZE', 'INVALID_CONTRIBUTION', 'NO_CONTRIBUTION_IN_PROGRESS', 'CONTRIBUTION_ALREADY_COMPLETED'],
      temporal: true,
      store: true,
      jsonBody: true,
    },
    {
      method: 'post',
      path: '/contribution/abort',
      operationId: 'contributionAbort',
      summary: 'Give up the turn',
      tag: 'contribution',
      access: 'session',
      responses: { '200': ok('the turn outcome', ref(AbortAnswerSchema)) },
      errors: [...turnErrors, 'NO_CONTRIBUTION_IN_PROGRESS'],
      temporal: true,
    },
    // transcripts and receipts
    {
      method: 'get',
      path: '/transcript',
      operationId: 'transcript',
      summary: 'The current transcript',
      description: "Sequential mode: the transcript after the latest accepted contribution. Rounds mode: the latest round's aggregated transcript (NOT_FOUND before the first round completes).",
      tag: 'transcript',
      access: 'public',
      responses: { '200': ok('the BatchTranscript', ref(BatchTranscriptSchema), transcriptHeaders), '304': notModified },
      errors: ['NOT_FOUND'],
      temporal: true,
      store: true,
    },
    {
      method: 'get',
      path: '/transcript/:sequence',
      operationId: 'transcriptAt',
      summary: 'The transcript after a given number of contributions (0: the initial one)',
      tag: 'transcript',
      access: 'public',
      parameters: parametersOf(TranscriptParamsSchema, 'path'),
      responses: { '200': ok('the BatchTranscript (immutable)', ref(BatchTranscriptSchema), transcriptHeaders), '304': notModified },
      errors: ['BAD_REQUEST', 'NOT_FOUND'],
      temporal: true,
      store: true,
    },
    {
      method: 'get',
      path: '/records',
      operationId: 'records',
      summary: 'Every record, oldest first, with its chain (the records ledger)',
      description:
        'Page N holds ledger entries N * pageSize onward; the last page grows. Each item carries the ledger entry as stored (its JSON text names the ' +
        "previous entry's key and the record's key, each records-ledger/ or records/ followed by the SHA-256 of the text) and the record as stored; " +
        'ceremony verify checks every hash and link. Records: turn outcomes (accepted, rejected with the failed check, cancelled, timed out), ' +
        'participants leaving, missing a check-in, banned and unbanned, round events (drops with what they removed, replacements, restarts), ' +
        'admin actions with their reason, refused verdicts.',
      tag: 'transcript',
      access: 'public',
      parameters: parametersOf(RecordsQuerySchema, 'query'),
      responses: {
        '200': ok('one page of records', ref(RecordsPageSchema)),
      },
      errors: ['BAD_REQUEST', 'NOT_FOUND'],
      temporal: true,
      store: true,
    },
    {
      method: 'get',
      path: '/receipts/:id',
      operationId: 'receipt',
      summary: 'A receipt by id, of either mode',
      tag: 'transcript',
      access: 'public',
      parameters: parametersOf(ReceiptParamsSchema, 'path'),
      responses: {
        '200': ok('the signed receipt (immutable)', ref(ReceiptSchema), { ETag: headerRef('ETag'), 'X-Content-SHA256': headerRef('ContentSha256') }),
        '304': notModified,
      },
      errors: ['NOT_FOUND'],
      store: true,
    },
    // admin
    {
      method: 'get',
      path: '/admin/status',
      operationId: 'adminStatus',
      summary: 'The full queue snapshot',
      tag: 'admin',
      access: 'admin',
      responses: { '200': ok('the snapshot', ref(QueueSnapshotSchema)) },
      errors: [],
      temporal: true,
    },
    {
      method: 'get',
      path: '/admin/participant/:identity',
      operationId: 'adminParticipant',
      summary: "A participant's record by identity",
      tag: 'admin',
      access: 'admin',
      parameters: [pathParam('identity', 'identity string, URL-encoded', { type: 'string' })],
      responses: { '200': ok('the participant', ref(ParticipantViewSchema)) },
      errors: ['NOT_IN_QUEUE'],
      temporal: true,
    },
    adminAction('/admin/ban', 'adminBan', 'Ban an identity: it leaves the queue and loses a running turn', AdminTargetSchema, ref(BanAnswerSchema)),
    adminAction('/admin/unban', 'adminUnban', 'Lift a ban', AdminTargetSchema, ref(BanAnswerSchema)),
    adminAction('/admin/close', 'adminClose', 'Close the lobby: no new joins; the queue drains', CloseRequestSchema, ref(PhaseViewSchema), ['PHASE_CONFLICT']),
    adminAction('/admin/pause', 'adminPause', 'Pause: no joins (CEREMONY_PAUSED) and no new turn; the running turn finishes and waiters keep their places', CloseRequestSchema, ref(PhaseViewSchema), [
      'PHASE_CONFLICT',
    ]),
    adminAction('/admin/resume', 'adminResume', 'Resume a paused ceremony: the next participant is called', CloseRequestSchema, ref(PhaseViewSchema), ['PHASE_CONFLICT']),
    adminAction('/admin/beacon', 'adminAnnounceBeacon', 'Announce the beacon (its source and iterations) before its value exists; it cannot change', BeaconAnnouncementSchema, ref(PhaseViewSchema), [
      'PHASE_CONFLICT',
    ]),
    adminAction('/admin/finalise', 'adminFinalise', 'Finalise: the beacon contribution, computed, verified and appended; the ceremony is final', FinaliseRequestSchema, ref(PhaseViewSchema), [
      'PHASE_CONFLICT',
    ]),
    adminAction('/admin/drop', 'adminDrop', 'Drop a participant from the queue or its running turn, without a ban', AdminTargetSchema, ref(DropAnswerSchema), ['UNKNOWN_IDENTITY', 'NOT_IN_QUEUE']),
    ...roundsOperations(),
  ];
}

/** An administrator's POST with a JSON body; logged and recorded in the store. */
function adminAction(path: string, operationId: string, summary: string, body: z.ZodType, answer: Schema, errors: ErrorCode[] = []): Operation {
  return {
    method: 'post',
    path,
    operationId,
    summary,
    description: 'Logged, and recorded in the store.',
    tag: 'admin',
    access: 'admin',
    requestBody: { required: true, content: json(ref(body, 'input')) },
    responses: { '200': ok('done', answer) },
    errors,
    temporal: true,
    store: true,
    jsonBody: true,
  };
}

/** The rounds-mode routes (api/rounds/routes.ts), served instead of the sequential ones when ceremony.mode is rounds. */
function roundsOperations(): Operation[] {
  // NO_ROUND_RUNNING: no round is running (or it ended under the call).
  const roundErrors: ErrorCode[] = ['NO_ROUND_RUNNING'];
  const rounds = (op: Omit<Operation, 'tag'> & { tag?: string }): Operation => ({ tag: 'rounds', temporal: true, ...op });
  const objectAnswer = (description: string, schema: Schema): Record<string, Schema> => ({ '200': ok(description, schema, { ETag: headerRef('ETag') }) });
  return [
    rounds({
      method: 'get',
      path: '/rounds/status',
      operationId: 'roundsStatus',
      summary: 'The ceremony: queue, bans, completed rounds and the running round',
      access: 'public',
      responses: { '200': ok('ceremony status (at most 250 ms old) and the running round', ref(RoundsStatusSchema)) },
      errors: roundErrors,
    }),
    rounds({
      method: 'post',
      path: '/rounds/join',
      operationId: 'roundsJoin',
      summary: 'Join the round queue (idempotent while queued)',
      access: 'session',
      responses: { '200': ok('the place in the queue', ref(RoundsJoinAnswerSchema)) },
      errors: ['BANNED', 'ALREADY_CONTRIBUTED', 'ALREADY_IN_QUEUE', 'CEREMONY_CLOSED', 'CEREMONY_PAUSED', 'ROLE_CONFLICT'],
    }),
    rounds({
      method: 'post',
      path: '/rounds/leave',
      operationId: 'roundsLeave',
      summary: 'Leave the round queue',
      access: 'session',
      responses: { '200': ok('whether the caller was queued', ref(RoundsLeaveAnswerSchema)) },
      errors: [],
    }),
    rounds({
      method: 'get',
      path: '/rounds/instructions',
      operationId: 'roundsInstructions',
      summary: "The caller's place: queue position, or its chunks in the running round and their state",
      access: 'session',
      responses: { '200': ok('the instructions', ref(RoundsInstructionsSchema)) },
      errors: roundErrors,
    }),
    rounds({
      method: 'post',
      path: '/rounds/heartbeat',
      operationId: 'roundsHeartbeat',
      summary: 'Stay in the running round',
      description:
        'A contributor without a heartbeat for ceremony.rounds.heartbeatTimeoutMs is dropped. Only contributors of the running round, ' +
        'configured verifiers and replacements reach the round; anyone else gets NOT_IN_ROUND and sends no signal.',
      access: 'session',
      responses: { '200': ok('noted', ref(RoundsHeartbeatAnswerSchema)) },
      errors: [...roundErrors, 'NOT_IN_ROUND'],
    }),
    rounds({
      method: 'post',
      path: '/rounds/tasks/next',
      operationId: 'roundsNextTask',
      summary: 'The next task: a chunk to contribute to, or wait, done, dropped, not in the round',
      description: 'Holds the chunk it hands out; identities in ceremony.rounds.replacementIdentities stand by as replacements.',
      access: 'session',
      responses: { '200': ok('the task', ref(TaskAnswerSchema)) },
      errors: [],
    }),
    rounds({
      method: 'get',
      path: '/rounds/objects/:prefix/:sha',
      operationId: 'roundsObject',
      summary: 'A public object by key: chunk states, uploads (older flat layout), verifications, receipts, records, aggregates',
      access: 'public',
      parameters: parametersOf(RoundObjectParamsSchema, 'path'),
      responses: objectAnswer('the stored JSON (a ChunkState under chunks/)', { type: 'object' }),
      errors: ['NOT_FOUND'],
      temporal: false,
      store: true,
    }),
    rounds({
      method: 'get',
      path: `/rounds/objects/${CHUNK_UPLOAD_PREFIX}/:submission/:sha`,
      operationId: 'roundsChunkUpload',
      summary: `A chunk upload by key (${CHUNK_UPLOAD_PREFIX}/<submission>/<sha256>)`,
      access: 'public',
      parameters: parametersOf(ChunkUploadObjectParamsSchema, 'path'),
      responses: objectAnswer('the uploaded contribution', ref(ChunkContributionSchema)),
      errors: ['NOT_FOUND'],
      temporal: false,
      store: true,
    }),
    rounds({
      method: 'post',
      path: '/rounds/contribution/:chunk',
      operationId: 'roundsContribute',
      summary: 'Upload a contribution to the chunk of your task',
      description:
        'Contributors of the running round only (NOT_IN_ROUND otherwise), for the chunk their task holds (NOT_YOUR_TURN otherwise), ' +
        'with a Content-Length within api.maxUploadBytes (LENGTH_REQUIRED, PAYLOAD_TOO_LARGE): all checked before a byte of the body is read. A refused upload is deleted. ' +
        'The body is stored under api.maxUploadBytes and checked for shape (VALIDATION_FAILED or MALFORMED_JSON, details.check naming the check) and layout (WRONG_CONTRIBUTION_SIZE); ' +
        'it is then verified asynchronously (GET /rounds/instructions shows the result). STALE_TASK or ROUND_RESTARTING: ask for the next task.',
      access: 'session',
      parameters: [...parametersOf(ChunkParamsSchema, 'path'), ...parametersOf(ChunkUploadQuerySchema, 'query')],
      requestBody: { required: true, content: json(ref(ChunkContributionSchema)) },
      responses: { '200': ok('stored; verification pending', ref(ChunkSubmittedSchema)) },
      errors: [...roundErrors, 'BAD_REQUEST', 'LENGTH_REQUIRED', 'WRONG_CONTRIBUTION_SIZE', 'NOT_IN_ROUND', 'NOT_YOUR_TURN', 'STALE_TASK', 'ROUND_RESTARTING'],
      store: true,
      jsonBody: true,
    }),
    rounds({
      tag: 'verification',
      method: 'post',
      path: '/rounds/verifications/next',
      operationId: 'roundsNextVerification',
      summary: 'The next contribution to verify (ceremony.rounds.verification external)',
      access: 'verifier',
      responses: { '200': ok('the verification task', ref(VerificationTaskSchema)) },
      errors: [],
    }),
    rounds({
      tag: 'verification',
      method: 'post',
      path: '/rounds/verifications/:contributionId',
      operationId: 'roundsSubmitVerification',
      summary: 'Submit a signed verdict on a contribution leased to the caller',
      description:
        'An accepted verdict is stored (verifications/) and applied; NOT_YOUR_TURN when the lease expired or belongs to another verifier. ' +
        'A refused verdict is not kept as a verdict; the refusal is a record (records/, kind verdict-refused).',
      access: 'verifier',
      parameters: parametersOf(VerdictParamsSchema, 'path'),
      requestBody: { required: true, content: json(ref(VerdictRequestSchema, 'input')) },
      responses: { '200': ok('whether the verdict was applied', ref(VerdictAnswerSchema)) },
      errors: [...roundErrors, 'NOT_YOUR_TURN'],
      store: true,
      jsonBody: true,
    }),
    adminAction('/admin/rounds/restart', 'adminRoundsRestart', 'Restart the running round, keeping its contributors', RoundsRestartRequestSchema, ref(RoundsRestartAnswerSchema), roundErrors),
    adminAction(
      '/admin/rounds/pause',
      'adminRoundsPause',
      'Pause: no joins (CEREMONY_PAUSED) and no new round; a round under way, restarts included, runs to its end and waiters keep their places',
      CloseRequestSchema,
      ref(PhaseViewSchema),
      ['PHASE_CONFLICT'],
    ),
    adminAction('/admin/rounds/resume', 'adminRoundsResume', 'Resume a paused ceremony: the next round starts as the queue allows', CloseRequestSchema, ref(PhaseViewSchema), ['PHASE_CONFLICT']),
    adminAction(
      '/admin/rounds/close',
      'adminRoundsClose',
      'Close the round queue: no new joins (CEREMONY_CLOSED); the queue drains, each round starting at once, then the ceremony is finished',
      CloseRequestSchema,
      ref(PhaseViewSchema),
      ['PHASE_CONFLICT'],
    ),
    adminAction('/admin/rounds/drop', 'adminRoundsDrop', 'Drop a contributor or verifier from the running round, without a ban', AdminTargetSchema, ref(DropAnswerSchema), [
      ...roundErrors,
      'NOT_IN_ROUND',
    ]),
    adminAction('/admin/rounds/ban', 'adminRoundsBan', 'Ban an identity: it leaves the queue and the running round', AdminTargetSchema, ref(BanAnswerSchema)),
    adminAction('/admin/rounds/unban', 'adminRoundsUnban', 'Lift a ban', AdminTargetSchema, ref(BanAnswerSchema)),
    adminAction('/admin/rounds/restore', 'adminRoundsRestore', 'Replace the ceremony with one started from a backup', RoundsRestoreRequestSchema, ref(RoundsRestoreAnswerSchema), ['NOT_FOUND']),
  ];
}
