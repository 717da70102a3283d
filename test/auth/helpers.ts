// A small app wired like api/app.ts (api/koa-app.ts assembles both): the auth routes and a few probe
// routes, on a real loopback server. SIWE logins spend their nonces in a real Temporal dev server's
// ledger when the test passes one (`temporal`); without it a SIWE login that passes every other check
// fails loudly, so no test can pass by skipping the single-use rule.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { mustSession, requireAdmin, requireSession } from '../../api/auth/middleware.js';
import type { RateLimitOptions } from '../../api/auth/rate-limit.js';
import { TemporalNonceLedger, type NonceLedger } from '../../api/auth/nonce-ledger.js';
import { authRoutes } from '../../api/auth/routes.js';
import { createSessionTokens, type SessionTokens } from '../../api/auth/session.js';
import { assembleApp } from '../../api/koa-app.js';
import { listen, type RunningServer } from '../../api/server.js';
import { loadConfig, type Config } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import type { FetchLike } from '../../identity/providers/upstream.js';

/** How long a request to a test app may take to arrive whole (api.requestTimeoutMs of production). */
export const TEST_APP_REQUEST_TIMEOUT_MS = 10_000;

export interface TestApp {
  url: string;
  cfg: Config;
  tokens: SessionTokens;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Partial `auth` config. */
  auth?: Record<string, unknown>;
  /** Other top-level overrides (api, …). */
  overrides?: Record<string, unknown>;
  dataDir?: string;
  now?: () => number;
  fetch?: FetchLike;
  rateLimitOptions?: RateLimitOptions;
  /** A client of a real Temporal server, where SIWE nonces are spent. */
  temporal?: Client;
}

export async function tempDir(prefix = 'auth-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, auth: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ env: {}, overrides: { ...overrides, dataDir, auth } });
}

const noLedger: NonceLedger = {
  spend() {
    return Promise.reject(new Error('this test app has no Temporal server to spend SIWE nonces in; pass `temporal`'));
  },
};

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const temp = options.dataDir === undefined ? await tempDir() : undefined;
  const dataDir = options.dataDir ?? temp?.dir ?? '';
  const cfg = testConfig(dataDir, options.auth, options.overrides);
  const tokens = await createSessionTokens(cfg);
  const auth = authRoutes({
    cfg,
    tokens,
    nonces: options.temporal === undefined ? noLedger : new TemporalNonceLedger(options.temporal, cfg),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const probe = new Router();
  // The probes the default rate-limit configuration exempts (a configured route must exist).
  for (const route of ['/healthz', '/readyz', '/metrics']) {
    probe.get(route, (ctx) => {
      ctx.body = { status: 'ok' };
    });
  }
  probe.get('/public', (ctx) => {
    ctx.body = { ok: true };
  });
  probe.get('/whoami', requireSession(), (ctx) => {
    ctx.body = mustSession(ctx);
  });
  probe.get('/admin', requireAdmin(), (ctx) => {
    ctx.body = { admin: true };
  });
  const rateLimits = options.rateLimitOptions === undefined ? {} : { rateLimits: options.rateLimitOptions };
  const app = assembleApp({ cfg, log: createLogger('silent'), tokens }, [auth, probe], rateLimits);
  const server: RunningServer = await listen(app, '127.0.0.1', 0, TEST_APP_REQUEST_TIMEOUT_MS, cfg.api.maxConnections);
  return {
    url: server.url,
    cfg,
    tokens,
    async close() {
      await server.close(1_000);
      await temp?.remove();
    },
  };
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function call(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  return { status: res.status, headers: res.headers, body };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A loopback HTTP server with the given handler; answers its base URL. */
export async function standIn(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
