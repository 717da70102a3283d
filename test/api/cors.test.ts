// CORS for clients served from other origins (api.corsOrigins): a listed origin's browser may call
// the API and read the turn's headers; any other origin gets no permission; with none configured,
// no CORS header at all.
import Router from '@koa/router';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionTokens } from '../../api/auth/session.js';
import { TURN_HEADERS } from '../../api/contracts/turn-headers.js';
import { assembleApp } from '../../api/koa-app.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

async function serve(corsOrigins: unknown): Promise<string> {
  const cfg = loadConfig({ env: {}, overrides: { api: { corsOrigins }, log: { level: 'silent' }, dataDir: '/tmp/cors-test-unused', auth: { rateLimits: { loginPaths: [], exemptPaths: [] } } } });
  const router = new Router();
  router.get('/ceremony/info', (ctx) => {
    ctx.set(TURN_HEADERS.sequence, '7');
    ctx.body = { ok: true };
  });
  const app = assembleApp({ cfg, log: createLogger('silent'), tokens: await createSessionTokens(cfg) }, [router]);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server?.once('listening', r));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

describe('CORS', () => {
  it('answers a listed origin, its preflight included, and exposes the turn headers', async () => {
    const url = await serve('https://client.example.org, https://other.example.net');
    const get = await fetch(`${url}/ceremony/info`, { headers: { Origin: 'https://client.example.org' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://client.example.org');
    expect(get.headers.get('access-control-expose-headers')?.toLowerCase()).toContain(TURN_HEADERS.sequence.toLowerCase());
    expect(get.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${url}/lobby/enter`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://other.example.net', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://other.example.net');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('gives no permission to an origin not listed', async () => {
    const url = await serve(['https://client.example.org']);
    const res = await fetch(`${url}/ceremony/info`, { headers: { Origin: 'https://evil.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("allows any origin with '*'", async () => {
    const url = await serve('*');
    const res = await fetch(`${url}/ceremony/info`, { headers: { Origin: 'https://anyone.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends no CORS header when no origin is configured', async () => {
    const url = await serve([]);
    const res = await fetch(`${url}/ceremony/info`, { headers: { Origin: 'https://client.example.org' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([['https://client.example.org/path'], ['client.example.org'], ['ftp://x.example'], [['https://ok.example', 'not an origin']]])('refuses a bad origin in the configuration: %s', (bad) => {
    expect(() => loadConfig({ env: {}, overrides: { api: { corsOrigins: bad } } })).toThrow(/api\.corsOrigins/);
  });
});
