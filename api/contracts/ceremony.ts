// The sequential ceremony's contract: information, status, the lobby and its check-ins, a turn, and
// the administrators' calls. Request bodies are what the routes validate; answers are views the
// routes map from the gateway's results (api/sequential/views.ts), never the workflow state itself.
import { CHECKIN_TOKEN } from './checkin-token.js';
import { z } from 'zod';
import type { SetbackCode } from '../../workflows/sequential/participant-state.js';
import { sequentialTimingFields, subCeremonySizeSchema } from '../../common/ceremony-config.js';
import { MAX_BEACON_ITERATIONS } from '../../engine/beacon/derive.js';
import { identityString } from '../../identity/auth-config.js';
import { JwksSchema, LoginsSchema } from './auth.js';
import { count, epochMs, isoTime, positive, sha256Hex, text } from './primitives.js';
import { ReceiptSchema } from './documents.js';
import { named } from './registry.js';

export const SubCeremonySizeSchema = named('SubCeremonySize', subCeremonySizeSchema);

/** What a participant needs of the sequential flow's durations (the rest is the coordinator's own business). */
export const SequentialTimingViewSchema = named(
  'SequentialTiming',
  sequentialTimingFields.pick({
    firstCheckinLeadMs: true,
    maxCheckinIntervalMs: true,
    halvingBelowWaitMs: true,
    minCheckinIntervalMs: true,
    checkinGraceMs: true,
    startWindowMs: true,
    computeDeadlineMs: true,
    initialRoundTripMs: true,
    roundTripWindow: true,
    rejoinPenaltyMs: true,
    abortPenaltyMs: true,
    verificationTimeoutMs: true,
  }),
);
export type SequentialTimingView = z.infer<typeof SequentialTimingViewSchema>;

const beaconAnnouncement = z.object({
  source: text('where the beacon value will come from'),
  iterations: positive('SHA-256 iterations'),
  announcedAt: epochMs('when it was announced'),
  recordKey: text('the announcement record'),
});
const beaconFinal = z.object({
  beaconValueHex: text('the beacon value'),
  digestHex: text('SHA-256^iterations of the value'),
  iterations: positive('SHA-256 iterations'),
  sequence: positive('the beacon contribution number'),
  recordKey: text('the beacon record'),
});
export const PhaseViewSchema = named(
  'PhaseView',
  z.object({
    phase: z
      .enum(['open', 'paused', 'closed', 'final'])
      .describe(
        'open: anyone may join; paused: no joins and no new turn until resumed (waiters keep their places); closed: no new joins, the queue drains; final: the beacon contribution is the last',
      ),
    pausedAt: epochMs('when the ceremony was paused').optional(),
    pausedReason: text('why (recorded)').optional(),
    closedAt: epochMs('when the lobby was closed').optional(),
    closedReason: text('why (recorded)').optional(),
    beacon: z.object({ announcement: beaconAnnouncement, final: beaconFinal.optional() }).optional(),
  }),
);
export type PhaseView = z.infer<typeof PhaseViewSchema>;

/** What /ceremony/info publishes in either mode: the keys to check receipts and sessions, and the ways to log in. */
const access = {
  receiptKeys: JwksSchema,
  receiptKeyFingerprints: z.array(text('RFC 7638 thumbprint of a receipt key (its kid): what `ceremony verify --key` pins')),
  sessionKeysUrl: text('where the session token keys are published'),
  logins: LoginsSchema,
};
export const AccessView = z.object(access);

export const CeremonyInfoSchema = named(
  'CeremonyInfo',
  z.object({
    ceremonyId: text('ceremony id'),
    mode: z.literal('sequential'),
    sizes: z.array(SubCeremonySizeSchema),
    contributionsPerIdentity: positive('contributions allowed per identity'),
    timing: SequentialTimingViewSchema,
    ...access,
    phase: PhaseViewSchema.optional().describe('absent while the ceremony does not answer'),
  }),
);
export type CeremonyInfo = z.infer<typeof CeremonyInfoSchema>;

export const CeremonyStatsSchema = named(
  'CeremonyStats',
  z.object({
    accepted: count('accepted contributions'),
    rejected: count('rejected contributions'),
    startMissed: count('start windows missed'),
    computeTimeouts: count('compute deadlines missed'),
    aborted: count('turns given up'),
    cancelled: count('turns cancelled'),
    leftQueue: count('participants who left the queue'),
    removedForMissedCheckin: count('participants removed for a missed check-in'),
    turns: count('turns'),
  }),
);

export const CeremonyStatusSchema = named(
  'CeremonyStatus',
  z.object({
    ceremonyId: text('ceremony id'),
    mode: z.literal('sequential'),
    queueLength: count('participants waiting'),
    contributing: z.object({ turnId: text('turn id'), startedAt: isoTime('when the turn was created') }).nullable(),
    sequence: count('contributions in the current transcript'),
    transcriptSha256: sha256Hex.nullable().describe('SHA-256 of the current transcript'),
    averageRoundTripMs: count('average compute + verification time of recent turns'),
    stats: CeremonyStatsSchema,
    phase: PhaseViewSchema,
  }),
);
export type CeremonyStatus = z.infer<typeof CeremonyStatusSchema>;

export const LatestContributionsSchema = named(
  'LatestContributions',
  z.object({
    items: z
      .array(
        z.object({
          sequence: positive('contribution number'),
          identity: text('the identity, as the transcript records it'),
          at: epochMs('when it was accepted'),
          transcriptSha256After: sha256Hex.describe('SHA-256 of the transcript with it'),
          receiptId: sha256Hex.describe('its receipt (GET /receipts/{id}); absent for the beacon').optional(),
          recordKey: text('its record (in GET /records)'),
        }),
      )
      .describe('newest first'),
  }),
);
export type LatestContributions = z.infer<typeof LatestContributionsSchema>;

const checkinFields = {
  status: z.enum(['waiting', 'queued', 'ready']).describe('waiting: far from the head; queued: expected start within the halving threshold; ready: your turn, call contribution/start'),
  position: count('1-based place in the queue; 0 when it is your turn'),
  waitersAhead: count('participants ahead, counting the one contributing'),
  expectedWaitMs: count('average round trip times the waiters ahead'),
  expectedStartAt: isoTime('estimated start'),
  averageRoundTripMs: count('average compute + verification time of recent turns'),
  nextDeadline: isoTime('check in again before this instant (removal comes checkinGraceMs later)'),
  nextDeadlineMs: epochMs('nextDeadline'),
  checkinIntervalMs: count('the interval this deadline was computed with'),
  turnId: text('the turn, when status is ready').optional(),
  checkinToken: z
    .string()
    .max(CHECKIN_TOKEN.maxLength)
    .describe(
      `hand it back in the ${CHECKIN_TOKEN.header} header of the next check-in: while the queue has not moved and it lasts (at most api.checkinTokenTtlMs, never into the interval's second half) any API replica answers from it at once, without a durable write. Given only when at least two are ahead`,
    )
    .optional(),
};
export const CheckinAnswerSchema = named('CheckinAnswer', z.object(checkinFields));
export type CheckinAnswer = z.infer<typeof CheckinAnswerSchema>;
export const EnterAnswerSchema = named('EnterAnswer', z.object({ ...checkinFields, participantId: text('participant id (a hash of the identity)') }));
export type EnterAnswer = z.infer<typeof EnterAnswerSchema>;

const participantStatus = z.enum(['idle', 'waiting', 'queued', 'ready', 'contributed', 'banned']);
const turnOutcome = z.enum(['accepted', 'rejected', 'start-missed', 'compute-timeout', 'aborted', 'cancelled']);

export const LeaveAnswerSchema = named('LeaveAnswer', z.object({ status: participantStatus.describe('participant status after leaving') }));

/** Why a participant lost its place in the queue or its turn: stable codes a client may act on. */
export const SETBACK_CODES = ['left', 'missed-checkin', 'dropped', 'banned', 'start-missed', 'compute-timeout', 'rejected', 'aborted', 'cancelled'] as const;
// Exactly the workflow's setback codes: a code added there and not here (or the reverse) fails to compile.
type SameSetbacks = [SetbackCode] extends [(typeof SETBACK_CODES)[number]] ? ([(typeof SETBACK_CODES)[number]] extends [SetbackCode] ? true : never) : never;
const sameSetbacks: SameSetbacks = true;
void sameSetbacks;
export const ParticipantReasonSchema = named(
  'ParticipantReason',
  z.object({
    code: z
      .enum(SETBACK_CODES)
      .describe(
        'left: you left the queue; missed-checkin: a check-in deadline passed; dropped: an administrator removed you from the queue or your turn; banned: an administrator banned the identity; start-missed: contribution/start came too late; compute-timeout: no upload before the compute deadline; rejected: the contribution failed verification; aborted: you gave the turn up; cancelled: the coordinator cancelled the turn',
      ),
    message: text('what happened, for a person, with the recorded reason and until when'),
    detail: text("what was recorded with it: the administrator's reason, or the failed check").optional(),
    at: epochMs('when it happened'),
    until: epochMs('may not join again before this instant (absent: no wait; a ban lasts until an administrator lifts it)').optional(),
  }),
  'why the participant last lost its place in the queue or its turn',
);
export type ParticipantReason = z.infer<typeof ParticipantReasonSchema>;

export const ParticipantViewSchema = named(
  'ParticipantView',
  z.object({
    participantId: text('participant id'),
    identity: text('identity string'),
    status: participantStatus.describe('participant status'),
    contributions: count('accepted contributions'),
    strikes: count('lost slots (missed check-ins, missed start windows, timeouts, invalid contributions)'),
    penaltyUntil: epochMs('may not rejoin before').optional(),
    removedReason: text('why the participant left the queue (left, missed-checkin, dropped; for a banned one the ban reason); see `reason`').optional(),
    reason: ParticipantReasonSchema.optional().describe('why the participant last lost its place in the queue or its turn; absent once it joins again, and after an accepted contribution'),
    turnId: text('current turn').optional(),
    checkinDeadline: epochMs('current check-in deadline').optional(),
    checkinIntervalMs: count('current check-in interval').optional(),
    receipts: z.array(z.object({ sequence: positive('sequence'), receiptId: sha256Hex.describe('receipt id'), receiptKey: text('object key') })),
    lastOutcome: turnOutcome.describe('outcome of the last turn').optional(),
  }),
);
export type ParticipantView = z.infer<typeof ParticipantViewSchema>;

export const CompleteAnswerSchema = named(
  'CompleteAnswer',
  z.object({
    outcome: z.literal('accepted'),
    sequence: positive('sequence number of the contribution'),
    receiptId: sha256Hex.describe('receipt id (GET /receipts/{id})'),
    receipt: ReceiptSchema,
    transcriptSha256: sha256Hex.describe('hash of the new transcript'),
  }),
);
export type CompleteAnswer = z.infer<typeof CompleteAnswerSchema>;

export const AbortAnswerSchema = named('AbortAnswer', z.object({ outcome: turnOutcome.describe('turn outcome') }));

const transcriptHead = z.object({
  sequence: count('number of contributions in the transcript'),
  transcriptKey: text('object key of the full BatchTranscript'),
  transcriptSha256: sha256Hex.describe('SHA-256 of the transcript file'),
  powersKey: text('object key of the current powers (what contribution/start hands out)'),
});
export const QueueSnapshotSchema = named(
  'QueueSnapshot',
  z.object({
    ceremonyId: text('ceremony id'),
    queue: z.array(text('participant id')).describe('participant ids in queue order'),
    queueLength: count('participants waiting'),
    current: z.object({ participantId: text('participant id'), turnId: text('turn id'), startedAt: epochMs('turn created') }).nullable(),
    head: transcriptHead.nullable(),
    lastRecordKey: text('newest record of the hash chain of turn outcomes').optional(),
    averageRoundTripMs: count('average compute + verification time of recent turns'),
    stats: CeremonyStatsSchema,
    phase: PhaseViewSchema,
  }),
);
export type QueueSnapshotView = z.infer<typeof QueueSnapshotSchema>;

// ---- administrators ----

export const AdminTargetSchema = named('AdminTarget', z.object({ identity: identityString.describe('identity string'), reason: z.string().max(500).default('').describe('why (recorded)') }).strict());
export const CloseRequestSchema = named('CloseRequest', z.object({ reason: z.string().min(1).max(500).describe('why (recorded)') }).strict());
/** The coordinator stretches the beacon in an activity that must heartbeat: at most 2^24 SHA-256 rounds (about 20 s). */
export const MAX_COORDINATOR_BEACON_ITERATIONS = Math.min(MAX_BEACON_ITERATIONS, 2 ** 24);
export const BeaconAnnouncementSchema = named(
  'BeaconAnnouncement',
  z
    .object({
      source: z.string().min(1).max(500).describe('where the value will come from, e.g. a future block hash'),
      iterations: z.number().int().min(1).max(MAX_COORDINATOR_BEACON_ITERATIONS).describe('SHA-256 iterations'),
    })
    .strict(),
);
export const FinaliseRequestSchema = named(
  'FinaliseRequest',
  z
    .object({
      beaconValueHex: z
        .string()
        .regex(/^0x(?:[0-9a-f]{2}){1,1024}$/, 'lowercase 0x-hex, 1 to 1024 bytes')
        .describe('the beacon value, lowercase 0x-hex'),
    })
    .strict(),
);
export const BanAnswerSchema = named('BanAnswer', z.object({ identity: text('identity string'), banned: z.boolean() }));
export const DropAnswerSchema = named('DropAnswer', z.object({ identity: text('identity string'), dropped: z.literal(true) }));
