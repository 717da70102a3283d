// The installable client, as a new user gets it: built and packed (`npm pack`), installed with
// `npm install -g` into a temporary prefix, and run from outside the repository (no access to its
// node_modules, a bare PATH), against the real stack: a sequential contribution whose saved receipt
// `verify` then checks against the pinned key, and a rounds contribution.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildClientPackage, CLIENT_PACKAGE_NAME, packClient } from '../../packages/contributor/build.js';
import { requestJson } from '../../client/http.js';
import { runProgram, type CliResult } from '../helpers/cli.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let home: string;
let binary: string;

/** Runs a program with a bare environment: Node on the PATH, a fresh HOME, the temporary folder as cwd. */
function run(command: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runProgram(command, args, { cwd: home, env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, ...extraEnv } });
}

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'client-package-'));
  const built = await buildClientPackage(path.join(home, 'build'));
  // Nothing of the coordinator is in the bundle.
  expect(built.inputs.filter((file) => /@temporalio|node_modules\/koa|@koa\//.test(file))).toEqual([]);
  const tarball = await packClient(built, path.join(home, 'packed'));
  // The optional native addon comes from the npm cache or the registry when it can; without it the
  // client computes on WebAssembly.
  const npm = path.join(path.dirname(process.execPath), 'npm');
  const installed = await run(existsSync(npm) ? npm : 'npm', ['install', '-g', '--prefix', path.join(home, 'prefix'), tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
    npm_config_cache: path.join(os.homedir(), '.npm'),
  });
  expect(installed.code, installed.stderr).toBe(0);
  binary = path.join(home, 'prefix', 'bin', CLIENT_PACKAGE_NAME);
  expect(existsSync(binary)).toBe(true);
});

afterAll(async () => {
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

it('prints its version and help, and refuses an unknown flag with exit 2', async () => {
  const version = await run(binary, ['--version']);
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toBe(JSON.parse(await readFile(path.join(import.meta.dirname, '../../package.json'), 'utf8')).version);
  const help = await run(binary, ['contributor', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('ceremony-contributor contributor');
  expect((await run(binary, ['contributor', '--no-such-flag'])).code).toBe(2);
});

describe('against a sequential ceremony', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 16, numG2Powers: 4 }] }, auth: { rateLimits: { enabled: false } } });
  });
  afterAll(() => stack?.stop());

  it('contributes, saves the receipt, and verify checks it against the pinned key', async () => {
    const receiptFile = path.join(home, 'alice-receipt.json');
    const contributed = await run(binary, ['contributor', '--url', stack.url, '--name', 'package-alice', '--receipt-out', receiptFile]);
    expect(contributed.code, contributed.stderr).toBe(0);
    expect(JSON.parse(contributed.stdout)).toMatchObject({ participantId: 'dev|package-alice', sequence: 1, receiptValid: true, receiptFile });
    const info = await requestJson<{ receiptKeyFingerprints: string[] }>(stack.url, '/ceremony/info');
    const verified = await run(binary, ['verify', '--url', stack.url, '--receipt', receiptFile, '--key', info.receiptKeyFingerprints[0] ?? '', '--json']);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true });
  });
});

describe('against a rounds ceremony', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      ceremony: { mode: 'rounds', rounds: { numG1Powers: 16, numG2Powers: 4, chunkCount: 2, contributorsPerRound: 1, roundFillWaitMs: 1_000, verification: 'coordinator' } },
      auth: { rateLimits: { enabled: false } },
    });
  });
  afterAll(() => stack?.stop());

  it('contributes to a round and its round receipt verifies', async () => {
    const contributed = await run(binary, ['contributor', '--url', stack.url, '--name', 'package-bob']);
    expect(contributed.code, contributed.stderr).toBe(0);
    const result = JSON.parse(contributed.stdout) as { receiptFile: string; attestation: string; receipt: { round: number } };
    expect(result).toMatchObject({ outcome: 'done', receipt: { valid: true } });
    // Saved beside the person (the temporary folder is its cwd), attested, and checked by verify.
    expect(result.receiptFile).toBe(`round-${result.receipt.round}-receipt.json`);
    expect(result.attestation).toContain('dev|package-bob');
    expect(result.attestation).toContain(`round:             ${result.receipt.round}`);
    const info = await requestJson<{ receiptKeyFingerprints: string[] }>(stack.url, '/ceremony/info');
    const verified = await run(binary, ['verify', '--url', stack.url, '--receipt', path.join(home, result.receiptFile), '--key', info.receiptKeyFingerprints[0] ?? '', '--json']);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
    // #13: the round is found in Temporal by its attributes.
    await vi.waitFor(
      async () => {
        const ids: string[] = [];
        for await (const w of stack.env.client.workflow.list({ query: `CeremonyId = 'main' AND Round = ${result.receipt.round}` })) ids.push(w.workflowId);
        expect(ids).toEqual([`ceremony-main-round-${result.receipt.round}-attempt-0`]);
      },
      { timeout: 30_000, interval: 500 },
    );
    // #13: the round shows in the ceremony's own metrics.
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toContain('ceremony_status_up 1');
    expect(metrics).toMatch(/ceremony_rounds_completed [1-9]/);
  });
});
