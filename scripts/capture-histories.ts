// Captures the event histories that test/workflows/replay.test.ts replays against the current
// workflow code (Temporal's determinism check): one run of each mode on the real test stack, every
// workflow's history written to test/fixtures/histories/<mode>/. Run it when a workflow change is
// meant to be released (after making it replay-safe with patched()), and commit the new fixtures
// beside the old ones: the old keep proving that running ceremonies replay.
//   npx tsx scripts/capture-histories.ts [--label NAME]   (NAME defaults to today's date)
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { ParticipantClient } from '../client/participant-client.js';
import { runContributor } from '../client/contributor.js';
import { runRoundsContributor } from '../client/rounds-contributor.js';
import { requestJson } from '../client/http.js';
import { repoRoot, toolPath } from '../common/tools.js';
import { createEngine } from '../engine/context.js';
import { startTestStack, type TestStack } from '../test/helpers/stack.js';

const { values } = parseArgs({ options: { label: { type: 'string', default: new Date().toISOString().slice(0, 10) } } });
const label = values.label ?? 'capture';
if (!/^[\w.-]{1,40}$/.test(label)) throw new Error('--label: letters, digits, ".", "_" or "-"');

/** A history larger than this is not kept (a fixture is read by every test run). */
const MAX_FIXTURE_BYTES = 1024 * 1024;

/** A history in Temporal's JSON form, as the CLI exports it (what runReplayHistories reads). */
async function historyJson(address: string, workflowId: string, runId: string): Promise<string> {
  const { stdout } = await promisify(execFile)(toolPath('temporal'), ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--run-id', runId, '--output', 'json'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function saveHistories(client: Client, address: string, mode: string): Promise<number> {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'histories', mode);
  await mkdir(dir, { recursive: true });
  let saved = 0;
  for await (const execution of client.workflow.list()) {
    const text = await historyJson(address, execution.workflowId, execution.runId);
    if (text.length > MAX_FIXTURE_BYTES) {
      process.stderr.write(`[capture] skipping ${execution.workflowId}: ${text.length} bytes\n`);
      continue;
    }
    const name = `${label}--${execution.type}--${execution.workflowId.replace(/[^\w.-]/g, '_')}--${execution.runId}.json`;
    await writeFile(path.join(dir, name), text);
    saved += 1;
  }
  return saved;
}

/** Until no turn runs and nobody waits (the outcome has reached the ceremony). */
async function untilIdle(stack: TestStack): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = await requestJson<{ queueLength: number; contributing: unknown }>(stack.url, '/ceremony/status');
    if (status.queueLength === 0 && status.contributing === null) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the ceremony did not become idle');
}

async function sequential(): Promise<void> {
  const stack: TestStack = await startTestStack({
    ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }] },
    auth: { admins: ['dev|operator'], rateLimits: { enabled: false } },
  });
  const engine = await createEngine({ threads: 0 });
  try {
    // An accepted contribution, an abort, a departure from the queue, and a pause and resume.
    await runContributor({ url: stack.url, engine, name: 'alice' });
    const bob = new ParticipantClient(stack.url);
    await bob.loginDev('bob');
    await bob.enter();
    await bob.start();
    await bob.abort();
    await untilIdle(stack);
    const carol = new ParticipantClient(stack.url);
    await carol.loginDev('carol');
    const holder = new ParticipantClient(stack.url);
    await holder.loginDev('dave');
    await holder.enter();
    await carol.enter();
    await carol.leave();
    await holder.leave().catch(() => undefined);
    const operator = new ParticipantClient(stack.url);
    await operator.loginDev('operator');
    await requestJson(stack.url, '/admin/pause', { token: operator.token, json: { reason: 'capture: pause' } });
    await requestJson(stack.url, '/admin/resume', { token: operator.token, json: { reason: 'capture: resume' } });
    await untilIdle(stack);
    process.stderr.write(`[capture] sequential: ${await saveHistories(stack.env.client, stack.env.address, 'sequential')} histories\n`);
  } finally {
    await engine.close();
    await stack.stop();
  }
}

async function rounds(): Promise<void> {
  const stack = await startTestStack({
    ceremony: { mode: 'rounds', rounds: { numG1Powers: 16, numG2Powers: 4, chunkCount: 2, contributorsPerRound: 1, roundFillWaitMs: 1_000, verification: 'coordinator' } },
    auth: { rateLimits: { enabled: false } },
  });
  const engine = await createEngine({ threads: 0 });
  try {
    await runRoundsContributor({ url: stack.url, engine, name: 'ann' });
    await runRoundsContributor({ url: stack.url, engine, name: 'ben' });
    process.stderr.write(`[capture] rounds: ${await saveHistories(stack.env.client, stack.env.address, 'rounds')} histories\n`);
  } finally {
    await engine.close();
    await stack.stop();
  }
}

sequential()
  .then(rounds)
  .catch((err: unknown) => {
    process.stderr.write(`[capture] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
