// A `ceremony worker` process against a shared Temporal serves the Temporal SDK's own metrics on
// temporal.workerMetricsPort (what the chart's liveness probe and Prometheus ask), and stops cleanly.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../common/tools.js';
import { freePort } from '../helpers/ports.js';
import { startTemporal } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let dir: string;

beforeAll(async () => {
  env = await startTemporal();
  dir = await mkdtemp(path.join(os.tmpdir(), 'worker-metrics-'));
});

afterAll(async () => {
  await env?.teardown();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it('serves the Temporal SDK metrics on its metrics port while it polls, and exits 0 on SIGTERM', async () => {
  const keyFile = path.join(dir, 'receipt.pem');
  await writeFile(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  const port = await freePort();
  const child = spawn(path.join(repoRoot, 'bin', 'ceremony'), ['worker', '--task-queue', 'ceremony-verification'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      CEREMONY_DATA_DIR: dir,
      CEREMONY_RECEIPT_KEY_FILE: keyFile,
      CEREMONY_STORE_FS_ROOT: path.join(dir, 'shared-objects'),
      CEREMONY_WORKER_METRICS_PORT: String(port),
      CEREMONY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    // The worker polls from the moment it runs; the SDK counts its polls.
    let metrics = '';
    while (!/temporal_\w*poll\w*/.test(metrics)) {
      if (child.exitCode !== null) throw new Error(`the worker exited: ${output}`);
      await new Promise((r) => setTimeout(r, 500));
      metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (res) => res.text(),
        () => '',
      );
    }
    expect(metrics).toMatch(/task_queue="ceremony-verification"/);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited, output).toBe(0);
});
