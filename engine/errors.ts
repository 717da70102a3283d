// Typed failures of the powers-of-tau engine. Every rejection of an input (a ceremony document,
// point, size or secret that is not valid) is an InvalidInputError with a stable code; the API and
// the CLI map codes, never messages.

export const ERROR_CODES = [
  // Input envelope
  'FILE_TOO_LARGE',
  'MALFORMED_JSON',
  'INVALID_SCHEMA',
  'LIMIT_EXCEEDED',
  'BAD_HEX',
  // Counts
  'WRONG_COUNT',
  // Points
  'INVALID_POINT',
  'NOT_IN_SUBGROUP',
  'PUBKEY_AT_INFINITY',
  // A contribution whose secret is 1: its pubkey is the generator and its powers are the previous ones
  'NO_OP_CONTRIBUTION',
  'FIRST_POWER_NOT_GENERATOR',
  // Pairing checks of a contribution
  'TAU_UPDATE_MISMATCH',
  'G1_POWERS_NOT_CONSECUTIVE',
  'G2_POWERS_MISMATCH',
  // Transcript history
  'WITNESS_START_MISMATCH',
  'RUNNING_PRODUCT_MISMATCH',
  'POWERS_WITNESS_MISMATCH',
  'INVALID_IDENTITY_SIGNATURE',
  // Contribute inputs
  'INVALID_SECRET',
  // Chunked format (engine/chunked): checks of one chunk contribution
  'CHUNK_LAYOUT_MISMATCH',
  'POINT_AT_INFINITY',
  'PUBKEY_MISMATCH',
  'TAU_G1_G2_MISMATCH',
  'LADDER_MISMATCH',
  'START_CHAIN_MISMATCH',
  'CHUNK_START_MISMATCH',
  // Chunked format: aggregation
  'CHUNK_MISSING',
  'CHUNK_DUPLICATE',
  'SEAM_MISMATCH',
  'CHUNK_TAU_MISMATCH',
  // Beacon finalisation (engine/beacon)
  'BEACON_MISMATCH',
] as const;

export type InputErrorCode = (typeof ERROR_CODES)[number];

/** Which input a failure was found in (a command can read two files). */
export type InputRole = 'transcript' | 'contribution' | 'input';

export interface InvalidInputDetails {
  /** Index of the sub-ceremony (0-based) the failure is in, when there is one. */
  subCeremony?: number;
  /** Index of the point (or of the contribution in a witness chain), when there is one. */
  pointIndex?: number;
  /** Which input the failure was found in. */
  input?: InputRole;
  /** JSON path of the offending value, e.g. `contributions[1].powersOfTau.G1Powers[7]`. */
  path?: string;
}

export class InvalidInputError extends Error {
  readonly code: InputErrorCode;
  readonly subCeremony: number | undefined;
  readonly pointIndex: number | undefined;
  readonly input: InputRole | undefined;
  readonly path: string | undefined;

  constructor(code: InputErrorCode, message: string, details: InvalidInputDetails = {}) {
    super(message);
    this.name = 'InvalidInputError';
    this.code = code;
    this.subCeremony = details.subCeremony;
    this.pointIndex = details.pointIndex;
    this.input = details.input;
    this.path = details.path;
  }

  /** The same failure attributed to one input file. */
  withInput(input: InputRole): InvalidInputError {
    if (this.input !== undefined) return this;
    return new InvalidInputError(this.code, this.message, {
      subCeremony: this.subCeremony,
      pointIndex: this.pointIndex,
      path: this.path,
      input,
    });
  }

  /** A flat JSON-safe view, as printed by the CLI and returned by the API. */
  toJSON(): Record<string, string | number> {
    const out: Record<string, string | number> = { code: this.code, message: this.message };
    if (this.subCeremony !== undefined) out.subCeremony = this.subCeremony;
    if (this.pointIndex !== undefined) out.pointIndex = this.pointIndex;
    if (this.input !== undefined) out.input = this.input;
    if (this.path !== undefined) out.path = this.path;
    return out;
  }
}

export function isInvalidInputError(value: unknown): value is InvalidInputError {
  return value instanceof InvalidInputError;
}
