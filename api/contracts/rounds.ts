// The rounds-mode contract: information, status, the round queue, tasks, chunk uploads, external
// verifiers, and the administrators' calls. Answers are views the routes map from the gateway's results.
import { z } from 'zod';
import { BACKUP_PREFIX } from '../../store/keys.js';
import { JwksSchema } from './auth.js';
import { AccessView, PhaseViewSchema } from './ceremony.js';
import { count, epochMs, g1Hex, g2Hex, positive, sha256Hex, text } from './primitives.js';
import { named } from './registry.js';

export const RoundsCeremonyInfoSchema = named(
  'RoundsCeremonyInfo',
  z.object({
    ceremonyId: text('ceremony id'),
    mode: z.literal('rounds'),
    numG1Powers: z.number().int().min(2).describe('G1 powers'),
    numG2Powers: z.number().int().min(2).describe('G2 powers'),
    chunkCount: positive('chunks the vector is split into'),
    contributorsPerRound: positive('most contributors in one round'),
    verification: z.enum(['coordinator', 'external']).describe('who verifies chunk contributions'),
    receiptKeys: JwksSchema,
    receiptKeyFingerprints: AccessView.shape.receiptKeyFingerprints,
    sessionKeysUrl: AccessView.shape.sessionKeysUrl,
    logins: AccessView.shape.logins,
    phase: PhaseViewSchema.optional().describe('the admission in force (open, paused, closed), as in sequential mode; absent while the ceremony does not answer'),
  }),
);
export type RoundsCeremonyInfo = z.infer<typeof RoundsCeremonyInfoSchema>;

const memberId = text('participant id (a hash of the identity)');
const objectKey = text('object key (GET /rounds/objects/<key>)');
export const MemberSchema = named('Member', z.object({ id: memberId, identity: text('identity string') }));
export const DropEntrySchema = named(
  'DropEntry',
  z.object({
    memberId,
    identity: text('identity string'),
    role: z.enum(['contributor', 'verifier']).describe('role of the dropped participant'),
    reason: z.enum(['unresponsive', 'slow', 'verification-failures', 'admin', 'banned', 'verifier-failures']).describe('why'),
    at: epochMs('when'),
    removedContributions: z.array(text('contribution id')),
    replacedBy: text('participant id of the replacement').optional(),
  }),
);

export const RoundStatusSchema = named(
  'RoundStatus',
  z.object({
    round: positive('round number'),
    attempt: count('attempt of this round (restarts add one)'),
    phase: z.enum(['contributing', 'aggregating', 'complete', 'restarting', 'cancelled']).describe('round phase'),
    slots: z.array(
      z.object({
        slot: count('slot'),
        memberId,
        identity: text('identity string'),
        status: z.enum(['active', 'dropped', 'finished']).describe('slot status'),
        isReplacement: z.boolean(),
        done: count('verified chunks'),
        total: count('chunks to contribute to'),
        failures: count('failed verifications'),
      }),
    ),
    chunks: z.array(
      z.object({ index: count('chunk'), verified: count('verified contributions'), verifying: count('contributions being verified'), lockedBySlot: count('slot working on it').optional() }),
    ),
    verifiers: z.array(
      z.object({
        id: memberId,
        identity: text('identity string'),
        failures: count('failed or late verifications'),
        lastSeen: epochMs('last call'),
        status: z.enum(['active', 'dropped']).describe('verifier status'),
      }),
    ),
    pendingVerifications: count('contributions awaiting a verifier'),
    drops: z.array(DropEntrySchema),
    replacementsAvailable: count('replacement contributors standing by'),
    progress: z.object({ verifiedContributions: count('verified'), totalContributions: count('needed') }),
  }),
);

export const RoundsStatusSchema = named(
  'RoundsStatus',
  z.object({
    ceremonyId: text('ceremony id'),
    phase: z.enum(['initialising', 'waiting-for-contributors', 'round-running', 'finished']).describe('ceremony phase'),
    queue: z.array(MemberSchema).describe('waiting for a round, in order'),
    banned: z.array(memberId),
    completedRounds: count('rounds completed'),
    current: z.object({ round: positive('round'), attempt: count('attempt'), workflowId: text('round workflow id'), contributors: z.array(MemberSchema) }).nullable(),
    baseStateKeys: z.array(objectKey).describe('the verified state of each chunk the next contributions build on'),
    history: z.array(
      z.object({
        round: positive('round'),
        attempts: positive('attempts it took'),
        aggregatedKey: objectKey,
        aggregatedSha256: sha256Hex.describe('SHA-256 of the aggregated parameters'),
        finalStateKeys: z.array(objectKey),
        contributors: z.array(MemberSchema),
        receipts: z.array(z.object({ memberId, identity: text('identity string'), receiptId: text('receipt id') })),
        drops: z.array(DropEntrySchema),
        backupKey: text('ceremony backup taken after the round').optional(),
        completedAt: epochMs('completed'),
      }),
    ),
    restarts: z.array(z.object({ round: positive('round'), attempt: count('attempt'), reason: text('why'), at: epochMs('when') })),
    lastBackupKey: text('newest ceremony backup (POST /admin/rounds/restore)').optional(),
    admission: PhaseViewSchema.describe(
      'who may join the round queue (POST /admin/rounds/pause, /resume, /close): open; paused (no joins, no new round; a round under way, restarts included, runs to its end); closed (no joins; the queue drains, then the ceremony is finished). Never final in rounds mode',
    ),
    round: RoundStatusSchema.nullable(),
  }),
);

export type RoundsStatus = z.infer<typeof RoundsStatusSchema>;

export const RoundsJoinAnswerSchema = named('RoundsJoinAnswer', z.object({ position: positive('1-based place in the round queue'), round: positive('the round the queue fills next') }));
export const RoundsLeaveAnswerSchema = named('RoundsLeaveAnswer', z.object({ left: z.boolean().describe('whether the caller was queued') }));
export const RoundsHeartbeatAnswerSchema = named('RoundsHeartbeatAnswer', z.object({ ok: z.literal(true) }));

export const RoundsInstructionsSchema = named(
  'RoundsInstructions',
  z.object({
    round: positive('running round').nullable(),
    queuePosition: positive('1-based place in the round queue').nullable(),
    tasks: z.array(z.object({ chunk: count('chunk'), state: z.enum(['pending', 'in-progress', 'verifying', 'verified']).describe('your work on it') })),
    status: text(
      'not-in-queue or queued while no round runs; otherwise the round phase (contributing, aggregating, complete, restarting, cancelled), or not-in-round, dropped, standby (a replacement)',
    ),
  }),
);

const wait = { retryAfterMs: count('ask again after this long') };
const dropped = z.object({ action: z.literal('dropped'), reason: text('why you were dropped') });
export const TaskAnswerSchema = named(
  'TaskAnswer',
  z.discriminatedUnion('action', [
    z.object({
      action: z.literal('contribute'),
      round: positive('round'),
      chunk: count('chunk to contribute to: POST /rounds/contribution/{chunk}?base={baseStateKey}'),
      baseStateKey: text('the state to build on (download it from GET /rounds/objects/<baseStateKey>)'),
      contributionIndex: count('contributions the chunk already holds this round'),
    }),
    z.object({ action: z.literal('wait'), ...wait, reason: text('why') }),
    z.object({ action: z.literal('done'), round: positive('the round you completed') }),
    dropped,
    z.object({ action: z.literal('not-in-round') }),
  ]),
);

const chunkState = {
  chunkIndex: count('index of this chunk'),
  chunkCount: positive('chunks of the vector'),
  numG1Powers: z.number().int().min(2).describe('G1 powers of the whole vector'),
  numG2Powers: z.number().int().min(2).describe('G2 powers of the whole vector'),
  start: count("global index of the chunk's first G1 power"),
  end: count("global index of the chunk's last G1 power (inclusive)"),
  g1Powers: z.array(g1Hex.describe('[tau^i]_1, i = start..end')),
  g2Powers: z.array(g2Hex.describe('[tau^i]_2 (chunk 0 only; empty for the others)')),
  runningProduct: g1Hex.describe('[tau]_1'),
  tauG2: g2Hex.describe('[tau]_2'),
};
export const ChunkStateSchema = named('ChunkState', z.object(chunkState).strict(), 'The verified state of one chunk');
export const ChunkContributionSchema = named(
  'ChunkContribution',
  z
    .object({
      ...chunkState,
      potPubkey: g2Hex.describe('[x]_2 of the secret, the same in every chunk of one contributor in one round'),
      ladder: z.array(z.object({ g1: g1Hex.describe('[x^(2^k)]_1'), g2: g2Hex.describe('[x^(2^k)]_2') }).strict()),
      startChain: z.array(g1Hex.describe('one G1 point per set bit of start; empty for start 0')),
    })
    .strict(),
  'What a contributor uploads for one chunk: the next state and its proofs',
);
export const ChunkSubmittedSchema = named('ChunkSubmitted', z.object({ contributionId: text('contribution id'), status: z.literal('verifying') }));

export const VerificationTaskSchema = named(
  'VerificationTask',
  z.discriminatedUnion('action', [
    z.object({
      action: z.literal('verify'),
      contributionId: text('contribution to verify (POST /rounds/verifications/{contributionId})'),
      chunk: count('chunk'),
      baseStateKey: text('object key of the state it builds on'),
      uploadKey: text('object key of the upload'),
      expectedPubkey: g2Hex.describe("the contributor's [x]_2 from an earlier verified chunk; absent for its first").optional(),
    }),
    z.object({ action: z.literal('wait'), ...wait }),
    dropped,
  ]),
);

export const VerdictRequestSchema = named(
  'VerdictRequest',
  z.object({ signature: z.string().min(10).max(16_384).describe("compact JWS (EdDSA, the verifier's public key as jwk in the protected header) whose payload is a VerdictPayload") }).strict(),
);
export const VerdictPayloadSchema = named(
  'VerdictPayload',
  z
    .object({
      contributionId: z.string().min(1).max(200).describe('equal to the path parameter'),
      uploadKey: z.string().min(1).max(200).describe('the upload verified'),
      valid: z.boolean(),
      code: z.string().max(100).optional().describe('failed check, when invalid'),
      message: z.string().max(2_000).optional().describe('explanation, when invalid'),
      pubkey: g2Hex.optional().describe("the contributor's [x]_2 (required when valid)"),
    })
    .strict(),
  'The signed payload of a verdict',
);
export const VerdictAnswerSchema = named('VerdictAnswer', z.object({ accepted: z.boolean().describe('whether the verdict was applied') }));

export const RoundsRestartRequestSchema = named('RoundsRestartRequest', z.object({ reason: z.string().min(1).max(500).describe('why (recorded)') }).strict());
export const RoundsRestartAnswerSchema = named('RoundsRestartAnswer', z.object({ restarting: z.literal(true) }));
export const RoundsRestoreRequestSchema = named(
  'RoundsRestoreRequest',
  z
    .object({
      backupKey: z
        .string()
        .regex(new RegExp(`^${BACKUP_PREFIX}/[0-9a-f]{64}$`))
        .describe('a ceremony backup (lastBackupKey, history[].backupKey)'),
    })
    .strict(),
);
export const RoundsRestoreAnswerSchema = named('RoundsRestoreAnswer', z.object({ restored: text('the backup key') }));
