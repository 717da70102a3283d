// The bounds of one API replica, over loopback: requests in flight (api.maxInFlightRequests, then
// 503 OVERLOADED with Retry-After; /healthz never refused) and open connections (api.maxConnections,
// then a new connection is closed at once). Each test holds the capacity itself, so nothing depends
// on how fast the machine is.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, startTestApp, TEST_APP_REQUEST_TIMEOUT_MS, type TestApp } from '../auth/helpers.js';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function app(api: Record<string, unknown>, rateLimits: Record<string, unknown> = { enabled: false }): Promise<TestApp> {
  const started = await startTestApp({ auth: { dev: { enabled: true }, rateLimits }, overrides: { api } });
  apps.push(started);
  return started;
}

/** A POST /login whose body never finishes arriving: its handler waits, holding one request slot. */
function heldRequest(url: string, headers: Record<string, string> = {}): { release(): void } {
  const target = new URL(url);
  const req = http.request({ host: target.hostname, port: target.port, method: 'POST', path: '/login', headers: { ...headers, 'content-type': 'application/json', 'content-length': '1000' } });
  req.on('error', () => undefined);
  req.write('{"provider":');
  return { release: () => req.destroy() };
}

/** A kept-alive connection that has had one answer (so the server has surely counted it). */
async function openConnection(url: string): Promise<net.Socket> {
  const target = new URL(url);
  const socket = net.connect(Number(target.port), target.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', () => resolve());
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  });
  return socket;
}

describe('api.maxInFlightRequests', () => {
  it('a request beyond the bound gets 503 OVERLOADED with Retry-After; /healthz still answers; the slot frees when the held request ends', async () => {
    const a = await app({ maxInFlightRequests: 1 });
    const held = heldRequest(a.url);
    await vi.waitFor(async () => expect((await call(`${a.url}/public`)).status).toBe(503), { timeout: 10_000, interval: 50 });
    const refused = await call(`${a.url}/public`);
    expect(refused.body).toMatchObject({ code: 'OVERLOADED' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await call(`${a.url}/healthz`)).status).toBe(200);
    held.release();
    await vi.waitFor(async () => expect((await call(`${a.url}/public`)).status).toBe(200), { timeout: 10_000, interval: 50 });
  });
});

describe('auth.rateLimits.inFlightPerAddress', () => {
  it('a second request in flight from one address gets 429 (class in-flight); another address is served', async () => {
    const a = await app({ trustProxy: true }, { inFlightPerAddress: 1, unauthenticated: { limit: 1000 }, login: { limit: 1000 } });
    const from = (ip: string) => call(`${a.url}/public`, { headers: { 'x-forwarded-for': ip } });
    const held = heldRequest(a.url, { 'x-forwarded-for': '203.0.113.1' });
    await vi.waitFor(async () => expect((await from('203.0.113.1')).status).toBe(429), { timeout: 10_000, interval: 50 });
    const refused = await from('203.0.113.1');
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', details: { class: 'in-flight', limit: 1 } });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await from('203.0.113.2')).status).toBe(200);
    held.release();
    await vi.waitFor(async () => expect((await from('203.0.113.1')).status).toBe(200), { timeout: 10_000, interval: 50 });
  });
});

describe('api.maxConnections', () => {
  it('a connection beyond the bound is closed without an answer; once one closes, a new one is served', async () => {
    const a = await app({ maxConnections: 2 });
    const sockets = [await openConnection(a.url), await openConnection(a.url)];
    await expect(fetch(`${a.url}/public`, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow();
    sockets[0]?.destroy();
    await vi.waitFor(async () => expect((await call(`${a.url}/public`)).status).toBe(200), { timeout: 10_000, interval: 50 });
    for (const s of sockets) s.destroy();
  });
});

describe('a request whose body never ends', () => {
  it('is answered 408 REQUEST_TIMEOUT as JSON once api.requestTimeoutMs has passed, and its connection is destroyed, not left half-open', async () => {
    const a = await app({});
    const target = new URL(a.url);
    const socket = net.connect({ port: Number(target.port), host: target.hostname, allowHalfOpen: true });
    socket.on('error', () => undefined);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const answered = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.write('POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"provider":');
    // Once the test app's request timeout has passed, the server answers and hangs up on its own.
    await answered;
    const text = Buffer.concat(received).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    // Half-open on our side: the rest of the body must find no reader (the server destroyed the
    // connection). Had it kept reading, the connection would outlive another whole request timeout.
    const writing = setInterval(() => socket.write('x'), 50);
    let timer: NodeJS.Timeout | undefined;
    const anotherTimeout = new Promise<'still open'>((resolve) => (timer = setTimeout(() => resolve('still open'), TEST_APP_REQUEST_TIMEOUT_MS)));
    try {
      expect(await Promise.race([closed.then(() => 'closed' as const), anotherTimeout])).toBe('closed');
    } finally {
      clearTimeout(timer);
      clearInterval(writing);
      socket.destroy();
    }
  }, 60_000);
});
