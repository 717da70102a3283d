// The chaos test (#13, light enough for CI): the coordinator as separate processes (a Temporal dev
// server, two API replicas behind a balancer, a workflow worker, a verification worker), reference
// contributors joining one after another on the seed's default schedule, and ten `kill -9`s, two of
// every process kind, while they wait, compute and upload. Then: every honest contributor has a
// receipt (none removed, struck or penalised), every accepted contribution is in the transcript once,
// and `ceremony verify` checks the whole ceremony. `npx tsx bench/chaos.ts` runs a longer one.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadReceiptKey } from '../../evidence/receipt-key.js';
import { runChaos, startSplitStack, type ChaosReport } from '../helpers/chaos.js';
import { ceremonyCli } from '../helpers/cli.js';
import type { SplitStack } from '../helpers/split-stack.js';

const CONTRIBUTORS = 10;
const KILLS = 10;

let stack: SplitStack;
let report: ChaosReport;

beforeAll(async () => {
  stack = await startSplitStack({ sizes: [{ numG1Powers: 8192, numG2Powers: 65 }] });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

it('survives ten kill -9s across every process kind: no honest contributor pays, nothing accepted is lost', async () => {
  report = await runChaos(stack, {
    contributors: CONTRIBUTORS,
    kills: KILLS,
    killEveryMs: [3_000, 8_000],
    downMs: [0, 3_000],
    joinEveryMs: 3_000,
    seed: 13,
    log: process.env['CHAOS_LOG'] === undefined ? undefined : (line) => process.stderr.write(`[chaos] ${line}\n`),
  });
  // Every kind of process was killed (and started again).
  for (const [name, starts] of Object.entries(report.starts)) expect(starts, name).toBeGreaterThanOrEqual(3);

  // Every honest contributor got a valid receipt: nobody was removed, struck or penalised.
  expect(report.outcomes.map((o) => ({ name: o.name, failure: o.failure }))).toEqual(report.outcomes.map((o) => ({ name: o.name, failure: undefined })));
  for (const o of report.outcomes) expect(o.result?.receiptValid, o.name).toBe(true);
  const status = (await (await fetch(`${stack.url}/ceremony/status`)).json()) as { stats: Record<string, number>; contributions: number };
  expect(status.stats).toMatchObject({ accepted: CONTRIBUTORS, startMissed: 0, computeTimeouts: 0, removedForMissedCheckin: 0 });

  // Nothing accepted was lost or doubled: one contribution per contributor, at distinct sequences.
  const sequences = report.outcomes.map((o) => o.result?.sequence).sort((a, b) => (a ?? 0) - (b ?? 0));
  expect(sequences).toEqual(Array.from({ length: CONTRIBUTORS }, (_, i) => i + 1));

  // And anyone can check it all in one step, against the key the operator published: the
  // transcript, every receipt (each included in it), the chain of records.
  const dir = path.join(stack.dataDir, 'receipts');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const o of report.outcomes) {
    const file = path.join(dir, `${o.name}.json`);
    await writeFile(file, JSON.stringify(o.result?.receipt));
    files.push('--receipt', file);
  }
  const fingerprint = (await loadReceiptKey(stack.cfg)).kid;
  const verified = await ceremonyCli(['verify', '--url', stack.url, `--key=${fingerprint}`, ...files, '--records', '--json']);
  expect(verified.code, verified.stderr + verified.stdout).toBe(0);
  expect((JSON.parse(verified.stdout) as { receipts: unknown[] }).receipts).toHaveLength(CONTRIBUTORS);
}, 1_200_000);
