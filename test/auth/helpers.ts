// A small app wired like api/app.ts will wire the auth pieces, on a real loopback server.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import { authenticate, mustSession, requireAdmin, requireSession } from '../../api/auth/middleware.js';
import { rateLimits, type RateLimitOptions } from '../../api/auth/rate-limit.js';
import { authRoutes } from '../../api/auth/routes.js';
import { createSessionTokens, type SessionTokens } from '../../api/auth/session.js';
import { errorMiddleware } from '../../api/errors-middleware.js';
import { listen, type RunningServer } from '../../api/server.js';
import { loadConfig, type Config } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import type { FetchLike } from '../../identity/providers/upstream.js';

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
}

export async function tempDir(prefix = 'auth-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, auth: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ env: {}, overrides: { ...overrides, dataDir, auth } });
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const temp = options.dataDir === undefined ? await tempDir() : undefined;
  const dataDir = options.dataDir ?? temp?.dir ?? '';
  const cfg = testConfig(dataDir, options.auth, options.overrides);
  const tokens = await createSessionTokens(cfg);
  const app = new Koa({ proxy: cfg.api.trustProxy });
  app.silent = true;
  app.use(errorMiddleware(createLogger('silent')));
  app.use(authenticate(tokens));
  app.use(rateLimits(cfg.auth.rateLimits, options.rateLimitOptions));
  const auth = authRoutes({
    cfg,
    tokens,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  app.use(auth.routes()).use(auth.allowedMethods());
  const probe = new Router();
  probe.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  probe.get('/public', (ctx) => {
    ctx.body = { ok: true };
  });
  probe.get('/whoami', requireSession(), (ctx) => {
    ctx.body = mustSession(ctx);
  });
  probe.get('/admin', requireAdmin(), (ctx) => {
    ctx.body = { admin: true };
  });
  app.use(probe.routes()).use(probe.allowedMethods());
  const server: RunningServer = await listen(app, '127.0.0.1', 0, 10_000);
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
