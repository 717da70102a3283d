// Rate limits of seed 002 with their default numbers, fired over loopback: login 50/h, unauthenticated
// 100/h, authenticated 50/min per client address; 429 with Retry-After; probes exempt. Then the
// sliding-window limiter itself under an injected clock: retry-after, sliding, bounded memory.
import { afterEach, describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../api/auth/sliding-window.js';
import { classifyRequest } from '../../api/auth/rate-limit.js';
import { bearer, call, postJson, startTestApp, type JsonAnswer, type TestApp } from './helpers.js';

const apps: TestApp[] = [];
/** The limiters' clock in the default-limit tests: frozen, so a window boundary never falls mid-test. */
const frozen = { now: () => Date.UTC(2030, 0, 1, 0, 30) };

async function app(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const started = await startTestApp({ ...options, auth: { dev: { enabled: true }, ...options.auth } });
  apps.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function times(n: number, request: () => Promise<JsonAnswer>): Promise<JsonAnswer[]> {
  const out: JsonAnswer[] = [];
  for (let i = 0; i < n; i += 1) out.push(await request());
  return out;
}

function expectLimited(res: JsonAnswer, kind: string, maxRetry: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ code: 'RATE_LIMITED', details: { class: kind } });
  const retry = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retry)).toBe(true);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(maxRetry);
  expect((res.body['details'] as Record<string, unknown>)['retryAfterSeconds']).toBe(retry);
}

describe('defaults over HTTP', () => {
  it('the 51st login in an hour from one address gets 429 with Retry-After', async () => {
    const a = await app({ rateLimitOptions: frozen });
    const ok = await times(50, () => postJson(`${a.url}/login`, { provider: 'dev', name: 'alice' }));
    expect(ok.every((r) => r.status === 200)).toBe(true);
    const refused = await postJson(`${a.url}/login`, { provider: 'dev', name: 'alice' });
    expectLimited(refused, 'login', 2 * 3600);
    expect(refused.headers.get('ratelimit-policy')).toBe('50;w=3600');
    // Other requests have their own allowance.
    expect((await call(`${a.url}/public`)).status).toBe(200);
  });

  it('failed login attempts count against the login limit', async () => {
    const a = await app({ auth: { rateLimits: { login: { limit: 2 } } } });
    expect((await postJson(`${a.url}/login`, { provider: 'dev', name: 'NOT VALID' })).status).toBe(400);
    expect((await postJson(`${a.url}/login`, { provider: 'siwe', message: 'x', signature: '0x' })).status).toBe(400);
    expectLimited(await postJson(`${a.url}/login`, { provider: 'dev', name: 'alice' }), 'login', 2 * 3600);
  });

  it('the 101st unauthenticated request in an hour gets 429; a bad token does not escape the count', async () => {
    const a = await app({ rateLimitOptions: frozen });
    const ok = await times(99, () => call(`${a.url}/public`));
    expect(ok.every((r) => r.status === 200)).toBe(true);
    expect((await call(`${a.url}/public`, { headers: bearer('forged.token.here') })).status).toBe(200);
    expectLimited(await call(`${a.url}/public`), 'unauthenticated', 2 * 3600);
    expectLimited(await call(`${a.url}/whoami`, { headers: bearer('forged.token.here') }), 'unauthenticated', 2 * 3600);
  });

  it('the 51st authenticated request in a minute gets 429', async () => {
    const a = await app({ rateLimitOptions: frozen });
    const login = await postJson(`${a.url}/login`, { provider: 'dev', name: 'bob' });
    const auth = bearer(String(login.body['token']));
    const ok = await times(50, () => call(`${a.url}/whoami`, { headers: auth }));
    expect(ok.every((r) => r.status === 200)).toBe(true);
    const refused = await call(`${a.url}/whoami`, { headers: auth });
    expectLimited(refused, 'authenticated', 120);
    expect(refused.headers.get('ratelimit-policy')).toBe('50;w=60');
  });

  it('health and key paths are exempt', async () => {
    const a = await app({ auth: { rateLimits: { unauthenticated: { limit: 1 } } } });
    expect((await call(`${a.url}/public`)).status).toBe(200);
    expect((await call(`${a.url}/public`)).status).toBe(429);
    for (let i = 0; i < 5; i += 1) {
      expect((await call(`${a.url}/healthz`)).status).toBe(200);
      expect((await call(`${a.url}/.well-known/jwks.json`)).status).toBe(200);
    }
  });

  it('counts per client address: X-Forwarded-For when the app trusts a proxy', async () => {
    const a = await app({ overrides: { api: { trustProxy: true } }, auth: { rateLimits: { unauthenticated: { limit: 2 } } } });
    const from = (ip: string) => call(`${a.url}/public`, { headers: { 'x-forwarded-for': ip } });
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.1')).status).toBe(429);
    expect((await from('203.0.113.2')).status).toBe(200);
  });

  it('counts a login by the route it reaches: /LOGIN, /Login and /login/ are logins too, with or without a token (hardening #1)', async () => {
    const a = await app({ auth: { rateLimits: { login: { limit: 3 } } } });
    const first = await postJson(`${a.url}/login`, { provider: 'dev', name: 'dora' });
    const token = bearer(String(first.body['token']));
    expect((await postJson(`${a.url}/LOGIN`, { provider: 'dev', name: 'dora' })).status).toBe(200);
    expect((await postJson(`${a.url}/Login/`, { provider: 'dev', name: 'dora' }, token)).status).toBe(200);
    for (const spelled of ['/login/', '/LOGIN', '/Login', '/login']) {
      expectLimited(await postJson(`${a.url}${spelled}`, { provider: 'dev', name: 'dora' }, token), 'login', 2 * 3600);
    }
  });

  it('trusts exactly api.proxyHops entries of X-Forwarded-For: a spoofed leftmost entry does not make a new client (hardening #2)', async () => {
    const a = await app({ overrides: { api: { trustProxy: true } }, auth: { rateLimits: { login: { limit: 2 } } } });
    // One proxy (the default) appended the client's real address, 203.0.113.7; the rest is the client's.
    const attempt = (spoof: string) => postJson(`${a.url}/login`, { provider: 'dev', name: 'eve' }, { 'x-forwarded-for': `${spoof}, 203.0.113.7` });
    expect((await attempt('198.18.0.1')).status).toBe(200);
    expect((await attempt('198.18.0.2')).status).toBe(200);
    expectLimited(await attempt('198.18.0.3'), 'login', 2 * 3600);
    expectLimited(await attempt('198.18.0.4, 198.18.0.5'), 'login', 2 * 3600);
    // Another real client behind the same proxy has its own allowance.
    expect((await postJson(`${a.url}/login`, { provider: 'dev', name: 'eve' }, { 'x-forwarded-for': '198.18.0.3, 203.0.113.8' })).status).toBe(200);
  });

  it('with two proxies (api.proxyHops 2) the client is the second entry from the right', async () => {
    const a = await app({ overrides: { api: { trustProxy: true, proxyHops: 2 } }, auth: { rateLimits: { unauthenticated: { limit: 1 } } } });
    const from = (xff: string) => call(`${a.url}/public`, { headers: { 'x-forwarded-for': xff } });
    expect((await from('198.18.0.1, 203.0.113.9, 10.0.0.1')).status).toBe(200);
    expect((await from('198.18.0.2, 203.0.113.9, 10.0.0.2')).status).toBe(429);
    expect((await from('198.18.0.2, 203.0.113.10, 10.0.0.1')).status).toBe(200);
  });

  it('counts an IPv6 client by its /64: a fresh address in the same /64 is the same client', async () => {
    const a = await app({ overrides: { api: { trustProxy: true } }, auth: { rateLimits: { unauthenticated: { limit: 2 } } } });
    const from = (ip: string) => call(`${a.url}/public`, { headers: { 'x-forwarded-for': ip } });
    expect((await from('2001:db8:1:2::1')).status).toBe(200);
    expect((await from('2001:db8:1:2::2')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await from('2001:db8:1:3::1')).status).toBe(200);
  });

  it('a rate-limit route the API does not serve fails at start', async () => {
    await expect(app({ auth: { rateLimits: { loginPaths: ['/signin'] } } })).rejects.toThrow(/routes the API does not serve: \/signin/);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const a = await app({ auth: { rateLimits: { unauthenticated: { limit: 2 } } } });
    const from = (ip: string) => call(`${a.url}/public`, { headers: { 'x-forwarded-for': ip } });
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.2')).status).toBe(200);
    expect((await from('203.0.113.3')).status).toBe(429);
  });

  it('lets requests through again once the window has slid (injected clock)', async () => {
    let clock = Date.UTC(2030, 0, 1);
    const a = await app({ rateLimitOptions: { now: () => clock } });
    await times(50, () => postJson(`${a.url}/login`, { provider: 'dev', name: 'carol' }));
    const refused = await postJson(`${a.url}/login`, { provider: 'dev', name: 'carol' });
    const retry = Number(refused.headers.get('retry-after'));
    clock += (retry - 1) * 1000;
    expect((await postJson(`${a.url}/login`, { provider: 'dev', name: 'carol' })).status).toBe(429);
    clock += 1000;
    expect((await postJson(`${a.url}/login`, { provider: 'dev', name: 'carol' })).status).toBe(200);
  });

  it('can be turned off', async () => {
    const a = await app({ auth: { rateLimits: { enabled: false, unauthenticated: { limit: 1 } } } });
    const all = await times(5, () => call(`${a.url}/public`));
    expect(all.every((r) => r.status === 200)).toBe(true);
  });
});

describe('SlidingWindowLimiter', () => {
  const HOUR = 3600_000;

  it('allows exactly the limit, then names a wait after which one more is allowed', () => {
    const limiter = new SlidingWindowLimiter({ limit: 50, windowMs: HOUR }, 100);
    const start = 10 * HOUR + 123_456;
    for (let i = 0; i < 50; i += 1) expect(limiter.hit('ip', start).allowed).toBe(true);
    const refused = limiter.hit('ip', start);
    expect(refused.allowed).toBe(false);
    const wait = refused.retryAfterSeconds * 1000;
    expect(limiter.hit('ip', start + wait - 1000).allowed).toBe(false);
    expect(limiter.hit('ip', start + wait).allowed).toBe(true);
    // About one request per limit-th of the window after that, never a fresh burst of 50.
    expect(limiter.hit('ip', start + wait).allowed).toBe(false);
  });

  it('weights the previous window by how much of it is still inside the sliding window', () => {
    const limiter = new SlidingWindowLimiter({ limit: 10, windowMs: 1000 }, 100);
    for (let i = 0; i < 10; i += 1) limiter.hit('ip', 0);
    // Half way through the next window, half of the previous 10 still count: 5 more are allowed.
    let allowed = 0;
    for (let i = 0; i < 10; i += 1) if (limiter.hit('ip', 1500).allowed) allowed += 1;
    expect(allowed).toBe(5);
    // Two windows later everything has slid out.
    for (let i = 0; i < 10; i += 1) expect(limiter.hit('ip', 3000).allowed).toBe(true);
  });

  it('refused requests do not count', () => {
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 1000 }, 100);
    limiter.hit('ip', 0);
    limiter.hit('ip', 0);
    for (let i = 0; i < 100; i += 1) expect(limiter.hit('ip', 10).allowed).toBe(false);
    expect(limiter.hit('ip', 2000).allowed).toBe(true);
  });

  it('keeps at most maxKeys clients, forgetting the least recently seen', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: HOUR }, 3);
    for (const ip of ['a', 'b', 'c']) limiter.hit(ip, 0);
    expect(limiter.hit('a', 1).allowed).toBe(false);
    limiter.hit('d', 2);
    expect(limiter.size).toBe(3);
    // 'b' was the least recently seen, so it was forgotten and starts afresh; 'a' is still limited.
    expect(limiter.hit('b', 3).allowed).toBe(true);
    expect(limiter.hit('a', 4).allowed).toBe(false);
    for (let i = 0; i < 10_000; i += 1) limiter.hit(`ip${i}`, 5);
    expect(limiter.size).toBe(3);
  });

  it('sweeps clients idle for two windows', () => {
    const limiter = new SlidingWindowLimiter({ limit: 5, windowMs: 1000 }, 1_000_000);
    for (let i = 0; i < 500; i += 1) limiter.hit(`old${i}`, 0);
    limiter.hit('recent', 2500);
    limiter.sweep(2500);
    expect(limiter.size).toBe(1);
    // The periodic sweep runs by itself as requests come in.
    const other = new SlidingWindowLimiter({ limit: 5, windowMs: 1000 }, 1_000_000);
    for (let i = 0; i < 500; i += 1) other.hit(`old${i}`, 0);
    for (let i = 0; i < 2000; i += 1) other.hit(`new${i}`, 10_000);
    expect(other.size).toBe(2000);
  });
});

describe('the live page is never rate limited', () => {
  it('exempts the web front and what its live page polls, in either mode, and nothing else', () => {
    const cfg = { exemptPaths: [], loginPaths: ['/login'] };
    for (const route of ['/', '/contribute', '/receipt', '/assets/:file', '/ceremony/status', '/ceremony/contributions', '/rounds/status']) {
      expect(classifyRequest(route, false, cfg)).toBe('exempt');
    }
    expect(classifyRequest('/lobby/enter', false, cfg)).toBe('unauthenticated');
    expect(classifyRequest('/ceremony/info', false, cfg)).toBe('unauthenticated');
    expect(classifyRequest('/login', false, cfg)).toBe('login');
  });
});
