// A stored chunk upload checked before the round sees it: JSON, the chunked format, and the chunk,
// chunk count and size the ceremony and the URL name. Engine failures become API errors with the
// engine's check as detail.
import { CeremonyError } from '../../common/errors.js';
import { G2_GENERATOR_HEX } from '../../engine/curve/constants.js';
import { parseChunkContribution } from '../../engine/chunked/format.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { ObjectStore } from '../../store/index.js';
import type { RoundsSettings } from '../../workflows/rounds/types.js';

export async function checkChunkUpload(store: ObjectStore, key: string, chunk: number, settings: Pick<RoundsSettings, 'chunkCount' | 'numG1Powers'>, maxBytes: number): Promise<void> {
  let contribution;
  try {
    contribution = parseChunkContribution(Buffer.from(await store.getBytes(key, maxBytes)).toString('utf8'));
  } catch (err) {
    if (err instanceof InvalidInputError) throw new CeremonyError(err.code === 'MALFORMED_JSON' ? 'MALFORMED_JSON' : 'VALIDATION_FAILED', err.message, { check: err.code });
    throw err;
  }
  // Refused here too, not only by the verifiers (an external verifier may run an older engine).
  if (contribution.potPubkey.toLowerCase() === G2_GENERATOR_HEX) {
    throw new CeremonyError('INVALID_CONTRIBUTION', "the contribution's pubkey is the G2 generator (a secret of 1): it changes nothing", { check: 'NO_OP_CONTRIBUTION' });
  }
  if (contribution.chunkIndex !== chunk || contribution.chunkCount !== settings.chunkCount || contribution.numG1Powers !== settings.numG1Powers) {
    throw new CeremonyError(
      'WRONG_CONTRIBUTION_SIZE',
      `the upload is chunk ${contribution.chunkIndex} of ${contribution.chunkCount} (n=${contribution.numG1Powers}); expected chunk ${chunk} of ${settings.chunkCount} (n=${settings.numG1Powers})`,
    );
  }
}
