// Every object-store key prefix, in one place. An object's key is `<prefix>/<sha256 of its bytes>`
// (uploads add a submission level below their prefix: the key rules are in workflows/*/upload-keys.ts).
// Pure, no imports: workflows, activities, the API and the CLI may all import it.

/** Sequential mode: contribution/complete bodies, staged per turn and submission. */
export const UPLOAD_PREFIX = 'uploads';
/** Rounds mode: chunk contributions, staged per submission. */
export const CHUNK_UPLOAD_PREFIX = 'chunk-uploads';

/** Sequential mode: each transcript after a contribution (BatchTranscript JSON). */
export const TRANSCRIPT_PREFIX = 'transcripts';
/** Sequential mode: the powers contribution/start hands out (BatchContribution JSON). */
export const POWERS_PREFIX = 'powers';
/** Signed receipts of either mode (GET /receipts/:id). */
export const RECEIPT_PREFIX = 'receipts';
/** Records: turn outcomes, round events, admin actions, refused verdicts. */
export const RECORD_PREFIX = 'records';
/** The records ledger's entries, each naming the previous one and its record. */
export const LEDGER_PREFIX = 'records-ledger';
/** Full pages of the records ledger. */
export const LEDGER_PAGE_PREFIX = 'records-pages';
/** Rounds mode: verified chunk states. */
export const CHUNK_STATE_PREFIX = 'chunks';
/** Rounds mode: verdicts on chunk contributions (the coordinator's or an external verifier's). */
export const VERIFICATION_PREFIX = 'verifications';
/** Rounds mode: each round's aggregated transcript. */
export const AGGREGATE_PREFIX = 'aggregates';
/** Rounds mode: ceremony backups taken after each round (POST /admin/rounds/restore). */
export const BACKUP_PREFIX = 'backups';

/** Rounds mode: the prefixes GET /rounds/objects/:prefix/:sha serves. */
export const PUBLIC_ROUND_PREFIXES = [CHUNK_STATE_PREFIX, CHUNK_UPLOAD_PREFIX, VERIFICATION_PREFIX, RECEIPT_PREFIX, RECORD_PREFIX, AGGREGATE_PREFIX] as const;
