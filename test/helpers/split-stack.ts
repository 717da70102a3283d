// The coordinator as a deployment runs it, on loopback: a Temporal dev server, two API replicas
// (`ceremony api`) behind a balancer, a workflow worker and a verification worker (`ceremony worker`),
// each its own process, sharing one configuration file, one receipt key and one filesystem store.
// Like a process supervisor, it starts again any process that exits; `kill` is `kill -9`.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../common/config.js';
import { waitFor } from '../../common/child-process.js';
import { devServerArgs, temporalAnswers } from '../../common/temporal-dev-server.js';
import { repoRoot, toolPath } from '../../common/tools.js';
import { startBalancer, type Balancer } from './balancer.js';
import { freePort } from './ports.js';

export const PROCESS_NAMES = ['temporal', 'api-1', 'api-2', 'workflow-worker', 'verification-worker'] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

export interface SplitStack {
  /** The balancer in front of both API replicas: what participants call. */
  url: string;
  dataDir: string;
  cfg: Config;
  /** `kill -9` of one process; it is started again after `downMs` (at once by default), as a supervisor would. */
  kill(name: ProcessName, downMs?: number): Promise<void>;
  /** Resolves once the process answers again (the dev server, an API's /healthz, a worker's poll loop). */
  ready(name: ProcessName): Promise<void>;
  /** How many times each process was started, first start included. */
  starts(): Record<ProcessName, number>;
  /** Answers lost because a replica died holding the request. */
  lostAnswers(): number;
  stop(): Promise<void>;
}

/** How long a process may take to answer after it is started, on a loaded two-core machine. */
const READY_TIMEOUT_MS = 120_000;

interface Supervised {
  child: ChildProcess | undefined;
  /** Set by `kill` while the process is held down; the supervisor then waits for it. */
  heldUntil: number;
  starts: number;
  ready: Promise<void>;
}

export async function startSplitStack(ceremony: Record<string, unknown>, options: { dataDir?: string } = {}): Promise<SplitStack> {
  const dir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'split-')));
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  const [temporalPort, uiPort, api1, api2, metrics1, metrics2] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const receiptKeyFile = path.join(dir, 'receipt-key.pem');
  await writeFile(receiptKeyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const address = `127.0.0.1:${temporalPort}`;
  const fileConfig = {
    dataDir: dir,
    log: { level: 'info' },
    temporal: { address, devServer: { port: temporalPort, uiPort } },
    store: { kind: 'fs', fsRoot: path.join(dir, 'objects') },
    evidence: { receiptKeyFile },
    auth: { dev: { enabled: true }, rateLimits: { enabled: false } },
    ceremony,
  };
  const configFile = path.join(dir, 'ceremony.json');
  await writeFile(configFile, JSON.stringify(fileConfig, null, 2));
  const cfg = loadConfig({ file: configFile, env: {} });
  const ceremonyBin = path.join(repoRoot, 'bin', 'ceremony');
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: address };
  delete baseEnv['CEREMONY_TOKEN'];

  const specs: Record<ProcessName, { command: string; args: string[]; env: NodeJS.ProcessEnv; ready: (output: () => string) => Promise<void> }> = {
    temporal: {
      command: toolPath('temporal'),
      args: devServerArgs(cfg, path.join(dir, cfg.temporal.devServer.dbFileName)),
      env: process.env,
      ready: () => temporalAnswers(address),
    },
    'api-1': { command: ceremonyBin, args: ['api', '--config', configFile, '--port', String(api1)], env: baseEnv, ready: () => healthy(api1) },
    'api-2': { command: ceremonyBin, args: ['api', '--config', configFile, '--port', String(api2)], env: baseEnv, ready: () => healthy(api2) },
    'workflow-worker': {
      command: ceremonyBin,
      args: ['worker', '--config', configFile, '--task-queue', cfg.temporal.taskQueues.workflows],
      env: { ...baseEnv, CEREMONY_WORKER_METRICS_PORT: String(metrics1) },
      ready: (output) => said(output, 'worker running'),
    },
    'verification-worker': {
      command: ceremonyBin,
      args: ['worker', '--config', configFile, '--task-queue', cfg.temporal.taskQueues.verification],
      env: { ...baseEnv, CEREMONY_WORKER_METRICS_PORT: String(metrics2) },
      ready: (output) => said(output, 'worker running'),
    },
  };

  let stopping = false;
  const logs = new Map<ProcessName, WriteStream>();
  const processes = new Map<ProcessName, Supervised>();
  const launch = (name: ProcessName): void => {
    const spec = specs[name];
    const log = logs.get(name) ?? createWriteStream(path.join(dir, 'logs', `${name}.log`), { flags: 'a' });
    logs.set(name, log);
    const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (data: Buffer): void => {
      if (output.length < 1_000_000) output += data.toString();
      log.write(data);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const entry = processes.get(name) ?? { child: undefined, heldUntil: 0, starts: 0, ready: Promise.resolve() };
    entry.child = child;
    entry.starts += 1;
    log.write(`\n=== start ${entry.starts} at ${new Date().toISOString()} ===\n`);
    // Answers, or fails at once if this very process exits first (the supervisor starts another).
    let exitedEarly = false;
    child.once('exit', () => (exitedEarly = true));
    entry.ready = waitFor(
      `${name} to answer`,
      async () => {
        if (exitedEarly) return;
        await spec.ready(() => output);
      },
      READY_TIMEOUT_MS,
      200,
    ).then(() => {
      if (exitedEarly) throw new Error(`${name} exited before it answered`);
    });
    entry.ready.catch(() => undefined);
    processes.set(name, entry);
    child.once('exit', () => {
      if (entry.child !== child || stopping) return;
      entry.child = undefined;
      // The supervisor: start it again once any hold is over (and a moment after a crash, not in a loop).
      const wait = Math.max(500, entry.heldUntil - Date.now());
      setTimeout(() => {
        if (!stopping && entry.child === undefined) launch(name);
      }, wait);
    });
  };

  const entryOf = (name: ProcessName): Supervised => processes.get(name) as Supervised;
  /** Until the current process of `name` has answered (a process that exits first is followed by the next). */
  const untilReady = async (name: ProcessName): Promise<void> => {
    const giveUpAt = Date.now() + READY_TIMEOUT_MS + Math.max(0, entryOf(name).heldUntil - Date.now());
    for (;;) {
      const entry = entryOf(name);
      if (entry.child !== undefined) {
        try {
          await entry.ready;
          if (entryOf(name).child === entry.child) return;
        } catch (err) {
          if (Date.now() > giveUpAt) throw err;
        }
      }
      if (Date.now() > giveUpAt) throw new Error(`${name} did not answer within ${READY_TIMEOUT_MS} ms of being started`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stopAll = async (): Promise<void> => {
    stopping = true;
    // The API replicas and workers first (they drain on SIGTERM), the Temporal server last.
    const stopOne = async (name: ProcessName): Promise<void> => {
      const child = processes.get(name)?.child;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    };
    await Promise.all(PROCESS_NAMES.filter((n) => n !== 'temporal').map(stopOne));
    await stopOne('temporal');
    for (const log of logs.values()) log.end();
    if (options.dataDir === undefined && process.env['KEEP_CHAOS_DATA'] === undefined) await rm(dir, { recursive: true, force: true });
  };

  // The Temporal server first: the others connect to it when they start. A start that fails stops
  // whatever it started.
  let balancer: Balancer;
  try {
    launch('temporal');
    await untilReady('temporal');
    for (const name of PROCESS_NAMES) if (name !== 'temporal') launch(name);
    await Promise.all(PROCESS_NAMES.map(untilReady));
    balancer = await startBalancer([api1, api2]);
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    url: balancer.url,
    dataDir: dir,
    cfg,
    async kill(name, downMs = 0) {
      const entry = entryOf(name);
      const child = entry.child;
      entry.heldUntil = Date.now() + downMs;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await exited;
    },
    ready: untilReady,
    starts: () => Object.fromEntries(PROCESS_NAMES.map((n) => [n, entryOf(n).starts])) as Record<ProcessName, number>,
    lostAnswers: () => balancer.lostAnswers(),
    async stop() {
      await balancer.close();
      await stopAll();
    },
  };
}

async function healthy(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
}

async function said(output: () => string, message: string): Promise<void> {
  if (!output().includes(`"msg":"${message}"`)) throw new Error(`has not said "${message}" yet`);
}
