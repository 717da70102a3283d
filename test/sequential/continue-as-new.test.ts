// A long-running sequential ceremony outgrows one workflow history: with Temporal told to suggest
// continue-as-new after a few dozen events, the ceremony and the participants continue as new between
// turns, during a turn and between check-ins, and nothing is lost: every contribution lands, in join order, and every record
// a participant workflow starts is stored even when it continues as new right after.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { participantIdOf, participantWorkflowId } from '../../api/sequential/settings.js';
import { recordsLedgerWorkflowId } from '../../workflows/evidence/records-ledger.js';
import { ceremonyCli } from '../helpers/cli.js';
import { runContributor } from '../../client/contributor.js';
import { ParticipantClient } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { enterUntilCalled, untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { hasContinuedAsNew } from '../helpers/temporal.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack(
    {
      ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 3_000, initialRoundTripMs: 1_000 } },
      auth: { rateLimits: { enabled: false }, admins: ['dev|admin'] },
    },
    { temporalArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'] },
  );
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

it('keeps every contribution across continue-as-new of the ceremony workflow', async () => {
  const names = ['ada', 'bea', 'cal', 'dee', 'eli', 'fox'];
  const results = [];
  for (const name of names) results.push(await runContributor({ url: stack.url, engine, name }));
  expect(results.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(results.every((r) => r.receiptValid)).toBe(true);
  expect(await hasContinuedAsNew(stack.env.client, 'ceremony-main')).toBe(true);
  const transcript = parseBatchTranscript(await new ParticipantClient(stack.url).transcript());
  expect(transcript.participantIds).toHaveLength(7);
  await verifyTranscript(engine, transcript);
  const status = (await new ParticipantClient(stack.url).status()) as { sequence: number; stats: { accepted: number } };
  expect(status).toMatchObject({ sequence: 6, stats: { accepted: 6 } });
});

it('continues as new while a turn runs, and the turn reports its outcome to the new run', async () => {
  const ceremony = stack.env.client.workflow.getHandle('ceremony-main');
  // The last turn of the test before has reported its outcome: the next to enter is called (at once,
  // or a moment later when the ceremony is continuing as new just then).
  await untilIdle(stack);
  const holder = new ParticipantClient(stack.url);
  await holder.loginDev('holder');
  expect((await enterUntilCalled(holder)).status).toBe('ready');
  const started = await holder.start();
  const runAtStart = (await ceremony.describe()).runId;
  // Joins while the turn computes grow the ceremony's history past the threshold (40 events).
  const waiters: ParticipantClient[] = [];
  for (let i = 0; i < 12 && (await ceremony.describe()).runId === runAtStart; i += 1) {
    const w = new ParticipantClient(stack.url);
    await w.loginDev(`waiter-${i}`);
    expect((await w.enter()).status).toBe('queued');
    waiters.push(w);
  }
  // They keep their places meanwhile, as clients do (their deadlines are a few seconds here).
  let keeping = true;
  const keptAlive = (async () => {
    while (keeping) {
      for (const w of waiters) await w.checkin().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  await vi.waitFor(async () => expect((await ceremony.describe()).runId).not.toBe(runAtStart), { timeout: 30_000, interval: 200 });
  // The turn started before the new run goes on and lands.
  const contribution = serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers)));
  const done = await holder.complete(contribution);
  expect(done).toMatchObject({ outcome: 'accepted', sequence: 7 });
  // The new run took the outcome and called the next participant.
  const first = waiters[0] as ParticipantClient;
  await vi.waitFor(async () => expect((await first.checkin()).status).toBe('ready'), { timeout: 30_000, interval: 250 });
  const status = (await holder.status()) as { sequence: number; stats: { accepted: number } };
  expect(status).toMatchObject({ sequence: 7, stats: { accepted: 7 } });
  keeping = false;
  await keptAlive;
  for (const w of waiters.slice(1)) await w.leave().catch(() => undefined);
  await first.abort().catch(() => undefined);
});

it('#10 keeps every record a participant workflow starts, when it continues as new right after (ten bans and unbans: twenty records)', async () => {
  const admin = new ParticipantClient(stack.url);
  await admin.loginDev('admin');
  const post = async (path: string, body: unknown) => {
    const res = await fetch(new URL(path, stack.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token ?? ''}` }, body: JSON.stringify(body) });
    expect(res.status, path).toBe(200);
  };
  for (let i = 0; i < 10; i += 1) {
    await post('/admin/ban', { identity: 'dev|target', reason: `ban ${i}` });
    await post('/admin/unban', { identity: 'dev|target', reason: `unban ${i}` });
  }
  const participantId = participantIdOf('dev|target');
  const mine = async () => {
    const found: Array<Record<string, unknown>> = [];
    for await (const o of stack.store.list('records')) {
      const record = JSON.parse(Buffer.from(await stack.store.getBytes(o.key, 1 << 20)).toString('utf8')) as Record<string, unknown>;
      if (record['participantId'] === participantId) found.push(record);
    }
    return found;
  };
  await vi.waitFor(async () => expect((await mine()).length).toBeGreaterThanOrEqual(20), { timeout: 60_000, interval: 250 });
  const records = await mine();
  expect(records.map((r) => r['detail']).sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `ban ${i}`), ...Array.from({ length: 10 }, (_, i) => `unban ${i}`)].sort());
  // The participant workflow did continue as new along the way.
  expect(await hasContinuedAsNew(stack.env.client, participantWorkflowId(stack.cfg.ceremony.id, participantId))).toBe(true);

  // The records ledger chained every one of them although it continued as new along the way too.
  expect(await hasContinuedAsNew(stack.env.client, recordsLedgerWorkflowId(stack.cfg.ceremony.id))).toBe(true);
  await vi.waitFor(
    async () => {
      const ledger = (await (await fetch(new URL('/records', stack.url))).json()) as { items: Array<{ recordKey: string }> };
      const chained = new Set(ledger.items.map((i) => i.recordKey));
      for (const record of await mine()) expect(chained.has(`records/${createHash('sha256').update(JSON.stringify(record)).digest('hex')}`)).toBe(true);
    },
    { timeout: 60_000, interval: 250 },
  );
  const verified = await ceremonyCli(['verify', '--url', stack.url, '--records', '--json']);
  expect(verified.code, verified.stderr).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true });
}, 120_000);
