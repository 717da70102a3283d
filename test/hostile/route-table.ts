// The hostile requests every route of either ceremony mode is put through, on a running stack: who
// may call it (no token, seven kinds of forged token), which methods, which spellings of its path,
// which bodies; then random request shapes (fast-check). Whatever is sent, the answer keeps the
// invariant of expectWellFormed: never a 5xx, every error JSON {code, message} with its own status.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearer, codeOf, deeplyNested, expectWellFormed, json, send, type ForgedTokens, type Route } from './hostile-http.js';

export interface TableContext {
  url: string;
  participantToken: string;
  adminToken: string;
  forged: ForgedTokens;
}

/** The api.maxJsonBytes both hostile suites run with: one body is twice as large. */
export const MAX_JSON_FOR_TABLES = 4 * 1024;

export function hostileRouteTable(ROUTES: Route[], ctx: () => TableContext): void {
  // For every route: who may call it, with which tokens, which methods, which path spellings and which
  // bodies. Names say what each request sends.
  const tokenKinds = ['badSignature', 'algNone', 'algConfusion', 'otherKey', 'expired', 'otherAudience', 'garbage'] as const;

  describe.each(ROUTES.map((r) => [`${r.method} ${r.template}`, r] as const))('every route: %s', (_name, route) => {
    it('with no token: well-formed, and 401 UNAUTHENTICATED where a session is needed', async () => {
      const answer = await codeOf(ctx().url, { method: route.method, path: route.path, headers: json, ...(route.method === 'POST' ? { body: '{}' } : {}) });
      if (answer.status === 401) expect(answer.code).toBe('UNAUTHENTICATED');
    });

    it.each(tokenKinds)('with a forged token (%s): never accepted where a session is needed', async (kind) => {
      const anonymous = await codeOf(ctx().url, { method: route.method, path: route.path, headers: json, ...(route.method === 'POST' ? { body: '{}' } : {}) });
      const answer = await codeOf(ctx().url, { method: route.method, path: route.path, headers: { ...json, ...bearer(ctx().forged[kind]) }, ...(route.method === 'POST' ? { body: '{}' } : {}) });
      if (anonymous.status === 401) {
        expect(answer.status).toBe(401);
        expect(answer.code).toBe(kind === 'expired' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
      }
    });

    it.each(['PUT', 'PATCH', 'DELETE', 'PROPFIND'])('with method %s: 405 METHOD_NOT_ALLOWED as JSON', async (method) => {
      expect(await codeOf(ctx().url, { method, path: route.path, headers: bearer(ctx().participantToken) })).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    });

    it('spelled in upper case and with a trailing slash: the same route answers', async () => {
      const plain = await codeOf(ctx().url, { method: route.method, path: route.path, headers: json, ...(route.method === 'POST' ? { body: '{}' } : {}) });
      for (const spelled of [route.path.toUpperCase(), `${route.path}/`]) {
        const other = await codeOf(ctx().url, { method: route.method, path: spelled, headers: json, ...(route.method === 'POST' ? { body: '{}' } : {}) });
        if (plain.code === 'UNAUTHENTICATED') expect(other.code, spelled).toBe('UNAUTHENTICATED');
      }
    });
  });

  const hostileBodies: Array<[string, string | Buffer, Record<string, string>]> = [
    ['malformed JSON', '{"provider":', json],
    ['JSON nested 100 000 levels deep', deeplyNested(100_000), json],
    ['a body over api.maxJsonBytes', JSON.stringify({ pad: 'x'.repeat(MAX_JSON_FOR_TABLES * 2) }), json],
    ['a JSON body declared text/plain', '{}', { 'content-type': 'text/plain' }],
    ['a form body', 'provider=dev&name=x', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['duplicate keys', '{"identity":"dev|a","identity":"dev|b","reason":"x","reason":5}', json],
    ['an array', '[1,2,3]', json],
    ['null', 'null', json],
    ['a bare string', '"hello"', json],
    ['wrong types everywhere', '{"identity":42,"reason":[],"provider":{},"name":true}', json],
    ['__proto__ pollution', '{"__proto__":{"admin":true,"adm":true},"identity":"dev|x"}', json],
    ['constructor.prototype pollution', '{"constructor":{"prototype":{"admin":true}}}', json],
    ['NUL and control bytes', '{"identity":"dev|\u0000\u0001\u001f"}', json],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json],
    ['an empty body', '', json],
    ['a 10 000-character identity', JSON.stringify({ identity: `dev|${'a'.repeat(10_000)}` }), json],
  ];
  const postRoutes = ROUTES.filter((r) => r.method === 'POST');

  describe.each(postRoutes.map((r) => [`${r.method} ${r.template}`, r] as const))('hostile bodies: %s', (_name, route) => {
    it.each(hostileBodies)('with %s (participant and admin tokens): well-formed, never a 5xx', async (_what, body, headers) => {
      for (const token of [ctx().participantToken, ctx().adminToken]) await codeOf(ctx().url, { method: 'POST', path: route.path, headers: { ...headers, ...bearer(token) }, body });
    });
  });

  // Paths that try to reach what no route serves: the store's other prefixes, the data directory,
  // the session and receipt keys. None may answer 200, and each answer keeps the invariant.
  const pathTricks: string[] = [
    '/rounds/objects/keys/' + 'a'.repeat(64),
    '/rounds/objects/..%2f..%2fkeys/' + 'a'.repeat(64),
    '/rounds/objects/chunks/..%2F..%2F..%2Fetc%2Fpasswd',
    '/rounds/objects/chunk-uploads/../../keys/' + 'a'.repeat(64),
    '/rounds/objects/.tmp/' + 'a'.repeat(64),
    '/receipts/..%2F..%2Fkeys%2Fsession-signing-key.pem',
    '/receipts/' + 'A'.repeat(64),
    '/receipts/' + 'a'.repeat(63) + '%00',
    '/transcript/../admin/status',
    '/transcript/%2e%2e/admin/status',
    '/transcript/-1',
    '/transcript/99999999999999999999',
    '/transcript/1e3',
    '//admin/status',
    '/admin/status/',
    '/admin%2fstatus',
    '/ceremony/status%00',
    '/ceremony/status;admin=true',
    '/.well-known/../keys',
    '/' + 'a/'.repeat(2_000),
    '/' + 'x'.repeat(8_000),
  ];
  describe('path tricks', () => {
    it.each(pathTricks.map((p) => [p.length > 80 ? `${p.slice(0, 60)}… (${p.length} characters)` : p, p] as const))('GET %s: never 200, well-formed', async (_name, p) => {
      for (const token of [undefined, ctx().participantToken]) {
        const answer = await codeOf(ctx().url, { method: 'GET', path: p, headers: token === undefined ? {} : bearer(token) });
        expect(answer.status, p).not.toBe(200);
      }
    });
  });

  describe('HEAD on every GET route', () => {
    it.each(ROUTES.filter((r) => r.method === 'GET').map((r) => [r.template, r] as const))('HEAD %s: no 5xx', async (_t, route) => {
      expect((await send(ctx().url, { method: 'HEAD', path: route.path })).status).toBeLessThan(500);
    });
  });

  describe('random request shapes (fast-check)', () => {
    it('never produce a 5xx or an error that is not {code, message} JSON', async () => {
      const segment = fc.oneof(fc.constantFrom('..', '%2e%2e', '%2F', '%00', 'ä', '*', '~', ''), fc.stringMatching(/^[A-Za-z0-9._~%-]{1,20}$/));
      const pathArb = fc.oneof(
        fc.constantFrom(...ROUTES.map((r) => r.path)),
        fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
        fc.tuple(fc.constantFrom(...ROUTES.map((r) => r.path)), segment).map(([p, s]) => `${p}/${s}`),
      );
      const bodyArb = fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 200 }), fc.constantFrom('{', '[]', 'null', deeplyNested(5_000))), { nil: undefined });
      const tokenArb = fc.constantFrom(undefined, ctx().participantToken, ctx().adminToken, ctx().forged.algNone, ctx().forged.expired, ctx().forged.garbage, 'x'.repeat(9_000));
      const typeArb = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND', 'MKCOL'), pathArb, bodyArb, tokenArb, typeArb, async (method, p, body, token, type) => {
          const headers: Record<string, string> = {};
          if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
          if (type !== undefined) headers['content-type'] = type;
          const answer = await send(ctx().url, { method, path: p, headers, ...(body === undefined || method === 'GET' ? {} : { body }) });
          expectWellFormed(answer, `${method} ${p}`);
        }),
        { numRuns: 200 },
      );
    });
  });
}
