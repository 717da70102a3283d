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

export const sequentialTimingSchema = z
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
  })
  .strict();

/**
 * The coordinator's pulse (workflows/availability): how it knows when it could not hear participants,
 * so that no one is removed or penalised for a deadline that passed during the coordinator's own outage.
 */
export const pulseConfigSchema = z
  .object({
    /** Every API replica sends the pulse a beat this often. */
    beatMs: z.number().int().min(100).max(60_000).default(2_000),
    /** A gap between beats longer than this is an outage: deadlines move back by its length. */
    outageAfterMs: z.number().int().min(200).max(600_000).default(6_000),
  })
  .strict()
  .refine((p) => p.outageAfterMs >= 2 * p.beatMs, { message: 'outageAfterMs must be at least twice beatMs (one late beat is not an outage)', path: ['outageAfterMs'] });

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
    pulse: pulseConfigSchema.prefault({}),
  })
  .strict();

export type CeremonyConfig = z.infer<typeof ceremonyConfigSchema>;
export type SequentialTiming = z.infer<typeof sequentialTimingSchema>;
export type SubCeremonySize = z.infer<typeof subCeremonySizeSchema>;
export type RoundsConfig = z.infer<typeof roundsConfigSchema>;
export type PulseConfig = z.infer<typeof pulseConfigSchema>;
