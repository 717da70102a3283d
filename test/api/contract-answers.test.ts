// Real answers against their contracts: on the real stack, each call's answer is checked with the
// zod schema that the OpenAPI document (generated from the same schemas) names for that operation and
// status. A route whose answer drifts from its contract (a field renamed, added to the view and not
// to the schema, a raw workflow state) fails here; openapi.test.ts checks the document against the code.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorBodySchema } from '../../api/contracts/errors.js';
import { contractNamed } from '../../api/contracts/registry.js';
import { openApiDocument, openApiPath } from '../../api/openapi.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

interface MediaType {
  schema?: { $ref?: string; oneOf?: Array<{ $ref?: string }> };
}
interface Response {
  $ref?: string;
  content?: Record<string, MediaType & { schema?: { allOf?: Array<{ properties?: { code?: { enum?: string[] } } }> } }>;
}
interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { responses: Record<string, Response> };
}
const doc = openApiDocument() as Doc;

/** The component names the document gives as the JSON answer of `method route` with `status`. */
function documentedSchemas(method: string, route: string, status: number): string[] {
  const media = doc.paths[openApiPath(route)]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json'];
  const refs = media?.schema?.oneOf ?? (media?.schema === undefined ? [] : [media.schema]);
  return refs.flatMap((r) => (r.$ref === undefined ? [] : [r.$ref.replace('#/components/schemas/', '')]));
}

/** Fails unless `body` fits (one of) the contract schema(s) the document names for this answer. */
function expectFitsContract(method: string, route: string, status: number, body: unknown): void {
  const ids = documentedSchemas(method, route, status);
  expect(ids.length, `the document names no JSON schema for ${method} ${route} ${status}`).toBeGreaterThan(0);
  const failures: string[] = [];
  for (const id of ids) {
    const schema = contractNamed(id);
    expect(schema, `${id} is not a registered contract schema`).toBeDefined();
    const parsed = schema?.safeParse(body);
    if (parsed?.success === true) {
      // zod leaves out the fields a schema does not declare: an answer that carries one is not its contract.
      expect(parsed.data, `${method} ${route} answers fields ${id} does not declare`).toEqual(body);
      return;
    }
    failures.push(`${id}: ${parsed?.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  expect.fail(`${method} ${route} answered ${JSON.stringify(body)}, which fits no contract: ${failures.join(' | ')}`);
}

/** The error codes the document lists for `method route` answering `status`. */
function documentedCodes(method: string, route: string, status: number): string[] {
  const ref = doc.paths[openApiPath(route)]?.[method.toLowerCase()]?.responses[String(status)]?.$ref ?? '';
  const shared = doc.components.responses[ref.replace('#/components/responses/', '')];
  return shared?.content?.['application/json']?.schema?.allOf?.flatMap((part) => part.properties?.code?.enum ?? []) ?? [];
}

/** Makes a call that must be refused with `code`: the answer is the Error contract, the code one the document lists. */
async function refused(url: string, c: Call, code: string): Promise<void> {
  const res = await send(url, c);
  const answer = (await res.json()) as unknown;
  const method = c.method ?? 'GET';
  expect(answer).toMatchObject({ code });
  expect(ErrorBodySchema.safeParse(answer).success, JSON.stringify(answer)).toBe(true);
  expect(documentedCodes(method, c.route, res.status), `${method} ${c.route} ${res.status}`).toContain(code);
}

interface Call {
  method?: 'GET' | 'POST';
  /** The route as the router declares it (`/receipts/:id`); `path` is the concrete one when it differs. */
  route: string;
  path?: string;
  token?: string;
  json?: unknown;
  body?: string;
}

function send(url: string, c: Call): Promise<globalThis.Response> {
  const headers: Record<string, string> = {};
  if (c.token !== undefined) headers['authorization'] = `Bearer ${c.token}`;
  const body = c.json === undefined ? c.body : JSON.stringify(c.json);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(new URL(c.path ?? c.route, url), { method: c.method ?? 'GET', headers, body });
}

/** Makes the call, expects 200, checks the answer against its contract and returns it. */
async function call<T = Record<string, unknown>>(url: string, c: Call): Promise<T> {
  const method = c.method ?? 'GET';
  const res = await send(url, c);
  const answer = (await res.json()) as unknown;
  expect(res.status, `${method} ${c.route}: ${JSON.stringify(answer)}`).toBe(200);
  expectFitsContract(method, c.route, 200, answer);
  return answer as T;
}

async function login(url: string, name: string): Promise<string> {
  return (await call<{ token: string }>(url, { method: 'POST', route: '/login', json: { provider: 'dev', name } })).token;
}

describe('sequential mode', () => {
  let stack: TestStack;
  let engine: Engine;

  beforeAll(async () => {
    stack = await startTestStack({
      ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }] },
      auth: { admins: ['dev|root'], rateLimits: { enabled: false } },
    });
    engine = await createEngine({ threads: 0 });
  });

  afterAll(async () => {
    await engine?.close();
    await stack?.stop();
  });

  it('answers the public calls as their contracts say', async () => {
    await call(stack.url, { route: '/healthz' });
    await call(stack.url, { route: '/readyz' });
    await call(stack.url, { route: '/.well-known/jwks.json' });
    const info = await call<{ mode: string; phase?: { phase: string } }>(stack.url, { route: '/ceremony/info' });
    expect(info.mode).toBe('sequential');
    expect(info.phase?.phase).toBe('open');
    await call(stack.url, { route: '/ceremony/status' });
    await vi.waitFor(async () => expect((await stack.gateway.snapshot(0)).head).not.toBeNull(), { timeout: 30_000, interval: 100 });
    await call(stack.url, { route: '/transcript' });
    await call(stack.url, { route: '/transcript/:sequence', path: '/transcript/0' });
    // Path parameters and queries are checked against their contracts too.
    await refused(stack.url, { route: '/transcript/:sequence', path: '/transcript/x1' }, 'BAD_REQUEST');
    await refused(stack.url, { route: '/records', path: '/records?page=-1' }, 'BAD_REQUEST');
    await refused(stack.url, { route: '/records', path: '/records?page=1&page=2' }, 'BAD_REQUEST');
    await refused(stack.url, { route: '/receipts/:id', path: '/receipts/not-a-hash' }, 'NOT_FOUND');
  });

  it('answers a participant through a whole turn, and an administrator, as their contracts say', async () => {
    const alice = await login(stack.url, 'alice');
    await call(stack.url, { route: '/auth/session', token: alice });
    const entered = await call<{ status: string }>(stack.url, { method: 'POST', route: '/lobby/enter', token: alice });
    expect(entered.status).toBe('ready');
    await call(stack.url, { method: 'POST', route: '/lobby/checkin', token: alice });
    await call(stack.url, { route: '/participant', token: alice });

    const powers = await call(stack.url, { method: 'POST', route: '/contribution/start', token: alice });
    const contribution = await contribute(engine, parseBatchContribution(JSON.stringify(powers)));
    const done = await call<{ outcome: string; receiptId: string }>(stack.url, {
      method: 'POST',
      route: '/contribution/complete',
      token: alice,
      body: serializeBatchContribution(contribution),
    });
    expect(done.outcome).toBe('accepted');
    await call(stack.url, { route: '/receipts/:id', path: `/receipts/${done.receiptId}` });
    await call(stack.url, { route: '/transcript/:sequence', path: '/transcript/1' });
    await call(stack.url, { route: '/records' });
    const status = await call<{ sequence: number; transcriptSha256: string | null }>(stack.url, { route: '/ceremony/status' });
    expect(status.sequence).toBe(1);

    const root = await login(stack.url, 'root');
    const snapshot = await call<Record<string, unknown>>(stack.url, { route: '/admin/status', token: root });
    // The view, not the workflow's snapshot: only the contract's fields.
    expect(Object.keys(snapshot).sort()).toEqual(['averageRoundTripMs', 'ceremonyId', 'current', 'head', 'lastRecordKey', 'phase', 'queue', 'queueLength', 'stats'].sort());
    await call(stack.url, { route: '/admin/participant/:identity', path: `/admin/participant/${encodeURIComponent('dev|alice')}`, token: root });
    await call(stack.url, { method: 'POST', route: '/admin/ban', token: root, json: { identity: 'dev|mallory', reason: 'test' } });
    await call(stack.url, { method: 'POST', route: '/admin/unban', token: root, json: { identity: 'dev|mallory' } });

    // Bob holds a turn while Carol waits, checks in and leaves; then Bob gives his turn up.
    await untilIdle(stack);
    const bob = await login(stack.url, 'bob');
    await call(stack.url, { method: 'POST', route: '/queue/join', token: bob });
    await call(stack.url, { method: 'POST', route: '/contribution/start', token: bob });
    const carol = await login(stack.url, 'carol');
    const waiting = await call<{ status: string }>(stack.url, { method: 'POST', route: '/queue/join', token: carol });
    expect(waiting.status).not.toBe('ready');
    await call(stack.url, { method: 'POST', route: '/queue/checkin', token: carol });
    const left = await call<{ status: string }>(stack.url, { method: 'POST', route: '/queue/leave', token: carol });
    expect(left.status).toBe('idle');
    const aborted = await call<{ outcome: string }>(stack.url, { method: 'POST', route: '/contribution/abort', token: bob });
    expect(aborted.outcome).toBe('aborted');

    // Refusals are the Error contract, with a code the document lists for that call.
    await refused(stack.url, { method: 'POST', route: '/lobby/checkin' }, 'UNAUTHENTICATED');
    await refused(stack.url, { route: '/admin/status', token: alice }, 'FORBIDDEN');
    await refused(stack.url, { method: 'POST', route: '/admin/ban', token: root, json: { identity: 'dev|mallory', extra: 1 } }, 'VALIDATION_FAILED');
    await refused(stack.url, { method: 'POST', route: '/admin/ban', token: root, body: '{"identity":' }, 'MALFORMED_JSON');
    await refused(stack.url, { route: '/receipts/:id', path: `/receipts/${'0'.repeat(64)}` }, 'NOT_FOUND');

    const closed = await call<{ phase: string }>(stack.url, { method: 'POST', route: '/admin/close', token: root, json: { reason: 'the test is over' } });
    expect(closed.phase).toBe('closed');
  });
});

describe('rounds mode', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      ceremony: { mode: 'rounds', rounds: { numG1Powers: 8, numG2Powers: 3, chunkCount: 2, contributorsPerRound: 1, roundFillWaitMs: 1_000 } },
      auth: { admins: ['dev|root'], rateLimits: { enabled: false } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers as its contracts say', async () => {
    const info = await call<{ mode: string }>(stack.url, { route: '/ceremony/info' });
    expect(info.mode).toBe('rounds');
    await call(stack.url, { route: '/rounds/status' });
    const dana = await login(stack.url, 'dana');
    await call(stack.url, { method: 'POST', route: '/rounds/join', token: dana });
    await call(stack.url, { route: '/rounds/instructions', token: dana });
    // One contributor fills a round: it runs once the ceremony has started it.
    await vi.waitFor(async () => expect((await call<{ round: number | null }>(stack.url, { route: '/rounds/instructions', token: dana })).round).toBe(1), {
      timeout: 30_000,
      interval: 200,
    });
    await call(stack.url, { route: '/rounds/status' });
    await call(stack.url, { method: 'POST', route: '/rounds/heartbeat', token: dana });
    const task = await call<{ action: string }>(stack.url, { method: 'POST', route: '/rounds/tasks/next', token: dana });
    expect(task.action).toBe('contribute');
    await refused(stack.url, { method: 'POST', route: '/rounds/verifications/next', token: dana }, 'FORBIDDEN');
    const root = await login(stack.url, 'root');
    await call(stack.url, { method: 'POST', route: '/admin/rounds/ban', token: root, json: { identity: 'dev|mallory' } });
    await call(stack.url, { method: 'POST', route: '/admin/rounds/unban', token: root, json: { identity: 'dev|mallory' } });
    await call(stack.url, { route: '/rounds/status' });
  });
});
