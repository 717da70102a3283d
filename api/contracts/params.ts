// The path parameters and query strings the routes take: each route checks its own with
// validateParams / validateQuery (api/http/validate.ts), and the OpenAPI document describes them from
// the same schemas (api/openapi/operations.ts). Path parameters and query values arrive as strings;
// a schema that wants a number turns the checked string into one.
import { z } from 'zod';
import { CHUNK_STATE_PREFIX, CHUNK_UPLOAD_PREFIX, PUBLIC_ROUND_PREFIXES } from '../../store/keys.js';

const digits = (max: number, message: string) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${max}}$`), message)
    .transform(Number);
const sha256 = (description: string) =>
  z
    .string()
    .regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits')
    .describe(description);

/** GET /transcript/:sequence */
export const TranscriptParamsSchema = z.object({ sequence: digits(12, 'the sequence is a non-negative integer').describe('number of contributions') });

/** GET /receipts/:id (an id that is no SHA-256 names no receipt: NOT_FOUND) */
export const ReceiptParamsSchema = z.object({ id: sha256('receipt id') });

/** GET /records?page= */
export const RecordsQuerySchema = z.object({
  page: z
    .string()
    .regex(/^\d{1,9}$/, 'page is a non-negative integer')
    .default('0')
    .transform(Number)
    .describe('page number, from 0 (default 0)'),
});

/** The most contributions GET /ceremony/contributions lists at once. */
export const MAX_LATEST_CONTRIBUTIONS = 50;

/** GET /ceremony/contributions?limit= */
export const LatestContributionsQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,2}$/, 'limit is a whole number')
    .default('20')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_LATEST_CONTRIBUTIONS, `at most ${MAX_LATEST_CONTRIBUTIONS}`))
    .describe(`how many, newest first (1 to ${MAX_LATEST_CONTRIBUTIONS}, default 20)`),
});

/** GET /rounds/objects/:prefix/:sha (a key outside the public prefixes names no object: NOT_FOUND) */
export const RoundObjectParamsSchema = z.object({ prefix: z.enum(PUBLIC_ROUND_PREFIXES).describe('key prefix'), sha: sha256('SHA-256 of the object') });

/** GET /rounds/objects/chunk-uploads/:submission/:sha */
export const ChunkUploadObjectParamsSchema = z.object({
  submission: z
    .string()
    .regex(/^[0-9a-f]{32}$/, '32 lowercase hex digits')
    .describe('submission id'),
  sha: sha256('SHA-256 of the object'),
});

/** POST /rounds/contribution/:chunk?base= (base: a chunk state, or a chunk upload in either layout) */
const PASS_BASE = 'pass ?base=<the baseStateKey of your task>';
export const ChunkParamsSchema = z.object({ chunk: digits(5, 'the chunk is a non-negative integer').describe('chunk index') });
export const ChunkUploadQuerySchema = z.object({
  base: z
    .string({ error: PASS_BASE })
    .regex(new RegExp(`^(${CHUNK_STATE_PREFIX}|${CHUNK_UPLOAD_PREFIX}(/[0-9a-f]{32})?)/[0-9a-f]{64}$`), PASS_BASE)
    .describe('the baseStateKey of your task'),
});

/** POST /rounds/verifications/:contributionId */
export const VerdictParamsSchema = z.object({ contributionId: z.string().min(1).max(200).describe('contribution id from the verification task') });
