// The whole sequential stack in one test process: a real Temporal dev server, both production
// workers, the production API on 127.0.0.1, and a filesystem store in a temp directory.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { serveApi } from '../../api/serve.js';
import { createSessionTokens } from '../../api/auth/session.js';
import { SequentialGateway } from '../../api/sequential/gateway.js';
import { ensureCeremony } from '../../api/ensure-ceremony.js';
import type { RunningServer } from '../../api/server.js';
import { loadConfig, type Config } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { loadReceiptKey } from '../../evidence/receipt-key.js';
import { FsObjectStore } from '../../store/fs-store.js';
import type { ObjectStore } from '../../store/index.js';
import { createWorker, type WorkerOverrides } from '../../runtime/workers.js';
import { closeSharedEngine } from '../../activities/engine-instance.js';
import { startTemporal } from './temporal.js';

export interface TestStack {
  url: string;
  dataDir: string;
  cfg: Config;
  env: TestWorkflowEnvironment;
  store: ObjectStore;
  gateway: SequentialGateway;
  /** Shuts the workflow worker down (an outage of the coordinator's workflows), until restartWorkflowWorker. */
  stopWorkflowWorker(): Promise<void>;
  /** Starts the workflow worker again: on `workflowBundle` when given (an upgrade), else on the code it ran. */
  restartWorkflowWorker(workflowBundle?: WorkflowBundleWithSourceMap): Promise<void>;
  /** Closes the API (an outage of the coordinator's front), until restartApi serves it again on the same port. */
  stopApi(): Promise<void>;
  restartApi(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Reuse this data directory (and keep it at stop) instead of a fresh temporary one. */
  dataDir?: string;
  /** Extra flags for the Temporal dev server (e.g. --dynamic-config-value). */
  temporalArgs?: string[];
  /** The workflow code the workflow worker starts on (default: the current code, workflowBundle()). */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

export async function startTestStack(overrides: Record<string, unknown>, options: TestStackOptions = {}): Promise<TestStack> {
  const env = await startTemporal(options.temporalArgs);
  const dir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'stack-')));
  const base = { dataDir: dir, log: { level: 'silent' }, auth: { dev: { enabled: true } } };
  const cfg = loadConfig({ env: {}, overrides: deepMerge(base, overrides) });
  const log = createLogger(process.env['TEST_LOG_LEVEL'] === undefined ? 'silent' : (process.env['TEST_LOG_LEVEL'] as 'info'));
  const store = await new FsObjectStore(path.join(dir, 'objects')).init();
  const deps = { cfg, log, store, connection: env.nativeConnection };
  let workflowCode: WorkerOverrides = { workflowBundle: options.workflowBundle };
  const workers: Worker[] = [await createWorker('workflows', deps, workflowCode), await createWorker('verification', deps)];
  const running = workers.map((w) => w.run());
  const stopWorker = async (index: number): Promise<void> => {
    const w = workers[index] as Worker;
    if (w.getState() === 'RUNNING') w.shutdown();
    await running[index];
  };
  const gateway = new SequentialGateway(env.client, cfg);
  await ensureCeremony(env.client, cfg);
  const receiptKey = await loadReceiptKey(cfg);
  const apiDeps = { cfg, log, temporal: env.client, store, tokens: await createSessionTokens(cfg), receiptKeys: [receiptKey.publicJwk] };
  let server: RunningServer | undefined = await serveApi(apiDeps, '127.0.0.1', 0);
  const url = server.url;
  return {
    url,
    dataDir: dir,
    cfg,
    env,
    store,
    gateway,
    stopWorkflowWorker: () => stopWorker(0),
    async restartWorkflowWorker(workflowBundle) {
      await stopWorker(0);
      if (workflowBundle !== undefined) workflowCode = { workflowBundle };
      const w = await createWorker('workflows', deps, workflowCode);
      workers[0] = w;
      running[0] = w.run();
    },
    async stopApi() {
      await server?.close(10_000);
      server = undefined;
    },
    async restartApi() {
      server ??= await serveApi(apiDeps, '127.0.0.1', Number(new URL(url).port));
    },
    async stop() {
      // Returns once every handler is done (a handler still calling Temporal must not outlive the connection).
      await server?.close(10_000);
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      await closeSharedEngine();
      await env.teardown();
      if (options.dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

type Tree = Record<string, unknown>;
function deepMerge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object' && prev !== null && !Array.isArray(prev) ? deepMerge(prev as Tree, v as Tree) : v;
  }
  return out;
}
