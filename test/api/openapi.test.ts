// The OpenAPI document: docs/openapi.json is exactly what api/openapi.ts generates, every route the
// health, auth, OpenAPI and metrics routers and the sequential and rounds-mode routers register is
// described and nothing else is, every $ref resolves, and GET /openapi.json serves it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Router from '@koa/router';
import { Client } from '@temporalio/client';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouters } from '../../api/app.js';
import { createSessionTokens } from '../../api/auth/session.js';
import { openApiDocument, openApiJson, openApiPath, openApiRoutes } from '../../api/openapi.js';
import { listen, type RunningServer } from '../../api/server.js';
import { loadConfig } from '../../common/config.js';
import { errorCodes } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import { FsObjectStore } from '../../store/fs-store.js';

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }>>;
  components: { schemas: Record<string, { enum?: string[]; 'x-http-status'?: Record<string, number> }>; securitySchemes: Record<string, { type: string; scheme: string }> };
}

const methods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const doc = openApiDocument() as Doc;
let dir: string;
/** The routers each ceremony mode serves (api/app.ts mounts the shared ones and one mode's). */
let routersByMode: Record<'sequential' | 'rounds', Router[]>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'openapi-'));
  const cfg = loadConfig({ env: {}, overrides: { dataDir: dir } });
  // Listing routes needs the routers, not a server: the client's connection is lazy and never used.
  const temporal = new Client();
  const store = new FsObjectStore(path.join(dir, 'objects'));
  const tokens = await createSessionTokens(cfg);
  const log = createLogger('silent');
  const deps = { cfg, log, temporal, store, tokens, receiptKeys: [] };
  const roundsCfg = loadConfig({ env: {}, overrides: { dataDir: dir, ceremony: { mode: 'rounds' } } });
  routersByMode = { sequential: apiRouters(deps), rounds: apiRouters({ ...deps, cfg: roundsCfg }) };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function registered(routers: Router[]): string[] {
  return routers.flatMap((router) => router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${openApiPath(String(layer.path))}`)));
}

function described(): string[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((k) => methods.includes(k))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
}

describe('docs/openapi.json', () => {
  it('is the document api/openapi.ts generates (regenerate: npx tsx scripts/gen-openapi.ts > docs/openapi.json)', async () => {
    const onDisk = await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(onDisk === openApiJson(), 'docs/openapi.json is stale: run npx tsx scripts/gen-openapi.ts > docs/openapi.json').toBe(true);
    expect(JSON.parse(onDisk)).toEqual(doc);
  });
});

describe('the document', () => {
  it('describes every route registered in either mode, and only those', () => {
    const all = new Set<string>();
    for (const [mode, routers] of Object.entries(routersByMode)) {
      const routes = registered(routers);
      expect(new Set(routes).size, `a route registered twice in ${mode} mode`).toBe(routes.length);
      const missing = routes.filter((r) => !described().includes(r));
      expect(missing, `${mode}-mode routes missing from the document`).toEqual([]);
      routes.forEach((r) => all.add(r));
    }
    expect([...described()].sort()).toEqual([...all].sort());
  });

  it('covers the rounds-mode and rounds admin routes', () => {
    const rounds = registered(routersByMode.rounds).filter((r) => / \/(admin\/)?rounds\//.test(r));
    expect(rounds).toContain('POST /rounds/contribution/{chunk}');
    expect(rounds).toContain('POST /admin/rounds/restore');
    const upload = doc.paths['/rounds/contribution/{chunk}']?.['post'];
    expect(upload?.parameters?.map((x) => `${x.in}:${x.name}`)).toEqual(['path:chunk', 'query:base']);
    expect(upload?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/rounds/verifications/{contributionId}']?.['post']?.responses['403']).toBeDefined();
    expect(doc.paths['/rounds/status']?.['get']?.security).toEqual([]);
  });

  it('serves both name variants of the participant API', () => {
    for (const p of ['/lobby/enter', '/queue/join', '/lobby/checkin', '/queue/checkin', '/queue/leave']) expect(doc.paths[p]?.['post']).toBeDefined();
  });

  it('enumerates every error code with its status', () => {
    const codeSchema = doc.components.schemas['ErrorCode'];
    expect(codeSchema?.enum).toEqual(Object.keys(errorCodes));
    expect(codeSchema?.['x-http-status']).toEqual(errorCodes);
    expect(doc.components.schemas['Error']).toBeDefined();
  });

  it('has unique operation ids, a bearer scheme on authenticated calls, declared path parameters', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [p, item] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item)) {
        expect(op.parameters?.filter((x) => x.in === 'path').map((x) => x.name) ?? []).toEqual(names);
        // The calls that need a session, and only those, declare the bearer scheme and answer UNAUTHENTICATED.
        const unauthenticated = JSON.stringify(op.responses['401'] ?? null).includes('UNAUTHENTICATED');
        expect(op.security.length > 0, p).toBe(unauthenticated);
      }
    }
    expect(doc.paths['/lobby/checkin']?.['post']?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/admin/ban']?.['post']?.responses['403']).toBeDefined();
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      expect(r.startsWith('#/')).toBe(true);
      let cursor: unknown = doc;
      for (const part of r.slice(2).split('/')) cursor = (cursor as Record<string, unknown> | undefined)?.[part];
      expect(cursor, r).toBeDefined();
    }
  });
});

describe('GET /openapi.json', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const app = new Koa();
    const router = openApiRoutes();
    app.use(router.routes()).use(router.allowedMethods());
    server = await listen(app, '127.0.0.1', 0, 10_000);
  });
  afterAll(async () => {
    await server?.close(1_000);
  });

  it('serves the document as JSON', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(doc);
  });
});
