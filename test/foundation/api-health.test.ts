// The API's health endpoints and error mapping, against a real Temporal server and a real store.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { listen, type RunningServer } from '../../api/server.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { FsObjectStore } from '../../store/fs-store.js';
import { startTemporal } from '../helpers/temporal.js';
import { createSessionTokens } from '../../api/auth/session.js';

let env: TestWorkflowEnvironment;
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  env = await startTemporal();
  dir = await mkdtemp(path.join(os.tmpdir(), 'api-'));
  const cfg = loadConfig({ env: {}, overrides: { dataDir: dir } });
  const store = await new FsObjectStore(path.join(dir, 'objects')).init();
  server = await listen(createApp({ cfg, log: createLogger('silent'), temporal: env.client, store, tokens: await createSessionTokens(cfg), receiptKeys: [] }), '127.0.0.1', 0, 10_000);
});

afterAll(async () => {
  await server?.close(1_000);
  await env?.teardown();
  await rm(dir, { recursive: true, force: true });
});

describe('health', () => {
  it('GET /healthz answers while the process lives', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when Temporal and the store answer', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', store: 'ok' } });
  });

  it('carries a request id, echoing a well-formed one', async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a JSON error body', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'NOT_FOUND', message: 'no route for GET /nope' });
  });
});

describe('readiness when a dependency is gone', () => {
  it('GET /readyz is 503 with the failing check named when the store root disappears', async () => {
    await rm(path.join(dir, 'objects'), { recursive: true, force: true });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; details: { checks: Record<string, string> } };
    expect(body.code).toBe('NOT_READY');
    expect(body.details.checks['temporal']).toBe('ok');
    expect(body.details.checks['store']).toMatch(/not accessible/);
  });
});
