// Configuration of the ceremony itself: its mode, sizes and every duration of the sequential flow.
import { z } from 'zod';
import type { SubCeremonySize } from '../engine/format/types.js';

const ms = z.number().int().nonnegative();
const positiveMs = z.number().int().positive();

export const subCeremonySizeSchema = z
  .object({
    numG1Powers: z.number().int().min(2).max(1 << 20),
    numG2Powers: z.number().int().min(2).max(1 << 16),
  })
  .strict()
  .refine((s) => s.numG2Powers <= s.numG1Powers, { message: 'numG2Powers must not exceed numG1Powers' }) satisfies z.ZodType<SubCeremonySize>;

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
    firstCheckinLeadMs: positiveMs.default(2 * 3600_000).describe('First check-in deadline, this many ms before the estimated start of the turn (when that moment is still ahead).'),
    maxCheckinIntervalMs: positiveMs.default(3600_000).describe('Longest interval between check-ins (ms); otherwise half the expected wait.'),
    halvingBelowWaitMs: positiveMs.default(3600_000).describe('Below this expected wait (ms), each check-in interval is half the previous one, down to minCheckinIntervalMs.'),
    minCheckinIntervalMs: positiveMs.default(5_000).describe('Shortest interval between check-ins (ms), also the poll interval of the participant next in line.'),
    checkinGraceMs: ms.default(5_000).describe('Allowance for latency and clock skew (ms) after a check-in, start or compute deadline before the participant is removed or loses the turn.'),
    startWindowMs: positiveMs.default(15_000).describe('Time (ms) to call contribution/start after the check-in that answered ready; missed, the slot goes to the next participant.'),
    computeDeadlineMs: positiveMs.default(180_000).describe('Time (ms) from contribution/start to a completed upload; missed, the slot goes to the next participant.'),
    initialRoundTripMs: positiveMs.default(60_000).describe('Round trip of one turn (compute + verification, ms) assumed for wait estimates before any turn has been measured.'),
    roundTripWindow: z.number().int().min(1).max(1000).default(20).describe('How many recent turns the average round trip (used for wait estimates and check-in deadlines) is taken over.'),
    rejoinPenaltyMs: ms.default(600_000).describe('After losing a slot by a timeout, a missed check-in or an invalid contribution, rejoining the queue waits this long (ms).'),
    abortPenaltyMs: ms.default(0).describe('After a voluntary abort or leave, rejoining the queue waits this long (ms; 0: at once).'),
    verificationTimeoutMs: positiveMs.default(120_000).describe('Longest one attempt of a contribution\'s verification activity may run (ms) before it is timed out and retried.'),
    lobbyShards: z.number().int().min(1).max(256).default(1).describe('Number of lobby shards (workflows `ceremony-<id>-lobby-<n>-e<epoch>`, one per epoch) holding the check-in deadlines, participants spread over them by id (1–256); each holds up to 7 000 waiting participants, so the queue holds lobbyShards x 7 000 (at most 100 000). Set it when the ceremony starts: it is part of every workflow input.'),
    lobbyEpochMs: z.number().int().min(2_000).max(3_600_000).default(30_000).describe('Length (ms) of one lobby epoch: each lobby shard keeps its table in one workflow per epoch, which hands it to the next and completes. One API replica sends an epoch at most lobbyEpochMs / checkinBatchMs check-in batches (1 500 with the defaults), each a signal of about 4 history events; this must stay at most 2 000, as Temporal takes 10 000 signals per workflow run (so five replicas fit; with more, shorten the epoch).'),
    lobbyEpochOverlapMs: ms.max(60_000).default(5_000).describe('Allowance (ms) for clock skew between API replicas at lobby epoch boundaries: an epoch takes late check-ins this long after its end (forwarding them to the next epoch) and then hands its table over; until then the next epoch forwards the check-ins it takes back to it, so removals stay on time across the boundary. At most a quarter of lobbyEpochMs.'),
    checkinBatchMs: ms.max(1_000).default(20).describe('How often at most (ms, ≤ 1000) the API sends one lobby shard a signal carrying every check-in that came meanwhile (0: as soon as a batch may leave).'),
    checkinBatchesInFlight: z.number().int().min(1).max(16).default(4).describe('Check-in batches (signals) to one lobby shard that one API replica may have on their way at once; with more than one, a check-in waits for the batch window and its own signal only, not for the one before it.'),
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
    numG1Powers: z.number().int().min(2).max(1 << 20).default(4096).describe('Rounds mode: number of G1 powers of tau (n) of the vector being built.'),
    numG2Powers: z.number().int().min(2).max(1 << 16).default(65).describe('Rounds mode: number of G2 powers of tau (m ≤ n) of the vector being built.'),
    chunkCount: z.number().int().min(1).max(4096).default(8).describe('Rounds mode: number of chunks the vector is split into; each contributor of a round works through every chunk, in parallel with the others.'),
    contributorsPerRound: z.number().int().min(1).max(1000).default(5).describe('Rounds mode: most contributors in one round; a round starts as soon as this many wait in the queue.'),
    roundFillWaitMs: ms.default(60_000).describe('Rounds mode: a round that is not full starts anyway once the oldest waiter has waited this long (ms).'),
    verification: z.enum(['coordinator', 'external']).default('coordinator').describe('Rounds mode: who verifies chunk contributions: coordinator (its own activity workers on the verification task queue) or external (`bin/ceremony verifier` processes of verifierIdentities, holding leases).'),
    verifierIdentities: z.array(z.string().min(3)).max(1000).default([]).describe('Rounds mode: identities allowed to act as external verifiers on /rounds/verifications.'),
    replacementIdentities: z.array(z.string().min(3)).max(1000).default([]).describe('Rounds mode: identities that stand by to take over the slot of a contributor dropped from a running round.'),
    heartbeatTimeoutMs: positiveMs.default(60_000).describe('Rounds mode: a contributor or external verifier not heard from for this long (ms) is dropped; a standby replacement must have polled within it.'),
    slowTaskTimeoutMs: positiveMs.default(600_000).describe('Rounds mode: a contributor holding one chunk longer than this (ms) is dropped as slow.'),
    maxVerificationFailures: z.number().int().min(1).max(100).default(3).describe('Rounds mode: this many failed verifications of one contributor\'s uploads drop the contributor.'),
    verificationLeaseMs: positiveMs.default(120_000).describe('Rounds mode: an external verifier must answer a leased verification within this long (ms), or the lease expires and counts against it.'),
    maxVerifierFailures: z.number().int().min(1).max(100).default(3).describe('Rounds mode: an external verifier whose leases expire this many times is dropped.'),
    sweepIntervalMs: positiveMs.default(5_000).describe('Rounds mode: how often (ms) a round looks for unresponsive or slow participants and expired verification leases.'),
    maxRounds: z.number().int().min(0).default(0).describe('Rounds mode: stop after this many completed rounds (0: no limit).'),
  })
  .strict()
  .refine((r) => r.numG2Powers <= r.numG1Powers, { message: 'numG2Powers must not exceed numG1Powers' })
  .refine((r) => !r.verifierIdentities.some((v) => r.replacementIdentities.includes(v)), {
    message: 'an identity cannot be both a verifier and a replacement contributor: no one verifies their own work',
    path: ['replacementIdentities'],
  });

export const ceremonyConfigSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes').default('main').describe('Name of the ceremony (lowercase letters, digits, dashes; at most 40 characters): part of every workflow id (`ceremony-<id>…`) and written into receipts and records.'),
    mode: z.enum(['sequential', 'rounds']).default('sequential').describe('Flow of the ceremony: sequential (one contributor at a time from a queue with check-ins) or rounds (groups of contributors working on chunks in parallel); chooses the workflows and API routes.'),
    sizes: z.array(subCeremonySizeSchema).min(1).max(16).default(specSizes).describe('Sequential mode: the sub-ceremonies of the transcript, each `{numG1Powers, numG2Powers}` (numG2Powers ≤ numG1Powers); uploads of other sizes are refused.'),
    contributionsPerIdentity: z.number().int().min(1).max(1000).default(1).describe('Sequential mode: how many contributions one identity may make; joining again after that is refused (ALREADY_CONTRIBUTED).'),
    sequential: sequentialTimingSchema.prefault({}),
    rounds: roundsConfigSchema.prefault({}),
  })
  .strict();

export type CeremonyConfig = z.infer<typeof ceremonyConfigSchema>;
export type SequentialTiming = z.infer<typeof sequentialTimingSchema>;
export type RoundsConfig = z.infer<typeof roundsConfigSchema>;
