// #11 and #13 on the real stack: the coordinator's API stopped for 60 s while a contributor (the real
// command-line client) waits in the lobby, then started again on the same address. The contributor
// rides out the outage (its patience is ten minutes), the deadlines that fell in it are excused (no
// API replica beat the pulse), and once the turn ahead ends it is called, contributes, and keeps its
// receipt: never removed, struck or penalised.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { ParticipantView } from '../../api/contracts/ceremony.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { ceremonyCli } from '../helpers/cli.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const timing = { minCheckinIntervalMs: 2_000, checkinGraceMs: 5_000, initialRoundTripMs: 2_000, startWindowMs: 120_000, computeDeadlineMs: 600_000 };
const pulse = { beatMs: 500, outageAfterMs: 1_500 };
/** What the issue names: a restart of about a minute. */
const OUTAGE_MS = 60_000;

let stack: TestStack;
let engine: Engine;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: timing, pulse }, auth: { rateLimits: { enabled: false } } });
  engine = await createEngine({ threads: 0 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'api-outage-'));
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it('a contributor waiting in the lobby rides out a 60 s outage of the API and then contributes', { timeout: 300_000 }, async () => {
  // Someone holds the turn, so the contributor waits in the lobby.
  const holder = await devParticipant(stack.url, 'holder');
  expect((await holder.enter()).status).toBe('ready');
  const started = await holder.start();

  const receiptFile = path.join(dir, 'patient-receipt.json');
  const contributor = ceremonyCli(['contributor', '--url', stack.url, '--name', 'patient', '--receipt-out', receiptFile]);
  const watcher = await devParticipant(stack.url, 'patient');
  const view = async (): Promise<ParticipantView> => (await watcher.participant()) as unknown as ParticipantView;
  await vi.waitFor(async () => expect(['waiting', 'queued']).toContain((await view()).status), { timeout: 60_000, interval: 250 });

  await stack.stopApi();
  await sleep(OUTAGE_MS);
  await stack.restartApi();

  // Still in the queue after the outage, with nothing held against it.
  expect(await view()).toMatchObject({ strikes: 0 });
  expect(['waiting', 'queued']).toContain((await view()).status);

  // The turn ahead ends; the contributor is called, contributes, and saves its receipt.
  const contribution = await contribute(engine, parseBatchContribution(started.powers));
  expect((await holder.complete(serializeBatchContribution(contribution))).outcome).toBe('accepted');
  const done = await contributor;
  expect(done.code, done.stderr).toBe(0);
  expect(JSON.parse(done.stdout)).toMatchObject({ participantId: 'dev|patient', sequence: 2, receiptValid: true });
  expect(JSON.parse(await readFile(receiptFile, 'utf8'))).toMatchObject({ payload: { identity: 'dev|patient', sequence: 2 } });
  // It said what it was doing while the coordinator was away.
  expect(done.stderr).toMatch(/did not answer .*asking again/);
  expect(await view()).toMatchObject({ strikes: 0, contributions: 1 });
});
