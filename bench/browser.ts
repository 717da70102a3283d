// The browser contributor's computation at the KZG spec's full sizes (4096/8192/16384/32768 G1 powers,
// 65 G2 powers each) in headless Chromium, with N Web Workers on the engine's wasm backend: the wall
// time from "start" (the powers in hand) to "upload ready" (the contribution serialised), as
// web/src/contribute-page.ts runs it. The contribution is then verified in Node. Prints figures; not
// a test.
//   npx tsx bench/browser.ts [--workers 2] [--runs 1]
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import Router from '@koa/router';
import Koa from 'koa';
import { powersOf } from '../activities/sequential/transcript-activities.js';
import { webFrontRoutes } from '../api/web-front.js';
import { createLogger } from '../common/logger.js';
import { createEngine, newTranscript, parseBatchContribution, serializeBatchContribution, SPEC_SIZES, verifyContribution } from '../engine/index.js';
import { launchChromium } from '../test/helpers/browser.js';
import { buildWebFront } from '../web/build.js';
import { bounded } from './support.js';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '1' } } });
const workers = bounded(values.workers, 1, 16, 'workers');
const runs = bounded(values.runs, 1, 10, 'runs');

interface Timing {
  totalMs: number;
  computeMs: number;
  json: string;
}

/**
 * What the page runs, as the contribute page does: the powers in hand, post them to the contribution
 * worker, wait for the computation, then for the serialised contribution. Plain JavaScript text, so
 * that no helper of this program's compiler leaks into the page.
 */
const IN_PAGE = `async (threads) => {
  const powers = await (await fetch('/bench/powers.json')).text();
  const worker = new Worker('/assets/contribution-worker.js', { type: 'module' });
  const reply = (kind) => new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      if (event.data.kind === kind) resolve(event.data);
      else if (event.data.kind === 'failed') reject(new Error(event.data.message));
    };
  });
  const began = performance.now();
  const computed = reply('computed');
  worker.postMessage({ kind: 'contribute', powers, entropy: new Uint8Array([1, 2, 3]), identity: '', threads });
  const { ms } = await computed;
  const serialized = reply('serialized');
  worker.postMessage({ kind: 'serialize', ecdsaSignature: '' });
  const { json } = await serialized;
  const totalMs = performance.now() - began;
  worker.terminate();
  return { totalMs, computeMs: ms, json };
}`;

async function main(): Promise<void> {
  await buildWebFront();
  const transcript = newTranscript(SPEC_SIZES);
  const powers = serializeBatchContribution(powersOf(transcript));
  const app = new Koa();
  const bench = new Router();
  bench.get('/bench/powers.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = powers;
  });
  const site = webFrontRoutes({ log: createLogger('silent') });
  app.use(site.routes()).use(bench.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const engine = await createEngine();
  const load = loadavg().map((l) => l.toFixed(2));
  process.stdout.write(`browser contributor, KZG spec sizes, headless Chromium, ${workers} Web Workers; machine: ${cpus().length} cores, load ${load.join(' ')}\n`);
  try {
    for (let run = 1; run <= runs; run++) {
      const page = await browser.newPage();
      await page.goto(`${origin}/receipt`);
      const timing = (await page.evaluate(`(${IN_PAGE})(${workers})`)) as Timing;
      await page.close();
      const verified = await verifyContribution(engine, transcript, parseBatchContribution(timing.json));
      process.stdout.write(
        `run ${run}: start → upload ready ${(timing.totalMs / 1000).toFixed(1)} s (compute ${(timing.computeMs / 1000).toFixed(1)} s), ${(timing.json.length / 1e6).toFixed(1)} MB; verified in Node: ${verified.contribution.contributions.length} sub-ceremonies\n`,
      );
    }
  } finally {
    await engine.close();
    await browser.close();
    server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/browser: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
