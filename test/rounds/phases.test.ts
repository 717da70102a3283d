// Pausing, resuming and closing a rounds ceremony (#13 item 6), through `bin/ceremony admin` on the real
// stack. Paused: no joins (409 CEREMONY_PAUSED) and no new round, while the round under way (restarts
// included) runs to its end and waiters keep their places. Closed: no joins (409 CEREMONY_CLOSED), the
// queue drains (a short last round starts at once), then the ceremony is finished. Each change is an
// admin record and a ceremony record with its reason, and shows on /rounds/status and in the metrics.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiError, requestJson } from '../../client/http.js';
import { RoundsClient, type RoundsStatusAnswer } from '../../client/rounds-client.js';
import { runRoundsContributor, type RoundsContributorResult } from '../../client/rounds-contributor.js';
import { waitFor } from '../../common/child-process.js';
import type { Engine } from '../../engine/context.js';
import { ceremonyCli, type CliResult } from '../helpers/cli.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createEngine } from '../../engine/context.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: {
      mode: 'rounds',
      rounds: {
        numG1Powers: 8,
        numG2Powers: 3,
        chunkCount: 2,
        contributorsPerRound: 2,
        // A round starts only when two wait, unless the ceremony is closed: a short round here would be the close's doing.
        roundFillWaitMs: 3_600_000,
        verification: 'coordinator',
        // Nobody is dropped while the test holds a round still.
        heartbeatTimeoutMs: 600_000,
        slowTaskTimeoutMs: 600_000,
      },
    },
    auth: { admins: ['dev|root'], rateLimits: { enabled: false } },
  });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

const admin = (action: string, reason?: string): Promise<CliResult> => ceremonyCli(['admin', action, '--url', stack.url, '--dev-name', 'root', ...(reason === undefined ? [] : ['--reason', reason])]);
const status = (): Promise<RoundsStatusAnswer> => new RoundsClient(stack.url).status();
/** Polls /rounds/status until `ready` holds of it. */
const statusWhen = (what: string, ready: (s: RoundsStatusAnswer) => boolean): Promise<RoundsStatusAnswer> =>
  waitFor(
    what,
    async () => {
      const s = await status();
      if (!ready(s)) throw new Error(`not yet: ${JSON.stringify({ phase: s.phase, admission: s.admission, current: s.current, queue: s.queue.length, completed: s.completedRounds })}`);
      return s;
    },
    120_000,
    200,
  );

async function joined(name: string): Promise<RoundsClient> {
  const client = new RoundsClient(stack.url);
  await client.loginDev(name);
  await client.join();
  return client;
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'no error';
  } catch (err) {
    if (err instanceof ApiError) return `${err.status} ${err.code}`;
    throw err;
  }
}

const contribute = (name: string): Promise<RoundsContributorResult> => runRoundsContributor({ url: stack.url, engine, name, heartbeatMs: 2_000 });
const identities = (members: Array<{ identity: string }>): string[] => members.map((m) => m.identity).sort();

it('pauses: no joins, no new round, the running round (and its restart) finishes, waiters keep their places; resumes; closes: the queue drains, then finished', async () => {
  // Round 1 runs with alice and bob (who do not work yet); carol and dave wait for round 2.
  await joined('alice');
  await joined('bob');
  await statusWhen('round 1 running', (s) => s.current?.round === 1);
  const carol = await joined('carol');
  await joined('dave');
  expect(identities((await status()).queue)).toEqual(['dev|carol', 'dev|dave']);

  const paused = await admin('pause', 'maintenance');
  expect(paused.code, paused.stderr).toBe(0);
  expect(JSON.parse(paused.stdout)).toMatchObject({ phase: 'paused', pausedReason: 'maintenance' });
  expect((await status()).admission).toMatchObject({ phase: 'paused', pausedReason: 'maintenance' });
  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  expect(metrics).toContain('ceremony_phase{phase="paused"} 1');
  expect(metrics).toContain('ceremony_phase{phase="open"} 0');
  expect(metrics).toContain('ceremony_phase{phase="round-running"} 1');
  expect(((await (await fetch(`${stack.url}/ceremony/info`)).json()) as { phase?: unknown }).phase).toMatchObject({ phase: 'paused', pausedReason: 'maintenance' });

  // No joins while paused, with a code a client can act on; one already waiting keeps its place.
  const eve = new RoundsClient(stack.url);
  await eve.loginDev('eve');
  expect(await codeOf(eve.join())).toBe('409 CEREMONY_PAUSED');
  expect(await carol.join()).toMatchObject({ position: 1 });

  // A restart of the round under way goes on while paused: the round is not over.
  const token = (await requestJson<{ token: string }>(stack.url, '/login', { json: { provider: 'dev', name: 'root' } })).token;
  await requestJson(stack.url, '/admin/rounds/restart', { token, json: { reason: 'restart while paused' } });
  await statusWhen('round 1, attempt 1', (s) => s.current?.round === 1 && s.current.attempt === 1);

  // The running round finishes; round 2 does not start, though two wait. (Once round 1's backup is in
  // the status, the ceremony would already have started round 2 in the same step.)
  const [alice, bob] = await Promise.all([contribute('alice'), contribute('bob')]);
  expect([alice.outcome, bob.outcome]).toEqual(['done', 'done']);
  const held = await statusWhen('round 1 backed up', (s) => s.history.some((h) => h.round === 1 && h.backupKey !== undefined));
  expect(held.current).toBeNull();
  expect(held.completedRounds).toBe(1);
  expect(identities(held.queue)).toEqual(['dev|carol', 'dev|dave']);
  expect(held.admission.phase).toBe('paused');

  const resumed = await admin('resume', 'maintenance over');
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ phase: 'open' });
  expect(JSON.parse(resumed.stdout)).not.toHaveProperty('pausedReason');
  const round2 = await statusWhen('round 2 running', (s) => s.current?.round === 2);
  expect(identities(round2.current?.contributors ?? [])).toEqual(['dev|carol', 'dev|dave']);
  expect(await eve.join()).toMatchObject({ position: 1 });

  // Closed: no joins; eve, already waiting, still gets a round of her own, at once after round 2.
  const closed = await admin('close', 'last call');
  expect(closed.code, closed.stderr).toBe(0);
  expect(JSON.parse(closed.stdout)).toMatchObject({ phase: 'closed', closedReason: 'last call' });
  const frank = new RoundsClient(stack.url);
  await frank.loginDev('frank');
  expect(await codeOf(frank.join())).toBe('409 CEREMONY_CLOSED');
  expect(await eve.join()).toMatchObject({ position: 1 });
  const results = await Promise.all([contribute('carol'), contribute('dave'), contribute('eve')]);
  expect(results.map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
  expect(results.map((r) => r.rounds)).toEqual([[2], [2], [3]]);
  const finished = await statusWhen('finished', (s) => s.completedRounds === 3 && s.current === null);
  expect(finished).toMatchObject({ phase: 'finished', admission: { phase: 'closed', closedReason: 'last call' }, queue: [] });
  expect(await (await fetch(`${stack.url}/metrics`)).text()).toContain('ceremony_phase{phase="closed"} 1');

  // Each change: a ceremony record with its reason, and an admin record.
  const records = await waitFor(
    'the phase records',
    async () => {
      const page = await requestJson<{ items: Array<{ kind: string; record: string }> }>(stack.url, '/records');
      const items = page.items.map((r) => ({ kind: r.kind, ...(JSON.parse(r.record) as { action?: string; reason?: string; detail?: { reason?: string } }) }));
      const phases = items.filter((r) => ['ceremony-paused', 'ceremony-resumed', 'lobby-closed'].includes(r.kind)).map((r) => [r.kind, r.detail?.reason]);
      const actions = items.filter((r) => r.kind === 'admin' && ['pause', 'resume', 'close'].includes(r.action ?? '')).map((r) => [r.action, r.reason]);
      if (phases.length < 3 || actions.length < 3) throw new Error(`not yet: ${JSON.stringify({ phases, actions })}`);
      return { phases, actions };
    },
    30_000,
    250,
  );
  expect(records.phases).toEqual([
    ['ceremony-paused', 'maintenance'],
    ['ceremony-resumed', 'maintenance over'],
    ['lobby-closed', 'last call'],
  ]);
  expect(records.actions).toEqual([
    ['pause', 'maintenance'],
    ['resume', 'maintenance over'],
    ['close', 'last call'],
  ]);
});

it('refuses a phase change that does not apply (409 PHASE_CONFLICT), one without a reason (400), and one from a non-admin (403)', async () => {
  // Closed now (the test above): every change is a conflict.
  for (const action of ['pause', 'resume', 'close']) {
    const refused = await admin(action, 'again');
    expect(refused.code, refused.stderr).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, code: 'PHASE_CONFLICT' });
  }
  const noReason = await admin('pause');
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toMatch(/need --reason/);
  const token = (await requestJson<{ token: string }>(stack.url, '/login', { json: { provider: 'dev', name: 'root' } })).token;
  const empty = await fetch(`${stack.url}/admin/rounds/pause`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
  expect(empty.status).toBe(400);
  expect(((await empty.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  const someone = (await requestJson<{ token: string }>(stack.url, '/login', { json: { provider: 'dev', name: 'someone' } })).token;
  const forbidden = await fetch(`${stack.url}/admin/rounds/resume`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${someone}` }, body: '{"reason":"x"}' });
  expect(forbidden.status).toBe(403);
  expect(((await forbidden.json()) as { code: string }).code).toBe('FORBIDDEN');
  expect((await status()).admission.phase).toBe('closed');
});
