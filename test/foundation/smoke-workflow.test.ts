// A workflow and an activity through the real Temporal dev server, with the production workers.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { FsObjectStore } from '../../store/fs-store.js';
import { createWorker } from '../../runtime/workers.js';
import { smokeWorkflow } from '../../workflows/index.js';
import { startTemporal } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let dir: string;
let cfg: Config;

beforeAll(async () => {
  env = await startTemporal();
  dir = await mkdtemp(path.join(os.tmpdir(), 'smoke-'));
  cfg = loadConfig({ env: {}, overrides: { dataDir: dir, log: { level: 'silent' } } });
});

afterAll(async () => {
  await env?.teardown();
  await rm(dir, { recursive: true, force: true });
});

it('runs a workflow whose activity, on the verification queue, reads a stored object', async () => {
  const log = createLogger('silent');
  const store = await new FsObjectStore(path.join(dir, 'objects')).init();
  const data = randomBytes(4096);
  const stored = await store.put('smoke', data);
  const deps = { cfg, log, store, connection: env.nativeConnection };
  const workers = [await createWorker('workflows', deps), await createWorker('verification', deps)];
  const [wf, ver] = workers;
  if (wf === undefined || ver === undefined) throw new Error('workers missing');
  const result = await ver.runUntil(
    wf.runUntil(
      env.client.workflow.execute(smokeWorkflow, {
        taskQueue: cfg.temporal.taskQueues.workflows,
        workflowId: `smoke-${randomBytes(4).toString('hex')}`,
        args: [{ objectKey: stored.key, verificationTaskQueue: cfg.temporal.taskQueues.verification }],
      }),
    ),
  );
  expect(result).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), size: 4096 });
});
