// `bin/ceremony start` as a user runs it: the whole stack comes up, stops cleanly on SIGTERM within
// 10 s leaving no process behind, and a second start on the same data directory keeps every workflow;
// after kill -9 of the parent alone, the next start stops the dev server it left behind (#13 item 3).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../../common/tools.js';
import { waitFor } from '../../common/child-process.js';
import { isRunning } from '../../common/stale-dev-server.js';
import { FsObjectStore } from '../../store/fs-store.js';
import { smokeWorkflow } from '../../workflows/index.js';
import { freePort, isListening } from '../helpers/ports.js';

const children: ChildProcess[] = [];
let dataDir = '';

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

interface Ports {
  api: number;
  temporal: number;
  ui: number;
}

function startStack(ports: Ports): { child: ChildProcess; output: () => string } {
  const child = spawn(path.join(repoRoot, 'bin', 'ceremony'), ['start', '--port', String(ports.api), '--data-dir', dataDir], {
    env: {
      ...process.env,
      CEREMONY_TEMPORAL_PORT: String(ports.temporal),
      CEREMONY_TEMPORAL_UI_PORT: String(ports.ui),
      CEREMONY_LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return { child, output: () => text };
}

async function waitReady(port: number, output: () => string): Promise<void> {
  await waitFor(
    `readyz on ${port} (output so far: ${output()})`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    },
    90_000,
    300,
  );
}

async function stopWithSigterm(child: ChildProcess): Promise<{ ms: number; code: number | null }> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { ms: Date.now() - started, code };
}

it('starts, answers readyz and the UI, stops within 10 s on SIGTERM, and resumes with every workflow', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'stack-'));
  const ports: Ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };

  const first = startStack(ports);
  await waitReady(ports.api, first.output);
  expect(first.output()).toContain(`API:          http://127.0.0.1:${ports.api}`);
  expect(first.output()).toContain(`Temporal UI:  http://127.0.0.1:${ports.ui}`);
  expect(first.output()).toContain(`data:         ${dataDir}`);
  const ui = await waitFor(
    'Temporal UI',
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.ui}/`);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res;
    },
    30_000,
  );
  expect(ui.status).toBe(200);

  // Run a workflow through the stack's own workers.
  const store = await new FsObjectStore(path.join(dataDir, 'objects')).init();
  const stored = await store.put('smoke', Buffer.from('persist me'));
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const client = new Client({ connection });
  const workflowId = `before-restart-${Date.now()}`;
  const result = await client.workflow.execute(smokeWorkflow, {
    taskQueue: 'ceremony-workflows',
    workflowId,
    args: [{ objectKey: stored.key, verificationTaskQueue: 'ceremony-verification' }],
  });
  expect(result.sha256).toBe(stored.sha256);
  await connection.close();

  const stop = await stopWithSigterm(first.child);
  expect(stop.code).toBe(0);
  expect(stop.ms).toBeLessThan(10_000);
  for (const port of [ports.api, ports.temporal, ports.ui]) expect(await isListening(port)).toBe(false);

  const second = startStack(ports);
  await waitReady(ports.api, second.output);
  const again = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const resumed = new Client({ connection: again });
  const described = await resumed.workflow.getHandle(workflowId).describe();
  expect(described.status.name).toBe('COMPLETED');
  // The visibility store persisted too; its listing may lag the history by a moment, so ask until it answers.
  const listed = await waitFor(
    'the workflow in the visibility listing',
    async () => {
      const ids: string[] = [];
      for await (const wf of resumed.workflow.list({ query: `WorkflowId = '${workflowId}'` })) ids.push(wf.workflowId);
      if (ids.length === 0) throw new Error('not listed yet');
      return ids;
    },
    30_000,
    200,
  );
  expect(listed).toEqual([workflowId]);
  await again.close();
  const secondStop = await stopWithSigterm(second.child);
  expect(secondStop.code).toBe(0);
  expect(secondStop.ms).toBeLessThan(10_000);
});

it('starts cleanly on the same data directory after kill -9 of the parent alone, stopping the dev server it left behind', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stack-orphan-'));
  const previous = dataDir;
  dataDir = dir;
  try {
    const ports: Ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    const first = startStack(ports);
    await waitReady(ports.api, first.output);
    const exited = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
    first.child.kill('SIGKILL');
    await exited;
    // The dev server it started outlives it, holding the port and the database.
    expect(await isListening(ports.temporal)).toBe(true);
    const orphan = JSON.parse(await readFile(path.join(dir, 'temporal-dev-server.pid'), 'utf8')) as { pid: number };

    const second = startStack(ports);
    await waitReady(ports.api, second.output);
    expect(second.output()).toMatch(/left behind by an earlier start/);
    expect(await isRunning(orphan.pid)).toBe(false);
    const stop = await stopWithSigterm(second.child);
    expect(stop.code).toBe(0);
    for (const port of [ports.api, ports.temporal, ports.ui]) expect(await isListening(port)).toBe(false);
  } finally {
    dataDir = previous;
    await rm(dir, { recursive: true, force: true });
  }
});

it('starts cleanly on the same data directory after kill -9 of the whole tree, and after the dev server alone died', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stack-killed-'));
  const previous = dataDir;
  dataDir = dir;
  try {
    const ports: Ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    const devServerPid = async (): Promise<number> => (JSON.parse(await readFile(path.join(dir, 'temporal-dev-server.pid'), 'utf8')) as { pid: number }).pid;

    // The whole tree: the parent and its dev server, both with -9; the pid file is left behind.
    const first = startStack(ports);
    await waitReady(ports.api, first.output);
    const firstServer = await devServerPid();
    const firstExited = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
    first.child.kill('SIGKILL');
    process.kill(firstServer, 'SIGKILL');
    await firstExited;
    await waitFor('the killed dev server to be gone', async () => expect(await isRunning(firstServer)).toBe(false), 10_000, 100);

    // The dev server alone: the stack cannot serve, and stops on SIGTERM all the same.
    const second = startStack(ports);
    await waitReady(ports.api, second.output);
    process.kill(await devServerPid(), 'SIGKILL');
    await waitFor('the port of the killed dev server to close', async () => expect(await isListening(ports.temporal)).toBe(false), 10_000, 100);
    await stopWithSigterm(second.child);

    // And the next start is clean, and stops cleanly.
    const third = startStack(ports);
    await waitReady(ports.api, third.output);
    const stop = await stopWithSigterm(third.child);
    expect(stop.code).toBe(0);
    for (const port of [ports.api, ports.temporal, ports.ui]) expect(await isListening(port)).toBe(false);
  } finally {
    dataDir = previous;
    await rm(dir, { recursive: true, force: true });
  }
});

it('fails at start with the field named when the configuration is invalid', async () => {
  const child = spawn(path.join(repoRoot, 'bin', 'ceremony'), ['start', '--port', '70000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(2);
  expect(err).toContain('api.port');
});
