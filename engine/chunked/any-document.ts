// A chunk's state may be stored as a ChunkState or as the ChunkContribution that produced it; this
// reads either as the state.
import { InvalidInputError } from '../errors.js';
import { chunkContributionFromJson, chunkStateFromJson, stateOf } from './format.js';
import { resolveChunkedLimits } from './layout.js';
import type { ChunkState } from './types.js';

export function chunkStateFromText(text: string): ChunkState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('MALFORMED_JSON', 'the chunk document is not valid JSON');
  }
  const limits = resolveChunkedLimits();
  if (typeof value === 'object' && value !== null && 'potPubkey' in value) return stateOf(chunkContributionFromJson(value, limits));
  return chunkStateFromJson(value, limits);
}
