// The rounds client against a loopback server that fails on purpose: a call that is safe to repeat is
// asked again after 502/503/504 or a dropped connection; an upload is not (the contributor asks for
// its next task instead, which says whether the upload landed).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ApiError, isTransient } from '../../client/http.js';
import { RoundsClient } from '../../client/rounds-client.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
  server = undefined;
});

/** Serves each request with the next handler in turn, counting requests per path. */
async function serve(handlers: Array<(req: IncomingMessage, res: ServerResponse) => void>): Promise<{ url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  let next = 0;
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    req.resume();
    req.on('end', () => (handlers[Math.min(next++, handlers.length - 1)] ?? (() => undefined))(req, res));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, hits };
}

const answer = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const dropConnection = (req: IncomingMessage) => req.socket.destroy();

function loggedIn(url: string): RoundsClient {
  const client = new RoundsClient(url);
  client.token = 'test-token';
  return client;
}

it('asks for the next task again after 504 TIMEOUT, 503 and a dropped connection', async () => {
  const { url, hits } = await serve([
    answer(504, { code: 'TIMEOUT', message: 'the ceremony did not answer in time; retry' }),
    answer(503, { code: 'TEMPORAL_UNAVAILABLE', message: 'down' }),
    dropConnection,
    answer(200, { action: 'wait', retryAfterMs: 1_000, reason: 'x' }),
  ]);
  expect(await loggedIn(url).nextTask()).toMatchObject({ action: 'wait' });
  expect(hits.get('/rounds/tasks/next')).toBe(4);
}, 20_000);

it('does not repeat an upload after 504: the caller learns of it once', async () => {
  const { url, hits } = await serve([answer(504, { code: 'TIMEOUT', message: 'slow' }), answer(200, { contributionId: 'c', status: 'verifying' })]);
  const failure = await loggedIn(url)
    .submitChunk(0, 'chunk-bases/x', '{}')
    .catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ApiError);
  expect(isTransient(failure)).toBe(true);
  expect(hits.get('/rounds/contribution/0')).toBe(1);
});

it('does not repeat a refusal: 409 comes back at once', async () => {
  const { url, hits } = await serve([answer(409, { code: 'NOT_YOUR_TURN', message: 'no' })]);
  await expect(loggedIn(url).nextVerification()).rejects.toMatchObject({ status: 409, code: 'NOT_YOUR_TURN' });
  expect(hits.get('/rounds/verifications/next')).toBe(1);
  expect(isTransient(new ApiError(409, 'NOT_YOUR_TURN', 'no', undefined, undefined))).toBe(false);
});
