// Rounds mode end to end on the real stack (seed 000): 5 contributors, 2 external verifiers,
// 1 replacement contributor, 8 chunks, with two faults — a contributor killed mid-round (its
// dependent work removed, the replacement finishes its tasks) and a verifier that keeps failing
// (dropped; the other takes over). The round aggregates, the next round starts from the queue, and
// the final parameters pass the engine's full verification.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RoundsClient, type RoundsStatusAnswer } from '../../client/rounds-client.js';
import { runRoundsContributor, type RoundsContributorEvent, type RoundsContributorResult } from '../../client/rounds-contributor.js';
import { runVerifier } from '../../client/verifier.js';
import { waitFor } from '../../common/child-process.js';
import type { Engine } from '../../engine/context.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { ceremonyCli } from '../helpers/cli.js';
import { startRoundsTestStack, stopRoundsTestStack } from '../helpers/rounds.js';
import type { TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  ({ stack, engine } = await startRoundsTestStack({
    numG1Powers: 64,
    numG2Powers: 4,
    chunkCount: 8,
    contributorsPerRound: 5,
    // Both rounds fill at once (5 join each); a long wait keeps a loaded machine from starting one short.
    roundFillWaitMs: 10_000,
    verification: 'external',
    verifierIdentities: ['dev|v-good', 'dev|v-bad'],
    replacementIdentities: ['dev|replacement'],
    // Long enough that a loaded machine does not drop a working contributor or the good verifier.
    heartbeatTimeoutMs: 8_000,
    slowTaskTimeoutMs: 60_000,
    verificationLeaseMs: 8_000,
    maxVerifierFailures: 2,
    sweepIntervalMs: 300,
  }));
});

afterAll(() => stopRoundsTestStack({ stack, engine }));

const status = (): Promise<RoundsStatusAnswer> => new RoundsClient(stack.url).status();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Every client's heartbeat: a quarter of the heartbeat timeout (12 clients' signals on one round workflow). */
const HEARTBEAT_MS = 2_000;

it('REQ-24 REQ-25 REQ-28 REQ-37 a killed contributor is replaced, a failing verifier is dropped, the round aggregates and the next starts from the queue', async () => {
  let stopAll!: () => void;
  const stop = new Promise<void>((r) => (stopAll = r));
  const debug =
    process.env['DEBUG_ROUNDS'] === undefined
      ? undefined
      : setInterval(() => {
          status().then(
            async (s) => {
              if (s.current !== null) {
                const d = await stack.env.client.workflow.getHandle(s.current.workflowId).describe();
                for (const a of d.raw.pendingActivities ?? []) console.log('PENDING', a.activityType?.name, a.attempt, a.lastFailure?.message);
              }
              console.log(
                JSON.stringify({
                  completed: s.completedRounds,
                  phase: s.phase,
                  queue: s.queue.length,
                  round: s.round && {
                    phase: s.round.phase,
                    slots: s.round.slots.map((x) => `${x.identity}:${x.status}:${x.done}`),
                    chunks: s.round.chunks,
                    verifiers: s.round.verifiers.map((v) => `${v.identity}:${v.status}:${v.failures}`),
                    pending: s.round.pendingVerifications,
                    drops: s.round.drops.length,
                  },
                }),
              );
            },
            () => undefined,
          );
        }, 3_000);

  // The failing verifier: takes verification leases and never answers.
  const badVerifier = (async () => {
    const client = new RoundsClient(stack.url);
    await client.loginDev('v-bad');
    let stopped = false;
    void stop.then(() => (stopped = true));
    while (!stopped) {
      const task = await client.nextVerification().catch(() => ({ action: 'wait' as const, retryAfterMs: 500 }));
      if (task.action === 'dropped') return 'dropped';
      await client.heartbeat().catch(() => undefined);
      await sleep(1_000);
    }
    return 'stopped';
  })();
  const goodVerifier = runVerifier({ url: stack.url, engine, name: 'v-good', stop, heartbeatMs: HEARTBEAT_MS });
  const replacement = runRoundsContributor({ url: stack.url, engine, name: 'replacement', replacement: true, stop, heartbeatMs: HEARTBEAT_MS });

  // Carol is killed right after her second chunk (not when a status poll notices: on a fast run she
  // could finish every chunk first).
  const victimAbort = new AbortController();
  let carolChunks = 0;
  const killAfterTwoChunks = (e: RoundsContributorEvent): void => {
    if (e.kind === 'contributed' && ++carolChunks >= 2) victimAbort.abort();
  };
  const contributors: Array<Promise<RoundsContributorResult>> = [];
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) {
    contributors.push(
      runRoundsContributor({
        url: stack.url,
        engine,
        name,
        heartbeatMs: HEARTBEAT_MS,
        ...(name === 'carol' ? { signal: victimAbort.signal, onEvent: killAfterTwoChunks } : {}),
      }),
    );
  }
  // (Not a status poll for her two chunks: once she is gone, her drop can remove them before a poll sees them.)
  await new Promise<void>((resolve) => victimAbort.signal.addEventListener('abort', () => resolve(), { once: true }));

  // Second round's participants queue up meanwhile.
  const nextRound = ['frank', 'grace', 'heidi', 'ivan', 'judy'].map((name) => runRoundsContributor({ url: stack.url, engine, name, heartbeatMs: HEARTBEAT_MS }));

  const firstRound = await Promise.all(contributors);
  expect(firstRound.map((r) => r.outcome)).toEqual(['done', 'done', 'stopped', 'done', 'done']);
  expect(firstRound[2]?.chunks).toBeGreaterThanOrEqual(2);

  await waitFor(
    'round 1 to complete',
    async () => {
      const s = await status();
      if (s.completedRounds < 1) throw new Error('not yet');
    },
    120_000,
    300,
  );
  const afterFirst = await status();
  const round1 = afterFirst.history[0];
  expect(round1).toBeDefined();
  const drops = round1?.drops ?? [];
  const carolDrop = drops.find((d) => d.identity === 'dev|carol');
  expect(carolDrop?.reason).toBe('unresponsive');
  expect(carolDrop?.replacedBy).toBeDefined();
  expect((carolDrop?.removedContributions ?? []).length).toBeGreaterThanOrEqual(2);
  const badDrop = drops.find((d) => d.identity === 'dev|v-bad');
  expect(badDrop?.role).toBe('verifier');
  expect(round1?.contributors.map((m) => m.identity).sort()).toEqual(['dev|alice', 'dev|bob', 'dev|dave', 'dev|erin', 'dev|replacement']);
  expect(await badVerifier).toBe('dropped');

  // The next round starts from the queue and completes too.
  const second = await Promise.all(nextRound);
  expect(second.map((r) => r.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
  await waitFor(
    'round 2 to complete',
    async () => {
      if ((await status()).completedRounds < 2) throw new Error('not yet');
    },
    120_000,
    300,
  );
  stopAll();
  if (debug !== undefined) clearInterval(debug);
  const verifierResult = await goodVerifier;
  expect(verifierResult.verified).toBeGreaterThanOrEqual(80);
  const replacementResult = await replacement;
  expect(replacementResult.chunks).toBeGreaterThanOrEqual(1);

  // The final parameters pass the engine's full verification.
  const final = await status();
  const aggregatedKey = final.history[1]?.aggregatedKey ?? '';
  const transcript = parseBatchTranscript(await new RoundsClient(stack.url).object(aggregatedKey));
  await verifyTranscript(engine, transcript);
  expect(transcript.transcripts[0]?.witness.potPubkeys.length).toBe(1 + 10);
  expect(final.lastBackupKey).toMatch(/^backups\/[0-9a-f]{64}$/);

  // Issue #10: every receipt the contributors received verifies with one public command, against the
  // pinned key, and is included in the transcript; the records chain holds.
  const received = [...firstRound, ...second].filter((r) => r.outcome === 'done');
  expect(received.every((r) => r.receipt?.valid === true)).toBe(true);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rounds-receipts-'));
  try {
    const files: string[] = [];
    for (const [i, r] of received.entries()) {
      const file = path.join(dir, `receipt-${i}.json`);
      await writeFile(file, JSON.stringify(r.receipt?.receipt));
      files.push('--receipt', file);
    }
    const fingerprint = ((await new RoundsClient(stack.url).info()) as unknown as { receiptKeyFingerprints: string[] }).receiptKeyFingerprints[0] ?? '';
    const verified = await ceremonyCli(['verify', '--url', stack.url, `--key=${fingerprint}`, ...files, '--records', '--json']);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
    expect((JSON.parse(verified.stdout) as { receipts: unknown[] }).receipts).toHaveLength(received.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);
