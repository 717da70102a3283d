// Tells a BatchTranscript from a BatchContribution (contribute --in takes either).
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';
import { resolveLimits } from '../limits.js';
import { batchContributionFromJson } from './parse-contribution.js';
import { batchTranscriptFromJson } from './parse-transcript.js';
import { parseJsonText } from './json-text.js';
import type { BatchContribution, BatchTranscript } from './types.js';

export type CeremonyDocument = { kind: 'transcript'; transcript: BatchTranscript } | { kind: 'contribution'; contribution: BatchContribution };

export function parseCeremonyDocument(text: string, limitOverrides?: Partial<InputLimits>): CeremonyDocument {
  const limits = resolveLimits(limitOverrides);
  try {
    const value = parseJsonText(text, limits);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (Object.hasOwn(value, 'transcripts')) return { kind: 'transcript', transcript: batchTranscriptFromJson(value, limits) };
      if (Object.hasOwn(value, 'contributions')) return { kind: 'contribution', contribution: batchContributionFromJson(value, limits) };
    }
    throw new InvalidInputError('INVALID_SCHEMA', '$: expected a BatchTranscript (transcripts) or a BatchContribution (contributions)');
  } catch (err) {
    throw err instanceof InvalidInputError ? err.withInput('input') : err;
  }
}
