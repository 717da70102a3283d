// Pausing and resuming a sequential ceremony (#13 item 6), through `bin/ceremony admin` on the real
// stack: a paused ceremony takes no joins and opens no new turn, the running turn finishes, waiters keep
// their places, and each change is a record with its reason.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiError } from '../../client/http.js';
import type { ParticipantClient } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { ceremonyCli, type CliResult } from '../helpers/cli.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack({
    // A long grace: the CLI calls between two check-ins take seconds on a loaded machine.
    ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 120_000, initialRoundTripMs: 1_000 } },
    auth: { admins: ['dev|root'], rateLimits: { enabled: false } },
  });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

const admin = (action: string, reason?: string): Promise<CliResult> => ceremonyCli(['admin', action, '--url', stack.url, '--dev-name', 'root', ...(reason === undefined ? [] : ['--reason', reason])]);

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'no error';
  } catch (err) {
    if (err instanceof ApiError) return `${err.status} ${err.code}`;
    throw err;
  }
}

const phase = async (): Promise<string | undefined> => ((await (await fetch(`${stack.url}/ceremony/info`)).json()) as { phase?: { phase: string } }).phase?.phase;

it('pauses: no joins, no new turn, the running turn finishes; resumes: the next is called; both recorded', async () => {
  const holder = await devParticipant(stack.url, 'holder');
  expect((await holder.enter()).status).toBe('ready');
  const started = await holder.start();
  const waiter = await devParticipant(stack.url, 'waiter');
  expect((await waiter.enter()).status).toBe('queued');

  const paused = await admin('pause', 'key rotation');
  expect(paused.code, paused.stderr).toBe(0);
  expect(JSON.parse(paused.stdout)).toMatchObject({ phase: 'paused', pausedReason: 'key rotation' });
  expect(await phase()).toBe('paused');

  // No joins while paused, with a code a client can act on.
  const late = await devParticipant(stack.url, 'late');
  expect(await codeOf(late.enter())).toBe('409 CEREMONY_PAUSED');
  // The running turn finishes.
  const done = await holder.complete(serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers))));
  expect(done).toMatchObject({ outcome: 'accepted', sequence: 1 });
  // The waiter keeps its place and is not called while paused (it checks in for longer than a turn hand-over takes).
  for (let i = 0; i < 6; i += 1) {
    expect(await waiter.checkin()).toMatchObject({ status: 'queued', position: 1 });
    await sleep(250);
  }
  expect((await stack.gateway.snapshot(0)).current).toBeNull();

  const resumed = await admin('resume', 'keys rotated');
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ phase: 'open' });
  let answer = await waiter.checkin();
  for (let i = 0; answer.status !== 'ready' && i < 100; i += 1) {
    await sleep(200);
    answer = await waiter.checkin();
  }
  expect(answer.status).toBe('ready');
  expect((await late.enter()).status).toBe('queued');

  const records = (await (await fetch(`${stack.url}/records`)).json()) as { items: Array<{ kind: string; record: string }> };
  const phases = records.items.filter((r) => r.kind === 'ceremony-paused' || r.kind === 'ceremony-resumed').map((r) => [r.kind, (JSON.parse(r.record) as { detail?: string }).detail]);
  expect(phases).toEqual([
    ['ceremony-paused', 'key rotation'],
    ['ceremony-resumed', 'keys rotated'],
  ]);
  await late.leave();
  await waiter.abort().catch(() => undefined);
});

it('refuses a phase change that does not apply, and one without a reason', async () => {
  // Open now: resume is a conflict; pause twice is a conflict the second time.
  expect(JSON.parse((await admin('resume', 'again')).stdout)).toMatchObject({ ok: false, code: 'PHASE_CONFLICT' });
  expect((await admin('pause', 'one')).code).toBe(0);
  expect(JSON.parse((await admin('pause', 'two')).stdout)).toMatchObject({ ok: false, code: 'PHASE_CONFLICT' });
  // No reason: the CLI refuses (exit 2); the API answers 400.
  const noReason = await admin('resume');
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toMatch(/need --reason/);
  const token = (await devParticipant(stack.url, 'root')).token ?? '';
  const res = await fetch(`${stack.url}/admin/resume`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
  expect(res.status).toBe(400);
  // A participant is not an admin.
  const someone: ParticipantClient = await devParticipant(stack.url, 'someone');
  const forbidden = await fetch(`${stack.url}/admin/resume`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${someone.token ?? ''}` },
    body: '{"reason":"x"}',
  });
  expect(forbidden.status).toBe(403);
  expect((await admin('resume', 'done')).code).toBe(0);
  expect(await phase()).toBe('open');
});
