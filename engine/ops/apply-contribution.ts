// Appends a verified contribution to its transcript (sequencer spec, "Updating
// the transcript"): new powers, running product = G1 power 1, pubkey, the
// (pruned) signatures and the participant identity.
import { InvalidInputError } from '../errors.js';
import { isValidParticipantId } from '../format/identity-patterns.js';
import type { BatchTranscript } from '../format/types.js';
import type { Engine } from '../context.js';
import { keepSignatures, type SignaturePruner } from './identity-hooks.js';
import { verifyContribution, type VerifiedContribution } from './verify-contribution.js';
import type { BatchContribution } from '../format/types.js';

export interface ApplyOptions {
  /** `eth|0x…`, `git|id|@handle` or '' (default). */
  participantId?: string;
  /** Verifies and prunes identity signatures; default keeps them unchanged. */
  pruneSignatures?: SignaturePruner;
}

/** A new transcript; the inputs are not modified. */
export async function applyVerifiedContribution(verified: VerifiedContribution, options: ApplyOptions = {}): Promise<BatchTranscript> {
  const { transcript, contribution } = verified;
  const participantId = options.participantId ?? '';
  if (!isValidParticipantId(participantId)) {
    throw new InvalidInputError('INVALID_SCHEMA', `participant id '${participantId.slice(0, 80)}' is not an eth|0x… or git|id|@handle identity`);
  }
  const signatures = await (options.pruneSignatures ?? keepSignatures)(contribution, participantId);
  if (signatures.blsSignatures.length !== contribution.contributions.length) {
    throw new Error('signature pruner returned the wrong number of BLS signatures');
  }
  return {
    transcripts: transcript.transcripts.map((sub, j) => {
      const update = contribution.contributions[j];
      if (update === undefined || update.potPubkey === undefined) throw new Error('internal: applying an unverified contribution');
      return {
        numG1Powers: sub.numG1Powers,
        numG2Powers: sub.numG2Powers,
        powersOfTau: { g1Powers: [...update.powersOfTau.g1Powers], g2Powers: [...update.powersOfTau.g2Powers] },
        witness: {
          runningProducts: [...sub.witness.runningProducts, update.powersOfTau.g1Powers[1] as string],
          potPubkeys: [...sub.witness.potPubkeys, update.potPubkey],
          blsSignatures: [...sub.witness.blsSignatures, signatures.blsSignatures[j] ?? ''],
        },
      };
    }),
    participantIds: [...transcript.participantIds, participantId],
    participantEcdsaSignatures: [...transcript.participantEcdsaSignatures, signatures.ecdsaSignature],
  };
}

/** Verifies, then applies. Throws InvalidInputError when the contribution is invalid. */
export async function verifyAndApply(engine: Engine, transcript: BatchTranscript, contribution: BatchContribution, options: ApplyOptions = {}): Promise<BatchTranscript> {
  return applyVerifiedContribution(await verifyContribution(engine, transcript, contribution), options);
}
