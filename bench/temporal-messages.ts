// How long a batch takes to be taken by a workflow on the Temporal dev server (SQLite file), as a
// signal (answered once it is in the history) or as an update (answered once a workflow task has run
// it), with and without continue-as-new when suggested. Open loop: one batch of 6 ids every 1000/rate
// ms, whatever the answers. It is why the lobby shards (since removed; docs/performance.md, session 3)
// took signals and moved between epochs instead of continuing as new. Prints figures; not a test.
//
//   npx tsx bench/temporal-messages.ts [--rate 50] [--seconds 20] [--kinds signal,update] [--continue-as-new]
//
// With --continue-as-new give it 40 s or more: the dev server suggests it at about 4 000 events.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLogger } from '../common/logger.js';
import { toolPath } from '../common/tools.js';
import { installTemporalRuntime } from '../runtime/temporal-runtime.js';
import { freePort } from '../test/helpers/ports.js';
import { bounded } from './support.js';
import { batchSignal, batchUpdate, sinkWorkflow } from './workflows/sink.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    kinds: { type: 'string', default: 'signal,update' },
    'continue-as-new': { type: 'boolean', default: false },
  },
});
const rate = bounded(args.rate, 1, 1_000, 'rate');
const seconds = bounded(args.seconds, 1, 600, 'seconds');
const kinds = (args.kinds ?? '').split(',');
for (const k of kinds) if (k !== 'signal' && k !== 'update') throw new Error(`--kinds takes signal and update, not ${k}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function connectWhenUp(address: string): Promise<Connection> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await Connection.connect({ address });
    } catch (err) {
      if (attempt > 100) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

installTemporalRuntime(createLogger('warn'));
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-messages-'));
const port = await freePort();
const server = spawn(
  toolPath('temporal'),
  ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--db-filename', path.join(dir, 'temporal.sqlite'), '--log-level', 'error'],
  { stdio: 'ignore' },
);
try {
  const address = `127.0.0.1:${port}`;
  const connection = await connectWhenUp(address);
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue: 'bench-messages',
    workflowsPath: fileURLToPath(new URL('./workflows/sink.ts', import.meta.url)),
  });
  const running = worker.run();
  console.log(
    `temporal messages benchmark, ${new Date().toISOString()}: ${rate} batches/s for ${seconds} s each, continue-as-new when suggested: ${args['continue-as-new'] ? 'yes' : 'no'}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const kind of kinds) {
    const workflowId = `sink-${kind}-${Date.now()}`;
    await client.workflow.start(sinkWorkflow, { taskQueue: 'bench-messages', workflowId, args: [{ continueAsNew: args['continue-as-new'] === true }] });
    const handle = client.workflow.getHandle(workflowId);
    const latencies: number[] = [];
    const pending: Array<Promise<void>> = [];
    const end = Date.now() + seconds * 1_000;
    for (let n = 0; Date.now() < end; n += 1) {
      const ids = Array.from({ length: 6 }, (_, i) => `${n}-${i}`);
      const sent = performance.now();
      const call = kind === 'signal' ? handle.signal(batchSignal, ids) : handle.executeUpdate(batchUpdate, { args: [ids] });
      pending.push(call.then(() => void latencies.push(performance.now() - sent)));
      await new Promise((r) => setTimeout(r, 1_000 / rate));
    }
    await Promise.all(pending);
    const sorted = latencies.sort((a, b) => a - b);
    const f = (p: number): string => percentile(sorted, p).toFixed(1).padStart(7);
    console.log(`  ${kind.padEnd(6)} n=${String(sorted.length).padStart(6)}  p50 ${f(0.5)} ms  p95 ${f(0.95)} ms  p99 ${f(0.99)} ms  max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`);
    await handle.terminate();
  }
  worker.shutdown();
  await running;
  await connection.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
