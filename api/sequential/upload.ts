// contribution/complete's body: streamed into the store under a size bound, then checked (JSON,
// schema, sizes) before any workflow sees it. A bad upload is deleted: nothing half-written stays.
// Each request is staged under its own prefix (workflows/sequential/upload-keys.ts), so that delete,
// and the turn's delete of a rejected upload, can only ever remove this request's object.
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { CeremonyError } from '../../common/errors.js';
import { InvalidInputError } from '../../engine/errors.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import type { ObjectStore } from '../../store/index.js';
import type { SubCeremonySize } from '../../workflows/sequential/types.js';
import { submissionUploadPrefix } from '../../workflows/sequential/upload-keys.js';
import { checkStaged, declaredLength } from '../staged-object.js';

/** Stores the body under `uploads/<turnWorkflowId>/<fresh submission id>/<sha256>` and returns that key. */
export async function receiveContribution(ctx: Context, store: ObjectStore, turnWorkflowId: string, sizes: SubCeremonySize[], maxBytes: number): Promise<string> {
  declaredLength(ctx, maxBytes, 'the BatchContribution');
  let prefix: string;
  try {
    prefix = submissionUploadPrefix(turnWorkflowId, randomBytes(16).toString('hex'));
  } catch (err) {
    throw new CeremonyError('INTERNAL', (err as Error).message);
  }
  const stored = await store.put(prefix, ctx.req, { maxBytes, contentType: 'application/json' });
  await checkStaged(store, stored.key, async () => {
    let contribution;
    try {
      contribution = parseBatchContribution(Buffer.from(await store.getBytes(stored.key, maxBytes)).toString('utf8'));
    } catch (err) {
      if (err instanceof InvalidInputError) throw new CeremonyError(err.code === 'MALFORMED_JSON' ? 'MALFORMED_JSON' : 'VALIDATION_FAILED', err.message, { check: err.code });
      throw err;
    }
    const got = contribution.contributions.map((c) => `${c.numG1Powers}:${c.numG2Powers}`).join(',');
    const want = sizes.map((s) => `${s.numG1Powers}:${s.numG2Powers}`).join(',');
    if (got !== want) {
      throw new CeremonyError('WRONG_CONTRIBUTION_SIZE', `the contribution's sizes are ${got || '(none)'}; this ceremony's are ${want}`, { expected: want, got });
    }
    if (contribution.contributions.some((c) => c.potPubkey === undefined)) {
      throw new CeremonyError('VALIDATION_FAILED', 'every sub-ceremony needs a potPubkey', { check: 'INVALID_SCHEMA' });
    }
  });
  return stored.key;
}
