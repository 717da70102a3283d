// Bounds applied to every input before any heavy work, so a hostile file cannot
// exhaust memory or time. All of them can be overridden per call.

export interface InputLimits {
  /** Largest file accepted, in bytes (checked before reading and on the text). */
  maxFileBytes: number;
  /** Largest number of sub-ceremonies in one batch. */
  maxSubCeremonies: number;
  /** Largest numG1Powers of one sub-ceremony. */
  maxG1Powers: number;
  /** Largest numG2Powers of one sub-ceremony. */
  maxG2Powers: number;
  /** Largest number of contributions recorded in a transcript witness. */
  maxContributions: number;
  /** Longest participant id string. */
  maxParticipantIdLength: number;
}

export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024 * 1024,
  maxSubCeremonies: 16,
  maxG1Powers: 1 << 16,
  maxG2Powers: 1 << 12,
  maxContributions: 1_000_000,
  maxParticipantIdLength: 128,
});

export function resolveLimits(overrides?: Partial<InputLimits>): InputLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
