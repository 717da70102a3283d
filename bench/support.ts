// What the benchmarks share: argument bounds, the stack they measure, and reading history event times.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { startStack } from '../runtime/stack.js';
import { freePort } from '../test/helpers/ports.js';
import { startTestStack } from '../test/helpers/stack.js';

export function bounded(raw: string | undefined, min: number, max: number, name: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
}

export interface BenchStack {
  apiUrl: string;
  client: Client;
  cfg: Config;
  stop(): Promise<void>;
}

/**
 * embedded: runtime/stack.ts, what `ceremony start` runs (the dev server persists to a SQLite file),
 * on free loopback ports in a temporary data directory.
 * test: test/helpers/stack.ts (the dev server keeps its SQLite database in memory).
 */
export async function startBenchStack(kind: 'embedded' | 'test', overrides: Record<string, unknown>, logLevel: string, name: string): Promise<BenchStack> {
  if (kind === 'test') {
    const t = await startTestStack(overrides);
    return { apiUrl: t.url, client: t.env.client, cfg: t.cfg, stop: () => t.stop() };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), `bench-${name}-`));
  const [apiPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const auth = (overrides['auth'] ?? {}) as Record<string, unknown>;
  const cfg = loadConfig({
    env: {},
    overrides: {
      ...overrides,
      dataDir: dir,
      log: { level: logLevel },
      auth: { ...auth, dev: { enabled: true } },
      api: { host: '127.0.0.1', port: apiPort },
      temporal: { devServer: { ip: '127.0.0.1', port: temporalPort, uiPort } },
    },
  });
  try {
    const stack = await startStack(cfg, createLogger(cfg.log.level));
    return {
      apiUrl: stack.apiUrl,
      client: stack.client,
      cfg,
      async stop() {
        await stack.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
export type HistoryEvent = NonNullable<History['events']>[number];

export function eventMs(e: HistoryEvent): number {
  const t = e.eventTime;
  return t === null || t === undefined ? NaN : Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
