// Configuration of the ceremony itself: its mode, sizes and every duration of the sequential flow.
import { z } from 'zod';
import type { SubCeremonySize } from '../engine/format/types.js';

const ms = z.number().int().nonnegative();
const positiveMs = z.number().int().positive();

export const subCeremonySizeSchema = z
  .object({
    numG1Powers: z
      .number()
      .int()
      .min(2)
      .max(1 << 20),
    numG2Powers: z
      .number()
      .int()
      .min(2)
      .max(1 << 16),
  })
  .strict()
  .refine((s) => s.numG2Powers <= s.numG1Powers, { message: 'numG2Powers must not exceed numG1Powers' }) satisfies z.ZodType<SubCeremonySize>;

export const specSizes = [
  { numG1Powers: 4096, numG2Powers: 65 },
  { numG1Powers: 8192, numG2Powers: 65 },
  { numG1Powers: 16384, numG2Powers: 65 },
  { numG1Powers: 32768, numG2Powers: 65 },
];

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
    verificationTimeoutMs: positiveMs.default(120_000).describe("Longest one attempt of a contribution's verification activity may run (ms) before it is timed out and retried."),
  })
  .strict();

export const sequentialTimingSchema = sequentialTimingFields;

/**
 * The coordinator's pulse (workflows/availability): how it knows when it could not hear participants,
 * so that no one is removed or penalised for a deadline that passed during the coordinator's own outage.
 */
export const pulseConfigSchema = z
  .object({
    beatMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(2_000)
      .describe("How often (ms) every API replica tells the coordinator's pulse workflow it is up; the beats are how the coordinator knows when it could hear participants."),
    outageAfterMs: z
      .number()
      .int()
      .min(200)
      .max(600_000)
      .default(6_000)
      .describe(
        "A gap between beats longer than this (ms; at least twice beatMs) is an outage of the coordinator: every check-in, start and compute deadline that falls in or just after it is moved back by the outage's length, so no participant pays for the coordinator's own downtime.",
      ),
    recoveryMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(20_000)
      .describe(
        'After an outage of the coordinator ends, how long (ms) beyond the grace allowance every deadline still waits for the participant: long enough for a patient client between two tries (the reference clients try again at least every 15 s) and for the slow first answers while the workers catch up.',
      ),
  })
  .strict()
  .refine((p) => p.outageAfterMs >= 2 * p.beatMs, { message: 'outageAfterMs must be at least twice beatMs (one late beat is not an outage)', path: ['outageAfterMs'] });

export const roundsConfigSchema = z
  .object({
    numG1Powers: z
      .number()
      .int()
      .min(2)
      .max(1 << 20)
      .default(4096)
      .describe('Rounds mode: number of G1 powers of tau (n) of the vector being built.'),
    numG2Powers: z
      .number()
      .int()
      .min(2)
      .max(1 << 16)
      .default(65)
      .describe('Rounds mode: number of G2 powers of tau (m ≤ n) of the vector being built.'),
    chunkCount: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(8)
      .describe('Rounds mode: number of chunks the vector is split into; each contributor of a round works through every chunk, in parallel with the others.'),
    contributorsPerRound: z.number().int().min(1).max(1000).default(5).describe('Rounds mode: most contributors in one round; a round starts as soon as this many wait in the queue.'),
    roundFillWaitMs: ms.default(60_000).describe('Rounds mode: a round that is not full starts anyway once the oldest waiter has waited this long (ms).'),
    verification: z
      .enum(['coordinator', 'external'])
      .default('coordinator')
      .describe(
        'Rounds mode: who verifies chunk contributions: coordinator (its own activity workers on the verification task queue) or external (`bin/ceremony verifier` processes of verifierIdentities, holding leases).',
      ),
    verifierIdentities: z.array(z.string().min(3)).max(1000).default([]).describe('Rounds mode: identities allowed to act as external verifiers on /rounds/verifications.'),
    replacementIdentities: z.array(z.string().min(3)).max(1000).default([]).describe('Rounds mode: identities that stand by to take over the slot of a contributor dropped from a running round.'),
    heartbeatTimeoutMs: positiveMs
      .default(60_000)
      .describe('Rounds mode: a contributor or external verifier not heard from for this long (ms) is dropped; a standby replacement must have polled within it.'),
    slowTaskTimeoutMs: positiveMs.default(600_000).describe('Rounds mode: a contributor holding one chunk longer than this (ms) is dropped as slow.'),
    maxVerificationFailures: z.number().int().min(1).max(100).default(3).describe("Rounds mode: this many failed verifications of one contributor's uploads drop the contributor."),
    verificationLeaseMs: positiveMs.default(120_000).describe('Rounds mode: an external verifier must answer a leased verification within this long (ms), or the lease expires and counts against it.'),
    maxVerifierFailures: z.number().int().min(1).max(100).default(3).describe('Rounds mode: an external verifier whose leases expire this many times is dropped.'),
    sweepIntervalMs: positiveMs
      .default(5_000)
      .describe(
        "Rounds mode: the round's sweep (unresponsive or slow participants, expired verification leases) sleeps until the next deadline it enforces, never less than this (ms), and no longer than half the shortest of those timeouts when that is longer; a drop wakes it at once. So a deadline is enforced at most this late.",
      ),
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
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes')
      .default('main')
      .describe('Name of the ceremony (lowercase letters, digits, dashes; at most 40 characters): part of every workflow id (`ceremony-<id>…`) and written into receipts and records.'),
    mode: z
      .enum(['sequential', 'rounds'])
      .default('sequential')
      .describe(
        'Flow of the ceremony: sequential (one contributor at a time from a queue with check-ins) or rounds (groups of contributors working on chunks in parallel); chooses the workflows and API routes.',
      ),
    sizes: z
      .array(subCeremonySizeSchema)
      .min(1)
      .max(16)
      .default(specSizes)
      .describe('Sequential mode: the sub-ceremonies of the transcript, each `{numG1Powers, numG2Powers}` (numG2Powers ≤ numG1Powers); uploads of other sizes are refused.'),
    contributionsPerIdentity: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe('Sequential mode: how many contributions one identity may make; joining again after that is refused (ALREADY_CONTRIBUTED).'),
    sequential: sequentialTimingSchema.prefault({}),
    rounds: roundsConfigSchema.prefault({}),
    pulse: pulseConfigSchema.prefault({}),
  })
  .strict();

export type CeremonyConfig = z.infer<typeof ceremonyConfigSchema>;
export type SequentialTiming = z.infer<typeof sequentialTimingSchema>;
export type RoundsConfig = z.infer<typeof roundsConfigSchema>;
export type PulseConfig = z.infer<typeof pulseConfigSchema>;
