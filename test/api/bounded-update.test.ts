// executeBoundedUpdate on the real dev server: an attempt that runs past its RPC deadline is sent
// again under the same update id, so the update is applied once; when the budget is spent the caller
// gets TIMEOUT (504) instead of waiting for as long as the workflow takes.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeBoundedUpdate, type UpdateAttempts } from '../../api/bounded-update.js';
import { viaTemporal } from '../../api/temporal-errors.js';
import { CeremonyError } from '../../common/errors.js';
import { startTemporal } from '../helpers/temporal.js';
import { gateWorkflow, handledQuery, openSignal, passUpdate } from '../workflows/gate.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `gate-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  env = await startTemporal();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../workflows/gate.ts', import.meta.url)),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const startGate = () => env.client.workflow.start(gateWorkflow, { taskQueue, workflowId: `gate-${randomBytes(4).toString('hex')}` });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('an update slower than one attempt is sent again under its id and applied once', async () => {
  const gate = await startGate();
  const counter: UpdateAttempts = { attempts: 0 };
  const answer = executeBoundedUpdate(env.client, gate, passUpdate, ['alice'], { attemptMs: 400, totalMs: 20_000 }, counter);
  await sleep(1_500);
  await gate.signal(openSignal);
  expect(await answer).toBe('passed alice');
  expect(counter.attempts).toBeGreaterThanOrEqual(3);
  expect(await gate.query(handledQuery)).toBe(1);
  await gate.terminate();
});

it('gives up when the budget is spent: TIMEOUT (504), and the update was still applied only once', async () => {
  const gate = await startGate();
  const counter: UpdateAttempts = { attempts: 0 };
  const began = Date.now();
  const failure = await viaTemporal(
    () => executeBoundedUpdate(env.client, gate, passUpdate, ['bob'], { attemptMs: 300, totalMs: 1_500 }, counter),
    () => new CeremonyError('NOT_IN_QUEUE', 'gone'),
  ).catch((err: unknown) => err);
  const waited = Date.now() - began;
  expect(failure).toBeInstanceOf(CeremonyError);
  expect(failure).toMatchObject({ code: 'TIMEOUT', status: 504 });
  expect(waited).toBeGreaterThanOrEqual(1_400);
  expect(waited).toBeLessThan(10_000);
  expect(counter.attempts).toBeGreaterThanOrEqual(2);
  expect(await gate.query(handledQuery)).toBe(1);
  await gate.terminate();
});
