// Configuration of the ceremony itself: its mode, sizes and every duration of the sequential flow.
import { z } from 'zod';

const ms = z.number().int().nonnegative();
const positiveMs = z.number().int().positive();

export const subCeremonySizeSchema = z
  .object({
    numG1Powers: z.number().int().min(2).max(1 << 20),
    numG2Powers: z.number().int().min(2).max(1 << 16),
  })
  .strict()
  .refine((s) => s.numG2Powers <= s.numG1Powers, { message: 'numG2Powers must not exceed numG1Powers' });

export const specSizes = [
  { numG1Powers: 4096, numG2Powers: 65 },
  { numG1Powers: 8192, numG2Powers: 65 },
  { numG1Powers: 16384, numG2Powers: 65 },
  { numG1Powers: 32768, numG2Powers: 65 },
];

/**
 * Check-in batches one API replica may send one lobby epoch: a fifth of Temporal's default limit of
 * 10 000 signals per workflow run (history.maximumSignalsPerExecution), so five replicas fit.
 */
export const MAX_BATCHES_PER_EPOCH = 2_000;

/** The sequential flow's durations, field by field (sequentialTimingSchema adds the checks across fields). */
export const sequentialTimingFields = z
  .object({
    /** First check-in deadline: this long before the estimated start. */
    firstCheckinLeadMs: positiveMs.default(2 * 3600_000),
    /** Longest interval between check-ins. */
    maxCheckinIntervalMs: positiveMs.default(3600_000),
    /** Below this expected wait, each check-in interval halves. */
    halvingBelowWaitMs: positiveMs.default(3600_000),
    /** Shortest interval between check-ins (also the head-of-queue poll interval). */
    minCheckinIntervalMs: positiveMs.default(5_000),
    /** Allowance for latency and clock skew after a check-in deadline before removal. */
    checkinGraceMs: ms.default(5_000),
    /** Time to call contribution/start after the check-in that said `ready`. */
    startWindowMs: positiveMs.default(15_000),
    /** Time from contribution/start to a completed upload. */
    computeDeadlineMs: positiveMs.default(180_000),
    /** Round trip (compute + verification) assumed before any turn has been measured. */
    initialRoundTripMs: positiveMs.default(60_000),
    /** How many recent turns the average round trip is taken over. */
    roundTripWindow: z.number().int().min(1).max(1000).default(20),
    /** After losing a slot by a timeout or an invalid contribution, rejoining waits this long. */
    rejoinPenaltyMs: ms.default(600_000),
    /** After a voluntary abort or leave, rejoining waits this long. */
    abortPenaltyMs: ms.default(0),
    /** Longest a verification may take before the turn fails over to a retry. */
    verificationTimeoutMs: positiveMs.default(120_000),
    /**
     * Workflows the lobby's liveness table (check-in deadlines) is split over, by participant id; each
     * holds up to 7 000 waiting participants (the KZG sequencer capped its lobby at 1 000). More shards
     * hold more, at the price of more Temporal signals per second (docs/performance.md).
     */
    lobbyShards: z.number().int().min(1).max(256).default(1),
    /**
     * Each lobby shard's table lives in one workflow per epoch of this length (by the API replicas'
     * clocks), which hands it to the next epoch's workflow and completes. One API replica sends an
     * epoch at most lobbyEpochMs / checkinBatchMs batches (1 500 with the defaults), each a signal
     * and about 4 history events: at most 2 000, as Temporal takes 10 000 signals per run.
     */
    lobbyEpochMs: z.number().int().min(2_000).max(3_600_000).default(30_000),
    /**
     * Allowance for clock skew between API replicas and for batches in flight at an epoch's boundary: an
     * epoch takes late batches this long after its end, then hands its table to the next epoch, which
     * until then forwards the batches it takes back to it (removals stay on time across the boundary).
     */
    lobbyEpochOverlapMs: ms.max(60_000).default(5_000),
    /** The API sends check-ins to a lobby shard at most this often (one signal carries all that came meanwhile). */
    checkinBatchMs: ms.max(1_000).default(20),
    /**
     * Check-in batches to one lobby shard that may be on their way at once (per API replica): a
     * check-in then waits for the batch window and its own signal, not for the signal before it.
     */
    checkinBatchesInFlight: z.number().int().min(1).max(16).default(4),
  })
  .strict();

export const sequentialTimingSchema = sequentialTimingFields
  .refine((t) => t.lobbyEpochOverlapMs * 4 <= t.lobbyEpochMs, {
    message: 'lobbyEpochOverlapMs must be at most a quarter of lobbyEpochMs',
    path: ['lobbyEpochOverlapMs'],
  })
  .refine((t) => t.lobbyEpochMs / Math.max(1, t.checkinBatchMs) <= MAX_BATCHES_PER_EPOCH, {
    message: `one API replica may send an epoch at most ${MAX_BATCHES_PER_EPOCH} check-in batches (lobbyEpochMs / checkinBatchMs): Temporal takes at most 10 000 signals per workflow run`,
    path: ['lobbyEpochMs'],
  });

export const roundsConfigSchema = z
  .object({
    numG1Powers: z.number().int().min(2).max(1 << 20).default(4096),
    numG2Powers: z.number().int().min(2).max(1 << 16).default(65),
    chunkCount: z.number().int().min(1).max(4096).default(8),
    /** REQ-3: contributors per round (the seed's "up to 5"; any number of at least 1 works). */
    contributorsPerRound: z.number().int().min(1).max(1000).default(5),
    roundFillWaitMs: ms.default(60_000),
    verification: z.enum(['coordinator', 'external']).default('coordinator'),
    verifierIdentities: z.array(z.string().min(3)).max(1000).default([]),
    replacementIdentities: z.array(z.string().min(3)).max(1000).default([]),
    heartbeatTimeoutMs: positiveMs.default(60_000),
    slowTaskTimeoutMs: positiveMs.default(600_000),
    maxVerificationFailures: z.number().int().min(1).max(100).default(3),
    verificationLeaseMs: positiveMs.default(120_000),
    maxVerifierFailures: z.number().int().min(1).max(100).default(3),
    sweepIntervalMs: positiveMs.default(5_000),
    maxRounds: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((r) => r.numG2Powers <= r.numG1Powers, { message: 'numG2Powers must not exceed numG1Powers' })
  .refine((r) => !r.verifierIdentities.some((v) => r.replacementIdentities.includes(v)), {
    message: 'an identity cannot be both a verifier and a replacement contributor: no one verifies their own work',
    path: ['replacementIdentities'],
  });

export const ceremonyConfigSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes').default('main'),
    mode: z.enum(['sequential', 'rounds']).default('sequential'),
    sizes: z.array(subCeremonySizeSchema).min(1).max(16).default(specSizes),
    contributionsPerIdentity: z.number().int().min(1).max(1000).default(1),
    sequential: sequentialTimingSchema.prefault({}),
    rounds: roundsConfigSchema.prefault({}),
  })
  .strict();

export type CeremonyConfig = z.infer<typeof ceremonyConfigSchema>;
export type SequentialTiming = z.infer<typeof sequentialTimingSchema>;
export type SubCeremonySize = z.infer<typeof subCeremonySizeSchema>;
export type RoundsConfig = z.infer<typeof roundsConfigSchema>;
