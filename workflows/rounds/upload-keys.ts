// Where chunk contributions are staged. Every submission (one upload request) gets its own prefix,
// `chunk-uploads/<submission id>` with a 128-bit random id, so an object is never shared: a rejected
// upload can be deleted by key without touching another contribution with the same bytes (a
// contributor can upload its base, the previous contributor's accepted upload, back verbatim; under
// a shared prefix that is the same key). Round and attempt numbers are not enough: a ceremony
// restored from a backup runs a round and attempt again. Pure: imported by workflows and the API.
import { CHUNK_UPLOAD_PREFIX } from '../../store/keys.js';

const SUBMISSION_KEY = new RegExp(`^${CHUNK_UPLOAD_PREFIX}/[0-9a-f]{32}/[0-9a-f]{64}$`);

export function chunkSubmissionPrefix(submissionId: string): string {
  if (!/^[0-9a-f]{32}$/.test(submissionId)) throw new Error('a submission id is 32 lowercase hex digits');
  return `${CHUNK_UPLOAD_PREFIX}/${submissionId}`;
}

/** Whether the key is a chunk upload in its own submission prefix (`chunk-uploads/<id>/<sha256>`). */
export function isChunkSubmissionKey(key: string): boolean {
  return SUBMISSION_KEY.test(key);
}

/** Every key a round still reads: the chunks' bases and each remaining contribution's upload and base. */
export function keysInUse(chunks: ReadonlyArray<{ baseStateKey: string; contributions: ReadonlyArray<{ uploadKey: string; baseStateKey: string }> }>): Set<string> {
  const used = new Set<string>();
  for (const chunk of chunks) {
    used.add(chunk.baseStateKey);
    for (const c of chunk.contributions) {
      used.add(c.uploadKey);
      used.add(c.baseStateKey);
    }
  }
  return used;
}

/**
 * Of the uploads a round discards, those it may delete: each in its own submission prefix, and none
 * still in use. Never a chunk state (`chunks/...`) and never a key of the older shared layout
 * (`chunk-uploads/<sha256>`), which another contribution with the same bytes may hold.
 */
export function deletableUploads(keys: readonly string[], inUse: ReadonlySet<string>): string[] {
  return [...new Set(keys)].filter((key) => isChunkSubmissionKey(key) && !inUse.has(key));
}
