// A hostile internet against the sequential coordinator, on the real stack (Temporal dev server,
// workers, API, filesystem store). First the findings of the adversarial review (issue #12), each
// through the interface it was found on; then, for every route the API serves, a table of hostile
// requests; then random request shapes (fast-check). Whatever is sent, the answer is never a 5xx, an
// error is always JSON {code, message} with a known code and its own status, and the ceremony goes on.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ParticipantClient, StartAnswer } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { G2_GENERATOR_HEX } from '../../engine/curve/constants.js';
import { participantIdOf } from '../../api/sequential/settings.js';
import { keysUnder } from '../helpers/objects.js';
import { devParticipant, untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { bearer, codeOf, forgedTokens, json, routesOf, send, sendBytes, type ForgedTokens } from './hostile-http.js';
import { hostileRouteTable, MAX_JSON_FOR_TABLES } from './route-table.js';

const SIZES = [{ numG1Powers: 16, numG2Powers: 4 }];
const MAX_JSON = MAX_JSON_FOR_TABLES;
const ROUTES = await routesOf('sequential');

let stack: TestStack;
let engine: Engine;
let participantToken: string;
let adminToken: string;
let forged: ForgedTokens;

beforeAll(async () => {
  stack = await startTestStack({
    api: { maxJsonBytes: MAX_JSON, maxUploadBytes: 64 * 1024 },
    ceremony: {
      sizes: SIZES,
      sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 3_000, startWindowMs: 5_000, computeDeadlineMs: 60_000, initialRoundTripMs: 2_000 },
    },
    auth: { rateLimits: { enabled: false }, admins: ['dev|admin'] },
  });
  engine = await createEngine({ threads: 0 });
  participantToken = tokenOf(await devParticipant(stack.url, 'prober'));
  adminToken = tokenOf(await devParticipant(stack.url, 'admin'));
  forged = await forgedTokens(stack.cfg, participantToken);
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

function tokenOf(client: ParticipantClient): string {
  if (client.token === undefined) throw new Error('not logged in');
  return client.token;
}

async function validContribution(started: StartAnswer): Promise<string> {
  return serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers)));
}

/** A participant holding the turn (the ceremony must be idle), with a correct contribution ready. */
async function holdingTheTurn(name: string): Promise<{ client: ParticipantClient; token: string; started: StartAnswer; contribution: string }> {
  await untilIdle(stack);
  const client = await devParticipant(stack.url, name);
  expect((await client.enter()).status).toBe('ready');
  const started = await client.start();
  return { client, token: tokenOf(client), started, contribution: await validContribution(started) };
}

/** Directories under the store prefix that hold no object at any depth. */
async function emptyDirsUnder(prefix: string): Promise<string[]> {
  const root = path.join(stack.dataDir, 'objects');
  const empty: string[] = [];
  const objectsIn = async (relative: string): Promise<number> => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
    let held = 0;
    for (const e of entries) held += e.isDirectory() ? await objectsIn(path.join(relative, e.name)) : 1;
    if (held === 0 && relative !== prefix) empty.push(relative);
    return held;
  };
  await objectsIn(prefix);
  return empty;
}

async function metricValue(name: string, code: string): Promise<number> {
  const text = (await send(stack.url, { method: 'GET', path: '/metrics' })).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{code="${code}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('findings of the adversarial review, sequential mode', () => {
  it('#5 three simultaneous contribution/complete on one turn: one 200, the others 409, and only the accepted upload stays (no empty directory)', async () => {
    const { token, contribution } = await holdingTheTurn('triple');
    const before = await keysUnder(stack, 'uploads');
    const answers = await Promise.all([0, 1, 2].map(() => codeOf(stack.url, { method: 'POST', path: '/contribution/complete', headers: { ...json, ...bearer(token) }, body: contribution })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    const after = await keysUnder(stack, 'uploads');
    expect(after.filter((k) => !before.includes(k)).length).toBeLessThanOrEqual(1);
    expect(await emptyDirsUnder('uploads')).toEqual([]);
  });

  it('#9 a client that disconnects mid-upload is counted CLIENT_CLOSED, not STORE_UNAVAILABLE, and its turn still takes the upload', async () => {
    const { client, token, contribution } = await holdingTheTurn('quitter');
    const closedBefore = await metricValue('ceremony_http_errors_total', 'CLIENT_CLOSED');
    const storeBefore = await metricValue('ceremony_http_errors_total', 'STORE_UNAVAILABLE');
    const url = new URL(stack.url);
    const http = await import('node:http');
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/contribution/complete',
        headers: { ...json, ...bearer(token), 'content-length': String(contribution.length) },
      });
      req.on('error', () => resolve());
      req.write(contribution.slice(0, Math.floor(contribution.length / 2)), () => setTimeout(() => req.destroy(), 200));
      req.on('close', () => resolve());
    });
    await vi.waitFor(async () => expect(await metricValue('ceremony_http_errors_total', 'CLIENT_CLOSED')).toBe(closedBefore + 1), { timeout: 10_000, interval: 100 });
    expect(await metricValue('ceremony_http_errors_total', 'STORE_UNAVAILABLE')).toBe(storeBefore);
    expect(await emptyDirsUnder('uploads')).toEqual([]);
    const done = await client.complete(contribution);
    expect(done.outcome).toBe('accepted');
  });

  it('a no-op contribution (the previous powers, the generator as pubkey: a secret of 1) is 422 INVALID_CONTRIBUTION, check NO_OP_CONTRIBUTION', async () => {
    const { token, started } = await holdingTheTurn('free-rider');
    const noOp = parseBatchContribution(started.powers);
    for (const sub of noOp.contributions) sub.potPubkey = G2_GENERATOR_HEX;
    const answer = await codeOf(stack.url, { method: 'POST', path: '/contribution/complete', headers: { ...json, ...bearer(token) }, body: serializeBatchContribution(noOp) });
    expect(answer).toMatchObject({ status: 422, code: 'INVALID_CONTRIBUTION' });
    expect(JSON.parse(answer.answer.text)).toMatchObject({ details: { check: 'NO_OP_CONTRIBUTION' } });
  });

  it('#10 admin calls on an identity the coordinator does not know, or one with nothing to drop, say so', async () => {
    const admin = { ...json, ...bearer(adminToken) };
    const unknown = await codeOf(stack.url, { method: 'GET', path: '/admin/participant/dev%7Cnobody-at-all', headers: admin });
    expect(unknown).toMatchObject({ status: 404, code: 'UNKNOWN_IDENTITY' });
    const dropUnknown = await codeOf(stack.url, { method: 'POST', path: '/admin/drop', headers: admin, body: JSON.stringify({ identity: 'dev|nobody-at-all' }) });
    expect(dropUnknown).toMatchObject({ status: 404, code: 'UNKNOWN_IDENTITY' });
    // 'triple' contributed above: known, but neither waiting nor contributing.
    const dropDone = await codeOf(stack.url, { method: 'POST', path: '/admin/drop', headers: admin, body: JSON.stringify({ identity: 'dev|triple' }) });
    expect(dropDone).toMatchObject({ status: 409, code: 'NOT_IN_QUEUE' });
    expect(dropDone.answer.text).toMatch(/nothing to drop/);
    const malformed = await codeOf(stack.url, { method: 'POST', path: '/admin/drop', headers: admin, body: JSON.stringify({ identity: 'no-provider-prefix' }) });
    expect(malformed).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it("#8 the router's 404, 405 and an unknown method are JSON; an unknown method is a 4xx", async () => {
    expect(await codeOf(stack.url, { method: 'GET', path: '/login' })).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect((await send(stack.url, { method: 'GET', path: '/login' })).headers['allow']).toMatch(/POST/);
    expect(await codeOf(stack.url, { method: 'PROPFIND', path: '/transcript' })).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(await codeOf(stack.url, { method: 'PROPFIND', path: '/no/such/thing' })).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await codeOf(stack.url, { method: 'GET', path: '/no/such/thing' })).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await codeOf(stack.url, { method: 'DELETE', path: '/ceremony/status' })).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });
});

describe('what Node refuses before Koa sees it is JSON too', () => {
  const raw: Array<[string, string, number, string]> = [
    ['a method that is no HTTP token', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a space inside the path', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
    ['HTTP version 9.9', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
    ['raw non-ASCII bytes in the path', 'GET /\u00e4 HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', 400, 'BAD_REQUEST'],
    ['both Content-Length and Transfer-Encoding', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'BAD_REQUEST'],
    ['two different Content-Length headers', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde', 400, 'BAD_REQUEST'],
    ['a negative Content-Length', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400, 'BAD_REQUEST'],
    ['headers larger than the server takes (20 KB)', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
  ];
  it.each(raw)('%s → %i %s', async (_name, bytes, status, code) => {
    const answer = await sendBytes(stack.url, bytes);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.text)).toMatchObject({ code });
  });
});

describe('out-of-order protocol calls and concurrent duplicates', () => {
  let late: ParticipantClient;
  let lateToken: string;
  beforeAll(async () => {
    late = await devParticipant(stack.url, 'out-of-order');
    lateToken = tokenOf(late);
  });
  const calls: Array<[string, string, string]> = [
    ['contribution/start before lobby/enter', '/contribution/start', 'NOT_IN_QUEUE'],
    ['contribution/complete before lobby/enter', '/contribution/complete', 'NOT_IN_QUEUE'],
    ['contribution/abort before lobby/enter', '/contribution/abort', 'NOT_IN_QUEUE'],
    ['lobby/checkin before lobby/enter', '/lobby/checkin', 'NOT_IN_QUEUE'],
    ['queue/checkin before queue/join', '/queue/checkin', 'NOT_IN_QUEUE'],
  ];
  it.each(calls)('%s → 409 %s', async (_name, route, code) => {
    const body = route === '/contribution/complete' ? '{"contributions":[]}' : undefined;
    const answer = await codeOf(stack.url, { method: 'POST', path: route, headers: { ...json, ...bearer(lateToken) }, ...(body === undefined ? {} : { body }) });
    expect(answer).toMatchObject({ status: 409, code });
  });

  it('five simultaneous lobby/enter of one identity: no 5xx, and the identity is in the queue once', async () => {
    await untilIdle(stack);
    const blocker = await holdingTheTurn('blocker');
    const dup = await devParticipant(stack.url, 'duplicate');
    const answers = await Promise.all([0, 1, 2, 3, 4].map(() => codeOf(stack.url, { method: 'POST', path: '/lobby/enter', headers: bearer(tokenOf(dup)) })));
    for (const a of answers) expect([200, 409]).toContain(a.status);
    const queue = await stack.gateway.queue();
    expect(queue.filter((id) => id === participantIdOf('dev|duplicate'))).toHaveLength(1);
    await dup.leave();
    await blocker.client.complete(blocker.contribution);
  });

  it('a participant token on every admin route → 403 FORBIDDEN, before any body is read', async () => {
    const adminRoutes = ROUTES.filter((r) => r.template.startsWith('/admin'));
    expect(adminRoutes.length).toBeGreaterThanOrEqual(5);
    for (const route of adminRoutes) {
      const answer = await codeOf(stack.url, {
        method: route.method,
        path: route.path,
        headers: { ...json, ...bearer(participantToken) },
        body: route.method === 'GET' ? undefined : '{"identity":"dev|prober"}',
      });
      expect(answer, `${route.method} ${route.template}`).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
  });
});

hostileRouteTable(ROUTES, () => ({ url: stack.url, participantToken, adminToken, forged }));

describe('after all of it', () => {
  it('the ceremony still takes a contribution', async () => {
    // The tables above may have left the prober in the lobby or holding a turn: it steps aside.
    for (const route of ['/contribution/abort', '/queue/leave']) await codeOf(stack.url, { method: 'POST', path: route, headers: bearer(participantToken) });
    const { client, contribution } = await holdingTheTurn('after-the-storm');
    expect((await client.complete(contribution)).outcome).toBe('accepted');
  });
});
