// Where contribution/complete bodies are staged. Every submission (one request) gets its own
// prefix, `uploads/<turn workflow id>/<submission id>`, so an object is never shared: a rejected
// upload can be deleted by key without touching an accepted contribution that has the same bytes
// (a replay of a public contribution has the same SHA-256, hence the same key under a shared prefix).
// Pure: imported by the turn workflow, the API and the activities.
import { UPLOAD_PREFIX } from '../../store/keys.js';

/** Declared in store/keys.ts; re-exported for the turn workflow. */
export { UPLOAD_PREFIX };

const SEGMENT = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const SUBMISSION_ID = /^[0-9a-f]{32}$/;

/** Everything staged for one turn lies under this prefix (one level per submission below it). */
export function turnUploadsPrefix(turnWorkflowId: string): string {
  if (!SEGMENT.test(turnWorkflowId)) throw new Error(`the turn workflow id ${JSON.stringify(turnWorkflowId)} is not a valid object key segment`);
  return `${UPLOAD_PREFIX}/${turnWorkflowId}`;
}

/** The prefix of one submission: its turn's prefix plus a 128-bit random id (32 lowercase hex digits). */
export function submissionUploadPrefix(turnWorkflowId: string, submissionId: string): string {
  if (!SUBMISSION_ID.test(submissionId)) throw new Error('a submission id is 32 lowercase hex digits');
  return `${turnUploadsPrefix(turnWorkflowId)}/${submissionId}`;
}

/** Whether the key is one submission's upload under this turn's prefix (`<prefix>/<id>/<sha256>`). */
export function isTurnUploadKey(key: string, turnPrefix: string): boolean {
  if (!key.startsWith(`${turnPrefix}/`)) return false;
  return /^[0-9a-f]{32}\/[0-9a-f]{64}$/.test(key.slice(turnPrefix.length + 1));
}
