// Issue #13: code upgraded under a running ceremony, on the real stack. The workflow worker starts on
// the code before today's patches (unpatchedWorkflowBundle: every patched() answers false and records
// nothing, so each runs its old branch), and a sequential ceremony runs on it: one contribution is
// taken, a beacon is announced, one participant holds the turn and two wait in the queue. The workflow
// worker is stopped and started again on the current code (workflowBundle()). The ceremony then
// completes on it: the turn held across the upgrade, the two who waited, one who enters afterwards,
// the lobby closed and the ceremony finalised with the beacon; every receipt and the transcript verify.
// The patched branch ran where it should: the turn finished on the old code has no TurnOutcome and no
// patch marker, the turns finished on the new code have both. And every history the stack wrote, begun
// on the old code or the new, replays on the new code. (Had the change gone in without patched(), the
// turn finished on the old code would not: tried with a patched() that answers true without a marker,
// its replay fails with a nondeterminism error.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { participantIdOf } from '../../api/sequential/settings.js';
import { ApiError, withRetries } from '../../client/http.js';
import { runContributor, type ContributorResult } from '../../client/contributor.js';
import type { CompleteAnswer, ParticipantClient } from '../../client/participant-client.js';
import { TURN_OUTCOME } from '../../common/search-attributes.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { verifyReceipt } from '../../evidence/receipt.js';
import { workflowBundle } from '../../runtime/workers.js';
import { pulseWorkflowId } from '../../workflows/availability/coordinator-pulse.js';
import { recordsLedgerWorkflowId } from '../../workflows/evidence/records-ledger.js';
import { ceremonyWorkflowIdFor, participantWorkflowIdFor } from '../../workflows/sequential/ids.js';
import { turnWorkflowIdFor } from '../../workflows/sequential/ceremony.js';
import { ceremonyCli } from '../helpers/cli.js';
import { devParticipant, enterUntilCalled } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { unpatchedWorkflowBundle } from '../helpers/unpatched-workflow.js';

const PATCH = 'turn-outcome-search-attribute';
const BEACON = `0x${'cd'.repeat(32)}`;
const ITERATIONS = 16;
// Short check-in intervals keep the queue moving; a generous grace keeps a loaded machine from
// costing anyone a place (deadlines are not what this test is about; coordinator-outage.test.ts is).
const timing = { minCheckinIntervalMs: 1_000, checkinGraceMs: 30_000, initialRoundTripMs: 1_000 };

let stack: TestStack;
let engine: Engine;
let newCode: WorkflowBundleWithSourceMap;
let adminToken: string;

beforeAll(async () => {
  const [oldCode, current] = await Promise.all([unpatchedWorkflowBundle(), workflowBundle()]);
  newCode = current;
  stack = await startTestStack(
    { ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: timing }, auth: { admins: ['dev|root'], rateLimits: { enabled: false } } },
    { workflowBundle: oldCode },
  );
  engine = await createEngine({ threads: 0 });
  adminToken = (await devParticipant(stack.url, 'root')).token ?? '';
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

async function admin(route: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(route, stack.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * contribution/complete as a client sends it: again after a transient failure; when an earlier attempt
 * was taken after all (its answer lost), the outcome from the participant record.
 */
async function completeWithRetries(client: ParticipantClient, upload: string): Promise<{ sequence: number; receiptId: string; receipt: CompleteAnswer['receipt'] }> {
  try {
    return await withRetries(() => client.complete(upload), true);
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'CONTRIBUTION_ALREADY_COMPLETED') throw err;
    const view = await client.participant();
    const last = view.receipts?.at(-1);
    if (view.lastOutcome !== 'accepted' || last === undefined) throw new Error(`the contribution was not accepted (${String(view.lastOutcome)})`);
    return { sequence: last.sequence, receiptId: last.receiptId, receipt: (await client.receipt(last.receiptId)) as CompleteAnswer['receipt'] };
  }
}

/** The ids of the patches whose markers a history holds. */
function patchMarkers(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): string[] {
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    return data === undefined || data === null ? [] : [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id];
  });
}

it('a ceremony begun on the code before a patch completes on the patched code, and its histories replay on it', async () => {
  const ceremonyId = stack.cfg.ceremony.id;
  const client = stack.env.client;

  // On the old code: alice contributes, and the beacon is announced.
  const alice = await runContributor({ url: stack.url, engine, name: 'alice' });
  expect(alice).toMatchObject({ sequence: 1, receiptValid: true });
  expect(await admin('/admin/beacon', { source: 'the hash of test block 7, not yet mined', iterations: ITERATIONS })).toMatchObject({ status: 200, body: { phase: 'open' } });

  // Bob holds the turn: started, his contribution computed but not yet uploaded.
  const bob = await devParticipant(stack.url, 'bob');
  await enterUntilCalled(bob);
  const started = await bob.start();
  expect(started.sequence).toBe(2);
  const bobUpload = serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers)));

  // Carol and dave wait in the queue behind him, as the reference contributor waits: checking in on
  // the deadlines they are given, through whatever happens to the coordinator.
  const queued = async (name: string): Promise<{ done: Promise<ContributorResult> }> => {
    const done = runContributor({ url: stack.url, engine, name });
    done.catch(() => undefined);
    await vi.waitFor(async () => expect(await stack.gateway.queue()).toContain(participantIdOf(`dev|${name}`)), { timeout: 30_000, interval: 100 });
    return { done };
  };
  const carolRun = await queued('carol');
  const daveRun = await queued('dave');
  expect(await stack.gateway.queue()).toEqual(['carol', 'dave'].map((n) => participantIdOf(`dev|${n}`)));

  // The upgrade: the workflow worker stops, and starts again on the new code.
  await stack.stopWorkflowWorker();
  await stack.restartWorkflowWorker(newCode);

  // On the new code: bob's turn takes his upload, the two who waited contribute, and so does erin, who
  // enters only now.
  const bobDone = await completeWithRetries(bob, bobUpload);
  expect(bobDone.sequence).toBe(2);
  const [carol, dave] = await Promise.all([carolRun.done, daveRun.done]);
  const erin = await runContributor({ url: stack.url, engine, name: 'erin' });
  expect([carol, dave, erin].map((r) => ({ sequence: r.sequence, receiptValid: r.receiptValid }))).toEqual([
    { sequence: 3, receiptValid: true },
    { sequence: 4, receiptValid: true },
    { sequence: 5, receiptValid: true },
  ]);

  // The ceremony completes: the lobby closes, the queue is empty, and the beacon announced on the old
  // code finalises it on the new.
  expect(await admin('/admin/close', { reason: 'the upgrade test is done' })).toMatchObject({ status: 200, body: { phase: 'closed' } });
  await vi.waitFor(async () => expect((await (await fetch(new URL('/ceremony/status', stack.url))).json()) as Record<string, unknown>).toMatchObject({ contributing: null, queueLength: 0 }), {
    timeout: 30_000,
    interval: 200,
  });
  expect(await admin('/admin/finalise', { beaconValueHex: BEACON })).toMatchObject({ status: 200, body: { phase: 'final', beacon: { final: { sequence: 6 } } } });

  // Every receipt verifies against the published key, and `ceremony verify` checks the transcript, the
  // beacon, the record chain and each receipt's place in the transcript.
  const info = await bob.info();
  expect((await verifyReceipt(bobDone.receipt, info.receiptKeys.keys)).valid).toBe(true);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'upgrade-receipts-'));
  try {
    const receipts = { alice: alice.receipt, bob: bobDone.receipt, carol: carol.receipt, dave: dave.receipt, erin: erin.receipt };
    const files: string[] = [];
    for (const [name, receipt] of Object.entries(receipts)) {
      const file = path.join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify(receipt));
      files.push('--receipt', file);
    }
    const fingerprint = (info as unknown as { receiptKeyFingerprints: string[] }).receiptKeyFingerprints[0] ?? '';
    const verified = await ceremonyCli(['verify', '--url', stack.url, '--records', '--key', fingerprint, ...files, '--json']);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      valid: true,
      transcript: { contributions: 6 },
      beacon: { sequence: 6, iterations: ITERATIONS },
      receipts: Object.keys(receipts).map((name, i) => ({ kind: 'turn', identity: `dev|${name}`, position: i + 1 })),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Which code ran each turn's end: the old code took no patched branch (no marker, no TurnOutcome);
  // the new code took it for the turn held across the upgrade and for those begun after it.
  const turns = [1, 2, 3, 4, 5].map((n) => turnWorkflowIdFor(ceremonyId, `turn-${n}`));
  const endOfTurn = await Promise.all(
    turns.map(async (id) => {
      const handle = client.workflow.getHandle(id);
      await vi.waitFor(async () => expect((await handle.describe()).status.name).toBe('COMPLETED'), { timeout: 30_000, interval: 200 });
      const described = await handle.describe();
      return {
        id,
        summary: (described.memo as { summary?: string } | undefined)?.summary,
        outcome: described.typedSearchAttributes.get(TURN_OUTCOME),
        patches: patchMarkers(await handle.fetchHistory()),
      };
    }),
  );
  expect(endOfTurn).toEqual(
    ['alice', 'bob', 'carol', 'dave', 'erin'].map((name, i) => ({
      id: turns[i],
      summary: `Turn turn-${i + 1}: contribution ${i + 1} by dev|${name}`,
      outcome: i === 0 ? undefined : 'accepted',
      patches: i === 0 ? [] : [PATCH],
    })),
  );

  // Every history the stack wrote, on either code, replays on the new code: as a worker after the
  // upgrade replays every workflow it picks up.
  const expected = [
    ceremonyWorkflowIdFor(ceremonyId),
    pulseWorkflowId(ceremonyId),
    recordsLedgerWorkflowId(ceremonyId),
    ...turns,
    ...['alice', 'bob', 'carol', 'dave', 'erin'].map((n) => participantWorkflowIdFor(ceremonyId, participantIdOf(`dev|${n}`))),
  ];
  let runs: Array<{ workflowId: string; runId: string }> = [];
  await vi.waitFor(
    async () => {
      runs = [];
      for await (const w of client.workflow.list()) runs.push({ workflowId: w.workflowId, runId: w.runId });
      for (const id of expected) expect(runs.map((r) => r.workflowId)).toContain(id);
    },
    { timeout: 30_000, interval: 500 },
  );
  const histories = await Promise.all(runs.map(async (r) => ({ workflowId: `${r.workflowId}/${r.runId}`, history: await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory() })));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: newCode, replayName: 'upgrade' }, histories)) {
    replayed += 1;
    if (result.error !== undefined) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(histories.length);
}, 300_000);
