// The OpenAPI 3.1 document of the HTTP API, generated: the operations (api/openapi/operations.ts)
// name the contract schema of each body and answer (api/contracts/), and zod's JSON Schema output
// makes the components (api/openapi/components.ts); the error codes and their statuses come from
// common/errors.ts and the rate-limit exemptions from the configuration's defaults. GET /openapi.json
// serves it; docs/openapi.json is the same document (`npx tsx scripts/gen-openapi.ts > docs/openapi.json`),
// and test/api/openapi.test.ts checks both against the routers and real answers.
import Router from '@koa/router';
import { httpStatusFor, type ErrorCode } from '../common/errors.js';
import { rateLimitConfigSchema } from '../identity/auth-config.js';
import { ErrorBodySchema } from './contracts/errors.js';
import { componentSchemas, ref, type Schema } from './openapi/components.js';
import { bodyErrors, headerRef, OPENAPI_PATH, operations, sessionErrors, temporalErrors, withRequestId, type Operation } from './openapi/operations.js';

const API_VERSION = '0.1.0';
const SHA256 = '^[0-9a-f]{64}$';
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });

/** Koa's `/receipts/:id` as OpenAPI's `/receipts/{id}`. */
export function openApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Error responses by status; each distinct set of codes is a shared component (named by its codes). */
function errorResponses(codes: ErrorCode[], shared: Map<string, Schema>): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = httpStatusFor(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Schema> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = (byStatus.get(status) ?? []).sort();
    const headers: Record<string, Schema> = list.includes('RATE_LIMITED') ? { 'Retry-After': headerRef('RetryAfter') } : {};
    const name = list.join('.');
    shared.set(
      name,
      withRequestId(
        {
          description: list.join(', '),
          content: json({ allOf: [ref(ErrorBodySchema), { type: 'object', properties: { code: { enum: list } } }] }),
        },
        headers,
      ),
    );
    out[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function operationObject(op: Operation, exempt: ReadonlySet<string>, shared: Map<string, Schema>): Schema {
  const limited = !exempt.has(op.path);
  const codes: ErrorCode[] = [...op.errors, 'INTERNAL'];
  if (limited) codes.push('RATE_LIMITED');
  if (op.access !== 'public') codes.push(...sessionErrors);
  if (op.access === 'admin' || op.access === 'verifier') codes.push('FORBIDDEN');
  if (op.temporal === true) codes.push(...temporalErrors);
  if (op.store === true) codes.push('STORE_UNAVAILABLE');
  if (op.jsonBody === true) codes.push(...bodyErrors);
  const rateHeaders = limited ? { 'RateLimit-Policy': headerRef('RateLimitPolicy'), 'RateLimit-Remaining': headerRef('RateLimitRemaining') } : {};
  const success = Object.fromEntries(Object.entries(op.responses).map(([status, response]) => [status, { ...response, headers: { ...(response['headers'] as Schema | undefined), ...rateHeaders } }]));
  const description = [
    op.description,
    op.access === 'admin' ? 'Administrators only (identities listed in auth.admins).' : undefined,
    op.access === 'verifier' ? 'Verifiers only (identities listed in ceremony.rounds.verifierIdentities).' : undefined,
    limited ? undefined : 'Not rate limited.',
  ]
    .filter((s): s is string => s !== undefined)
    .join(' ');
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(description === '' ? {} : { description }),
    tags: [op.tag],
    security: op.access === 'public' ? [] : [{ bearer: [] }],
    ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
    ...(op.requestBody === undefined ? {} : { requestBody: op.requestBody }),
    responses: { ...success, ...errorResponses(codes, shared) },
  };
}

/** The OpenAPI 3.1 document of the whole HTTP API. */
export function openApiDocument(): object {
  const exempt = new Set(rateLimitConfigSchema.parse({}).exemptPaths);
  const paths: Record<string, Record<string, Schema>> = {};
  const shared = new Map<string, Schema>();
  const ops = operations();
  for (const op of ops) {
    const key = openApiPath(op.path);
    const item = (paths[key] ??= {});
    if (item[op.method] !== undefined) throw new Error(`duplicate operation ${op.method} ${key}`);
    item[op.method] = operationObject(op, exempt, shared);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ceremony coordinator API',
      version: API_VERSION,
      description:
        'Trusted-setup ceremony coordinator. The sequential participant API follows the Ethereum KZG ceremony (both name variants, lobby/* and queue/*, are served). ' +
        'Every error is JSON {code, message, details?} with a stable code (components.schemas.ErrorCode lists each code and its HTTP status); an unknown route is NOT_FOUND (404). ' +
        'Rate limits apply per client address and replica: login attempts, requests without a valid session, and requests with one (RATE_LIMITED, 429, with Retry-After). ' +
        'The sequential routes (lobby, queue, participant, contribution, transcript/{sequence}, admin) are served when ceremony.mode is sequential; ' +
        'the rounds-mode routes (/rounds/*, /admin/rounds/*) when it is rounds; the others (/transcript, /receipts/{id}, /ceremony/info, login, health) in both.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [
      { name: 'health', description: 'Probes and this document' },
      { name: 'auth', description: 'Login and session keys' },
      { name: 'ceremony', description: 'Ceremony information and status' },
      { name: 'lobby', description: 'Lobby and queue (lobby/* and queue/* are the same calls)' },
      { name: 'contribution', description: 'A turn: start, complete, abort' },
      { name: 'transcript', description: 'Transcripts and receipts' },
      { name: 'rounds', description: 'Rounds mode: round queue, tasks, chunk uploads, public objects' },
      { name: 'verification', description: 'Rounds mode: external verifiers' },
      { name: 'admin', description: 'Administrators (/admin/rounds/* in rounds mode)' },
      { name: 'web', description: 'The web front: the live page, the browser contributor, the receipt checker' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from POST /login or the GitHub callback; keys at /.well-known/jwks.json' },
      },
      responses: Object.fromEntries([...shared.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      headers: {
        RequestId: { description: 'request id (echoes a well-formed X-Request-Id)', schema: { type: 'string' } },
        RetryAfter: { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
        RateLimitPolicy: { description: '<limit>;w=<window seconds> of the limit this request counted against', schema: { type: 'string' } },
        RateLimitRemaining: { description: 'requests left in the window', schema: { type: 'integer', minimum: 0 } },
        Sequence: { description: 'number of contributions in the transcript', schema: { type: 'integer', minimum: 0 } },
        ETag: { description: 'quoted SHA-256 of the content', schema: { type: 'string' } },
        ContentSha256: { description: 'SHA-256 of the content', schema: { type: 'string', pattern: SHA256 } },
      },
      schemas: componentSchemas(),
    },
  };
}

/** The document as docs/openapi.json holds it. */
export function openApiJson(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

/** Serves GET /openapi.json. */
export function openApiRoutes(): Router {
  const router = new Router();
  const body = openApiJson();
  router.get(OPENAPI_PATH, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
