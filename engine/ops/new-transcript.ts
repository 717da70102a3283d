// The initial BatchTranscript: every power is the generator, the witness holds
// the generators and one empty signature, the participant lists one empty entry.
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX } from '../curve/constants.js';
import { resolveLimits, type InputLimits } from '../limits.js';
import { assertValidSize } from '../format/sizes.js';
import type { BatchTranscript, SubCeremonySize } from '../format/types.js';
import { InvalidInputError } from '../errors.js';

export function newTranscript(sizes: readonly SubCeremonySize[], limitOverrides?: Partial<InputLimits>): BatchTranscript {
  const limits = resolveLimits(limitOverrides);
  if (sizes.length === 0 || sizes.length > limits.maxSubCeremonies) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `a transcript needs 1..${limits.maxSubCeremonies} sub-ceremonies, got ${sizes.length}`);
  }
  sizes.forEach((size, j) => assertValidSize(size, limits, j));
  return {
    transcripts: sizes.map(({ numG1Powers, numG2Powers }) => ({
      numG1Powers,
      numG2Powers,
      powersOfTau: {
        g1Powers: new Array<string>(numG1Powers).fill(G1_GENERATOR_HEX),
        g2Powers: new Array<string>(numG2Powers).fill(G2_GENERATOR_HEX),
      },
      witness: { runningProducts: [G1_GENERATOR_HEX], potPubkeys: [G2_GENERATOR_HEX], blsSignatures: [''] },
    })),
    participantIds: [''],
    participantEcdsaSignatures: [''],
  };
}
