// The bounds of one API replica, over loopback: requests in flight (api.maxInFlightRequests, then
// 503 OVERLOADED with Retry-After; /healthz never refused) and open connections (api.maxConnections,
// then a new connection is closed at once). Each test holds the capacity itself, so nothing depends
// on how fast the machine is.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, startTestApp, type TestApp } from '../auth/helpers.js';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function app(api: Record<string, unknown>): Promise<TestApp> {
  const started = await startTestApp({ auth: { dev: { enabled: true }, rateLimits: { enabled: false } }, overrides: { api } });
  apps.push(started);
  return started;
}

/** A POST /login whose body never finishes arriving: its handler waits, holding one request slot. */
function heldRequest(url: string): { release(): void } {
  const target = new URL(url);
  const req = http.request({ host: target.hostname, port: target.port, method: 'POST', path: '/login', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
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
