// Fail fast outside the embedded stack (#13 item 7): `ceremony api`, `ceremony worker` and `ceremony
// start` pointed at a shared Temporal (TEMPORAL_ADDRESS) refuse to start, exit 2 (configuration),
// without a receipt key and an object store every replica shares: a key or a store of their own
// would sign receipts nobody else can check and keep objects the other replicas cannot read. The
// refusal comes before any connection (the address here answers nothing). With both configured, the
// API starts against a real Temporal and is ready.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../common/tools.js';
import { runProgram } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { startTemporal } from '../helpers/temporal.js';

const ceremony = path.join(repoRoot, 'bin', 'ceremony');
/** Nothing listens there: a process that tried to connect would hang or fail differently. */
const NOWHERE = '127.0.0.1:1';

let dir: string;
let keyFile: string;

/** The caller's environment without any ceremony or Temporal setting, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('CEREMONY_') && !name.startsWith('TEMPORAL_')) env[name] = value;
  return { ...env, CEREMONY_LOG_LEVEL: 'warn', CEREMONY_DATA_DIR: path.join(dir, 'data'), ...extra };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shared-temporal-'));
  keyFile = path.join(dir, 'receipt.pem');
  await writeFile(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const commands: Array<[string, string[]]> = [
  ['api', ['api']],
  ['worker (workflows)', ['worker', '--task-queue', 'ceremony-workflows']],
  ['worker (verification)', ['worker', '--task-queue', 'ceremony-verification']],
  ['start', ['start']],
];

describe.each(commands)('ceremony %s against a shared Temporal', (_name, args) => {
  it('refuses to start without a shared store, naming store.kind, store.fsRoot and their variables', async () => {
    const result = await runProgram(ceremony, args, { env: cleanEnv({ TEMPORAL_ADDRESS: NOWHERE, CEREMONY_RECEIPT_KEY_FILE: keyFile }) });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/store\.kind s3 \(CEREMONY_STORE=s3/);
    expect(result.stderr).toMatch(/store\.fsRoot \(CEREMONY_STORE_FS_ROOT\)/);
    expect(result.stderr).not.toMatch(/receipt/);
  });

  it('refuses to start with store.kind fs alone (no shared path named)', async () => {
    const result = await runProgram(ceremony, args, { env: cleanEnv({ TEMPORAL_ADDRESS: NOWHERE, CEREMONY_RECEIPT_KEY_FILE: keyFile, CEREMONY_STORE: 'fs' }) });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/CEREMONY_STORE_FS_ROOT/);
  });

  it('lists both missing settings at once when neither the receipt key nor the store is set', async () => {
    const result = await runProgram(ceremony, args, { env: cleanEnv({ TEMPORAL_ADDRESS: NOWHERE }) });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/evidence\.receiptKeyFile \(CEREMONY_RECEIPT_KEY_FILE\)/);
    expect(result.stderr).toMatch(/CEREMONY_STORE_FS_ROOT/);
  });

  it('refuses the s3 store without its keys', async () => {
    const result = await runProgram(ceremony, args, { env: cleanEnv({ TEMPORAL_ADDRESS: NOWHERE, CEREMONY_RECEIPT_KEY_FILE: keyFile, CEREMONY_STORE: 's3' }) });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/store\.s3\.accessKey and store\.s3\.secretKey are required/);
  });
});

it('writes nothing into its own data directory when it refuses', async () => {
  const data = path.join(dir, 'untouched');
  const result = await runProgram(ceremony, ['worker', '--task-queue', 'ceremony-workflows'], {
    env: { ...cleanEnv({ TEMPORAL_ADDRESS: NOWHERE }), CEREMONY_DATA_DIR: data },
  });
  expect(result.code, result.stderr).toBe(2);
  expect(await readdir(data).catch(() => [])).toEqual([]);
});

describe('with the receipt key and a shared filesystem store', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('the API starts against the shared Temporal, is ready, keeps its objects under store.fsRoot, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const shared = path.join(dir, 'shared-objects');
    const child = spawn(ceremony, ['api', '--port', String(port)], {
      env: cleanEnv({ TEMPORAL_ADDRESS: env.address, CEREMONY_RECEIPT_KEY_FILE: keyFile, CEREMONY_STORE_FS_ROOT: shared, CEREMONY_DEV_LOGIN: 'true' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      let ready: unknown;
      while (ready === undefined) {
        if (child.exitCode !== null) throw new Error(`the API exited: ${output}`);
        await new Promise((r) => setTimeout(r, 500));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          async (res) => (res.ok ? ((await res.json()) as unknown) : undefined),
          () => undefined,
        );
      }
      expect(ready).toMatchObject({ status: 'ready', checks: { temporal: 'ok', store: 'ok' } });
      expect(await readdir(shared)).not.toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  });
});
