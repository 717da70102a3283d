// The README's shell story, command for command: start the embedded stack with small sizes, run three
// reference contributors at once, download the transcript and verify it, stop the stack with SIGTERM.
// (Here on free ports, through CEREMONY_TEMPORAL_PORT / CEREMONY_TEMPORAL_UI_PORT.)
//
//   echo '{"ceremony":{"sizes":[{"numG1Powers":16,"numG2Powers":4}]}}' > small.json
//   CEREMONY_DEV_LOGIN=true bin/ceremony start --port 8080 --data-dir ./demo-data --config small.json &
//   stack=$!
//   until curl -sf http://127.0.0.1:8080/readyz > /dev/null; do sleep 1; done
//   pids=()
//   for name in alice bob carol; do
//     bin/ceremony contributor --url http://127.0.0.1:8080 --name "$name" & pids+=($!)
//   done
//   wait "${pids[@]}"
//   curl -s http://127.0.0.1:8080/transcript > transcript.json
//   bin/ceremony verify-transcript transcript.json
//   (each receipt: curl /receipts/<id> > name-receipt.json; bin/ceremony verify --url … --receipt … --key <fingerprint>)
//   kill "$stack"; wait "$stack"
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../../common/child-process.js';
import { repoRoot } from '../../common/tools.js';
import { freePort, isListening } from '../helpers/ports.js';

const bin = path.join(repoRoot, 'bin', 'ceremony');
const children: ChildProcess[] = [];
let dir = '';

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(bin, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

it('start, three contributors at once, verify the transcript, stop', async () => {
  const began = Date.now();
  dir = await mkdtemp(path.join(os.tmpdir(), 'shell-story-'));
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  const url = `http://127.0.0.1:${ports.api}`;
  await writeFile(path.join(dir, 'small.json'), JSON.stringify({ ceremony: { sizes: [{ numG1Powers: 16, numG2Powers: 4 }] } }));

  const stack = run(['start', '--port', String(ports.api), '--data-dir', path.join(dir, 'demo-data'), '--config', 'small.json'], {
    CEREMONY_DEV_LOGIN: 'true',
    CEREMONY_TEMPORAL_PORT: String(ports.temporal),
    CEREMONY_TEMPORAL_UI_PORT: String(ports.ui),
    CEREMONY_LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: '',
  });
  await waitFor(
    `readyz (output so far: ${stack.stderr()})`,
    async () => {
      const res = await fetch(`${url}/readyz`);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    },
    90_000,
    300,
  );
  expect(stack.stderr()).toContain(`API:          ${url}`);

  // Three reference contributors at once.
  const names = ['alice', 'bob', 'carol'];
  const contributors = names.map((name) => run(['contributor', '--url', url, '--name', name]));
  const codes = await Promise.all(contributors.map((c) => c.exited));
  const results = contributors.map((c, i) => {
    const lines = c
      .stdout()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines, `${names[i]}: ${c.stderr()}`).toHaveLength(1);
    return JSON.parse(lines[0] as string) as { participantId: string; sequence: number; receiptValid: boolean; receiptId: string; receiptFile: string; attestation: string };
  });
  expect(codes, contributors.map((c) => c.stderr()).join('\n')).toEqual([0, 0, 0]);
  expect(results.map((r) => r.participantId)).toEqual(names.map((n) => `dev|${n}`));
  expect(results.map((r) => r.sequence).sort()).toEqual([1, 2, 3]);
  for (const r of results) {
    expect(r.receiptValid).toBe(true);
    expect(r.receiptId).toMatch(/^[0-9a-f]{64}$/);
  }
  for (const c of contributors) expect(c.stderr()).toContain('[contributor] accepted as contribution');
  // stderr is no terminal here: progress comes as timestamped lines, for the download, the computation,
  // the upload and the wait while the coordinator verifies.
  for (const c of contributors) {
    for (const step of [
      'downloaded the current powers \\(\\d+ bytes\\)',
      'contribute \\(every sub-ceremony\\): 100%',
      'upload the contribution: 100%',
      'uploaded; the coordinator is verifying the contribution: done after',
    ]) {
      expect(c.stderr()).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z \\[contributor\\] ${step}`, 'm'));
    }
  }
  // Each saved its receipt here, as the coordinator serves it, and printed an attestation to post.
  for (const [i, r] of results.entries()) {
    expect(r.receiptFile).toBe(`receipt-${r.sequence}.json`);
    const saved = JSON.parse(await readFile(path.join(dir, r.receiptFile), 'utf8')) as unknown;
    expect(saved).toEqual(await (await fetch(`${url}/receipts/${r.receiptId}`)).json());
    expect(r.attestation).toContain(`identity:          dev|${names[i]}`);
    expect(r.attestation).toContain(`receipt id:        ${r.receiptId}`);
    expect(contributors[i]?.stderr()).toContain(`attestation (post it):\n\n${r.attestation}`);
  }

  // The transcript, downloaded and verified offline.
  const res = await fetch(`${url}/transcript`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-sequence')).toBe('3');
  await writeFile(path.join(dir, 'transcript.json'), Buffer.from(await res.arrayBuffer()));
  const verify = run(['verify-transcript', 'transcript.json']);
  expect(await verify.exited, verify.stderr()).toBe(0);
  expect(JSON.parse(verify.stdout().trim())).toMatchObject({ valid: true, contributions: 3 });

  // Each receipt, by the public's one command, pinned to the fingerprint `ceremony start` printed.
  const fingerprint = /receipt key: +([A-Za-z0-9_-]{43})/.exec(stack.stderr())?.[1] ?? '';
  expect(fingerprint).not.toBe('');
  for (const [i, r] of results.entries()) {
    const receipt = await fetch(`${url}/receipts/${r.receiptId}`);
    expect(receipt.status).toBe(200);
    await writeFile(path.join(dir, `${names[i]}-receipt.json`), Buffer.from(await receipt.arrayBuffer()));
    const checked = run(['verify', '--url', url, '--receipt', `${names[i]}-receipt.json`, '--key', fingerprint]);
    expect(await checked.exited, checked.stderr() + checked.stdout()).toBe(0);
    expect(checked.stdout()).toMatch(new RegExp(`valid turn receipt of dev\\|${names[i]}[^\\n]*\\n(.*\\n)*VALID\\n$`));
  }

  // The command each attestation gives checks the receipt the contributor saved.
  for (const r of results) {
    const command = r.attestation.split('\n').at(-1)?.trim().split(' ') ?? [];
    expect(command.slice(0, 6)).toEqual(['ceremony', 'verify', '--url', url, '--receipt', r.receiptFile]);
    expect(command.slice(6)).toEqual(['--key', fingerprint]);
    const checked = run(command.slice(1));
    expect(await checked.exited, checked.stderr() + checked.stdout()).toBe(0);
    expect(checked.stdout()).toMatch(/\nVALID\n$/);
  }

  // SIGTERM stops everything, cleanly.
  const stopping = Date.now();
  stack.child.kill('SIGTERM');
  expect(await stack.exited).toBe(0);
  expect(Date.now() - stopping).toBeLessThan(10_000);
  for (const port of [ports.api, ports.temporal, ports.ui]) expect(await isListening(port)).toBe(false);
  expect(Date.now() - began).toBeLessThan(120_000);
}, 150_000);
