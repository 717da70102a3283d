// `bin/ceremony verify-receipt` and `bin/ceremony admin` as a contributor and an operator run them,
// against the real sequential stack: a receipt from a real contribution checked offline, as saved and
// tampered with; status, ban (403 BANNED, out of the queue), unban, drop (from the queue and from a
// running turn), FORBIDDEN for non-admins, and an admin record for every action.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { base64url } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { participantIdOf } from '../../api/sequential/settings.js';
import { ApiError } from '../../client/http.js';
import { ParticipantClient, type CheckinAnswer, type CompleteAnswer } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { devParticipant, sleep, untilIdle } from '../helpers/sequential.js';
import { ceremonyCli, type CliResult } from '../helpers/cli.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;
let dir: string;
const lobbies: Lobby[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: {
      sizes: [{ numG1Powers: 16, numG2Powers: 4 }],
      sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 3_000, startWindowMs: 10_000, computeDeadlineMs: 60_000, initialRoundTripMs: 2_000 },
    },
    auth: { admins: ['dev|root'], rateLimits: { enabled: false } },
    // Small pages, so the records below span several.
    evidence: { recordsPageSize: 3 },
  });
  engine = await createEngine({ threads: 0 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'admin-receipts-'));
});

afterAll(async () => {
  for (const l of lobbies) l.stop();
  await engine?.close();
  await stack?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const idle = (): Promise<void> => untilIdle(stack);

beforeEach(idle);

const cli = ceremonyCli;

function admin(action: string, options: { identity?: string; reason?: string; as?: string } = {}): Promise<CliResult> {
  const args = ['admin', action, '--url', stack.url, '--dev-name', options.as ?? 'root'];
  if (options.identity !== undefined) args.push('--identity', options.identity);
  if (options.reason !== undefined) args.push('--reason', options.reason);
  return cli(args);
}

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

/** The one JSON line a command printed. */
function oneLine(text: string): Record<string, unknown> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  return json(lines[0] as string);
}

const login = (name: string): Promise<ParticipantClient> => devParticipant(stack.url, name);

async function codeOf(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code };
    throw err;
  }
  return { status: 200, code: 'OK' };
}

/** A participant that keeps checking in (every 300 ms) until told to stop or refused. */
class Lobby {
  error: ApiError | undefined;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    readonly client: ParticipantClient,
    public last: CheckinAnswer,
  ) {
    lobbies.push(this);
    this.loop = (async () => {
      while (this.running && this.last.status !== 'ready') {
        await sleep(300);
        if (!this.running) break;
        try {
          this.last = await this.client.checkin();
        } catch (err) {
          if (err instanceof ApiError) {
            this.error = err;
            return;
          }
          throw err;
        }
      }
    })();
  }

  static async enter(name: string): Promise<Lobby> {
    const client = await login(name);
    return new Lobby(client, await client.enter());
  }

  stop(): void {
    this.running = false;
  }

  async ready(timeoutMs = 30_000): Promise<void> {
    await vi.waitFor(() => expect(this.last.status).toBe('ready'), { timeout: timeoutMs, interval: 100 });
    await this.loop;
  }
}

async function adminStatus(): Promise<{ queue: string[]; current: { participantId: string } | null; head: { sequence: number }; stats: Record<string, number> }> {
  const r = await admin('status');
  expect(r.code, r.stderr).toBe(0);
  return json(r.stdout) as unknown as { queue: string[]; current: { participantId: string } | null; head: { sequence: number }; stats: Record<string, number> };
}

async function contributeNow(client: ParticipantClient): Promise<CompleteAnswer> {
  const started = await client.start();
  return client.complete(serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers))));
}

async function adminRecords(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const o of stack.store.list('records')) {
    const rec = json(Buffer.from(await stack.store.getBytes(o.key, 1 << 20)).toString('utf8'));
    if (rec['kind'] === 'admin') out.push(rec);
  }
  return out.sort((a, b) => String(a['at']).localeCompare(String(b['at'])));
}

const pid = (name: string): string => participantIdOf(`dev|${name}`);

describe('bin/ceremony verify-receipt', () => {
  it('accepts a receipt saved from a real contribution (exit 0) and refuses tampered ones (exit 1) and a missing file (exit 2)', async () => {
    const erin = await login('erin');
    expect((await erin.enter()).status).toBe('ready');
    const done = await contributeNow(erin);
    expect(done).toMatchObject({ outcome: 'accepted', sequence: 1 });
    const receiptFile = path.join(dir, 'receipt.json');
    const keysFile = path.join(dir, 'keys.json');
    await writeFile(receiptFile, JSON.stringify(done.receipt, null, 2));
    const info = (await (await fetch(new URL('/ceremony/info', stack.url))).json()) as { receiptKeys: { keys: unknown[] } };
    await writeFile(keysFile, JSON.stringify(info.receiptKeys));

    const ok = await cli(['verify-receipt', receiptFile, '--keys', keysFile]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(oneLine(ok.stdout)).toMatchObject({ valid: true, sequence: 1, identity: 'dev|erin', ceremonyId: stack.cfg.ceremony.id, transcriptSha256After: done.transcriptSha256 });
    const byUrl = await cli(['verify-receipt', receiptFile, '--url', stack.url]);
    expect(byUrl.code, byUrl.stderr).toBe(0);
    expect(oneLine(byUrl.stdout)).toMatchObject({ valid: true, sequence: 1 });

    // The readable payload changed (sequence 1 → 2): it no longer matches what was signed.
    const saved = json(await readFile(receiptFile, 'utf8')) as { jws: string; payload: Record<string, unknown> };
    const shown = path.join(dir, 'tampered-payload.json');
    await writeFile(shown, JSON.stringify({ ...saved, payload: { ...saved.payload, sequence: 2 } }));
    const r1 = await cli(['verify-receipt', shown, '--keys', keysFile]);
    expect(r1.code).toBe(1);
    expect(oneLine(r1.stdout)).toMatchObject({ valid: false, code: 'PAYLOAD_MISMATCH' });

    // The signed payload itself changed (and the readable one with it): the signature fails.
    const [header, , signature] = saved.jws.split('.');
    const forgedPayload = { ...saved.payload, sequence: 2 };
    const resigned = `${header}.${base64url.encode(JSON.stringify(forgedPayload))}.${signature}`;
    const signed = path.join(dir, 'tampered-jws.json');
    await writeFile(signed, JSON.stringify({ jws: resigned, payload: forgedPayload }));
    const r2 = await cli(['verify-receipt', signed, '--keys', keysFile]);
    expect(r2.code).toBe(1);
    expect(oneLine(r2.stdout)).toMatchObject({ valid: false, code: 'BAD_SIGNATURE' });

    const missing = await cli(['verify-receipt', path.join(dir, 'no-such-receipt.json'), '--keys', keysFile]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('no-such-receipt.json');

    // #10 `ceremony verify`: the transcript, the receipt against the pinned key, and its inclusion.
    const fingerprint = (info as { receiptKeyFingerprints?: string[] }).receiptKeyFingerprints?.[0] ?? '';
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const whole = await cli(['verify', '--url', stack.url, '--receipt', receiptFile, `--key=${fingerprint}`]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toMatch(/transcript: valid, 1 contributions/);
    expect(whole.stdout).toMatch(/its contribution is number 1 in the transcript \(the transcript names no identity there\)\nVALID\n$/);
    const report = await cli(['verify', '--url', stack.url, '--receipt', receiptFile, `--key=${fingerprint}`, '--json']);
    expect(oneLine(report.stdout)).toMatchObject({ valid: true, transcript: { contributions: 1 }, receipts: [{ kind: 'turn', identity: 'dev|erin', keyFingerprint: fingerprint, position: 1 }] });
    expect((await cli(['verify', '--url', stack.url])).code).toBe(0);

    // Another pinned key: an error, not a warning, with or without a receipt to check.
    for (const receiptArgs of [['--receipt', receiptFile], []]) {
      const otherKey = await cli(['verify', '--url', stack.url, ...receiptArgs, '--key', 'A'.repeat(43), '--json']);
      expect(otherKey.code).toBe(1);
      expect(oneLine(otherKey.stdout)).toMatchObject({ valid: false, failure: { stage: 'receipt', code: 'KEY_MISMATCH' } });
    }

    // Offline, with the key from a saved /ceremony/info.
    const transcriptFile = path.join(dir, 'transcript.json');
    const transcriptText = await (await fetch(new URL('/transcript', stack.url))).text();
    await writeFile(transcriptFile, transcriptText);
    const infoFile = path.join(dir, 'info.json');
    await writeFile(infoFile, JSON.stringify(info));
    const offline = await cli(['verify', '--transcript', transcriptFile, '--receipt', receiptFile, '--key', infoFile, '--json']);
    expect(offline.code, offline.stderr).toBe(0);
    expect(oneLine(offline.stdout)).toMatchObject({ valid: true, receipts: [{ position: 1 }] });
    // Offline with a fingerprint pinned as well: the file's key must have it.
    expect((await cli(['verify', '--transcript', transcriptFile, '--receipt', receiptFile, '--key', infoFile, `--key=${fingerprint}`])).code).toBe(0);
    const offlineOther = await cli(['verify', '--transcript', transcriptFile, '--receipt', receiptFile, '--key', infoFile, '--key', 'A'.repeat(43), '--json']);
    expect(offlineOther.code).toBe(1);
    expect(oneLine(offlineOther.stdout)).toMatchObject({ failure: { code: 'KEY_MISMATCH' } });

    // A receipt that is not in the transcript (the initial one, before Erin's contribution).
    const before = path.join(dir, 'transcript-0.json');
    await writeFile(before, await (await fetch(new URL('/transcript/0', stack.url))).text());
    const absent = await cli(['verify', '--transcript', before, '--receipt', receiptFile, '--key', infoFile, '--json']);
    expect(absent.code).toBe(1);
    expect(oneLine(absent.stdout)).toMatchObject({ valid: false, failure: { stage: 'inclusion', code: 'NOT_INCLUDED' } });

    // Erin logged in with a development name, which the transcript records as '' (unattributed).
    expect(oneLine(offline.stdout)).toMatchObject({ receipts: [{ attributed: false }] });

    // The contribution attributed to someone else: verifies as a transcript, but not as Erin's.
    const misattributed = json(transcriptText) as { participantIds: string[] };
    misattributed.participantIds[1] = `eth|0x${'1'.repeat(40)}`;
    await writeFile(transcriptFile, JSON.stringify(misattributed));
    const wrongId = await cli(['verify', '--transcript', transcriptFile, '--receipt', receiptFile, '--key', infoFile, '--json']);
    expect(wrongId.code).toBe(1);
    expect(oneLine(wrongId.stdout)).toMatchObject({ failure: { stage: 'inclusion', code: 'NOT_INCLUDED' } });

    // A tampered transcript: two G1 powers swapped.
    const tampered = json(transcriptText) as { transcripts: Array<{ powersOfTau: { G1Powers: string[] } }> };
    const g1 = tampered.transcripts[0]?.powersOfTau.G1Powers ?? [];
    [g1[5], g1[6]] = [g1[6] as string, g1[5] as string];
    await writeFile(transcriptFile, JSON.stringify(tampered));
    const broken = await cli(['verify', '--transcript', transcriptFile, '--json']);
    expect(broken.code).toBe(1);
    expect(oneLine(broken.stdout)).toMatchObject({ valid: false, failure: { stage: 'transcript', code: 'G1_POWERS_NOT_CONSECUTIVE' } });

    // Usage: a receipt needs a pinned key; a fingerprint alone cannot work offline.
    expect((await cli(['verify', '--url', stack.url, '--receipt', receiptFile])).code).toBe(2);
    expect((await cli(['verify', '--transcript', transcriptFile, '--receipt', receiptFile, `--key=${fingerprint}`])).code).toBe(2);
  });
});

describe('bin/ceremony admin', () => {
  it('status: the queue, the current turn, the head and the statistics, for an admin', async () => {
    const s = await adminStatus();
    expect(s).toMatchObject({ ceremonyId: stack.cfg.ceremony.id, queue: [], current: null, head: { sequence: 1 }, stats: { accepted: 1 } });
  });

  it('refuses a non-admin with 403 FORBIDDEN (exit 1, one JSON line) and records nothing', async () => {
    const before = (await adminRecords()).length;
    for (const action of [['status'], ['ban', 'dev|alice'], ['unban', 'dev|alice'], ['drop', 'dev|alice']] as const) {
      const r = await admin(action[0], { identity: action[1], as: 'mallory' });
      expect(r.code, `${action[0]}: ${r.stderr}`).toBe(1);
      expect(oneLine(r.stdout)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    // Over HTTP: 403 with a participant's token, 401 with none.
    const mallory = await login('mallory');
    const res = await fetch(new URL('/admin/ban', stack.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${mallory.token ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'dev|alice' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await fetch(new URL('/admin/status', stack.url));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await adminRecords()).toHaveLength(before);
  });

  it('ban, drop and unban move people out of (and back into) the queue; the ceremony runs on', async () => {
    const alice = await login('alice');
    expect((await alice.enter()).status).toBe('ready');
    await alice.start();
    const bob = await Lobby.enter('bob');
    const carol = await Lobby.enter('carol');
    const dave = await Lobby.enter('dave');
    expect([bob.last.position, carol.last.position, dave.last.position]).toEqual([1, 2, 3]);
    expect(await adminStatus()).toMatchObject({ queue: [pid('bob'), pid('carol'), pid('dave')], current: { participantId: pid('alice') } });

    // Ban a waiting participant: out of the queue; every call is 403 BANNED.
    const ban = await admin('ban', { identity: 'dev|bob', reason: 'sybil' });
    expect(ban.code, ban.stderr).toBe(0);
    expect(json(ban.stdout)).toEqual({ identity: 'dev|bob', banned: true });
    expect((await adminStatus()).queue).toEqual([pid('carol'), pid('dave')]);
    await vi.waitFor(() => expect(bob.error).toMatchObject({ status: 403, code: 'BANNED' }), { timeout: 5_000, interval: 100 });
    expect(await codeOf(bob.client.enter())).toEqual({ status: 403, code: 'BANNED' });
    expect(await codeOf(bob.client.checkin())).toEqual({ status: 403, code: 'BANNED' });
    expect(await codeOf(bob.client.start())).toMatchObject({ status: 409 });
    // Told why: the reason code, the administrator's reason, no until (a ban lasts until lifted).
    expect((await bob.client.participant())['reason']).toMatchObject({ code: 'banned', detail: 'sybil', message: expect.stringContaining('banned') as unknown });
    // carol's next background check-in reports her move up (the ban took bob's place away).
    await vi.waitFor(() => expect(carol.last.position).toBe(1), { timeout: 5_000, interval: 100 });

    // Drop a waiting participant (no ban): out of the queue, told so at the next check-in, free to enter again.
    const drop = await admin('drop', { identity: 'dev|dave', reason: 'stuck client' });
    expect(drop.code, drop.stderr).toBe(0);
    expect(json(drop.stdout)).toEqual({ identity: 'dev|dave', dropped: true });
    expect((await adminStatus()).queue).toEqual([pid('carol')]);
    await vi.waitFor(() => expect(dave.error).toMatchObject({ status: 409, code: 'NOT_IN_QUEUE' }), { timeout: 5_000, interval: 100 });
    expect((await dave.client.participant())['reason']).toMatchObject({ code: 'dropped', detail: 'stuck client' });
    const daveAgain = new Lobby(dave.client, await dave.client.enter());
    expect(daveAgain.last.position).toBe(2);
    expect((await adminStatus()).queue).toEqual([pid('carol'), pid('dave')]);

    // Drop the participant who is computing: the turn ends, the next one is called at once.
    const dropCurrent = await admin('drop', { identity: 'dev|alice', reason: 'unresponsive' });
    expect(dropCurrent.code, dropCurrent.stderr).toBe(0);
    await carol.ready(10_000);
    expect(await codeOf(alice.complete('{}'))).toMatchObject({ status: 409 });
    // The turn holder is told it was the drop (not merely a cancelled turn).
    await vi.waitFor(async () => expect(await alice.participant()).toMatchObject({ status: 'idle', lastOutcome: 'cancelled', reason: { code: 'dropped', detail: 'unresponsive' } }), {
      timeout: 5_000,
      interval: 100,
    });
    expect(await contributeNow(carol.client)).toMatchObject({ outcome: 'accepted', sequence: 2 });

    // Unban: bob may enter again, at the back of the queue.
    const unban = await admin('unban', { identity: 'dev|bob', reason: 'appeal granted' });
    expect(unban.code, unban.stderr).toBe(0);
    expect(json(unban.stdout)).toEqual({ identity: 'dev|bob', banned: false });
    expect((await bob.client.participant())['reason']).toBeUndefined();
    const bobAgain = new Lobby(bob.client, await bob.client.enter());
    await daveAgain.ready();
    expect(await contributeNow(dave.client)).toMatchObject({ sequence: 3 });
    await bobAgain.ready();
    expect(await contributeNow(bob.client)).toMatchObject({ sequence: 4 });

    const s = await adminStatus();
    expect(s.head.sequence).toBe(4);
    expect(s.stats).toMatchObject({ accepted: 4, cancelled: 1 });

    // Every admin action left a record (status reads do not).
    const records = await adminRecords();
    expect(records.map((r) => [r['action'], r['identity'], r['reason'], r['admin']])).toEqual([
      ['ban', 'dev|bob', 'sybil', 'dev|root'],
      ['drop', 'dev|dave', 'stuck client', 'dev|root'],
      ['drop', 'dev|alice', 'unresponsive', 'dev|root'],
      ['unban', 'dev|bob', 'appeal granted', 'dev|root'],
    ]);
    for (const r of records) expect(r).toMatchObject({ version: 1, kind: 'admin', ceremonyId: stack.cfg.ceremony.id });
  });
});

describe('#10 public records: GET /records and the chain ceremony verify checks', () => {
  interface Served {
    page: number;
    pages: number;
    count: number;
    pageSize: number;
    items: Array<{ index: number; kind: string; entryKey: string; entry: string; recordKey: string; record: string }>;
  }
  const page = async (n: number): Promise<Served> => (await (await fetch(new URL(`/records?page=${n}`, stack.url))).json()) as Served;

  it('serves every record, oldest first, each chained to the one before; a record changed in the store breaks the chain', async () => {
    // Everything written so far has reached the ledger (records are chained as they are written).
    const stored = async () => {
      let n = 0;
      for await (const _ of stack.store.list('records')) n += 1;
      return n;
    };
    await vi.waitFor(async () => expect((await page(0)).count).toBe(await stored()), { timeout: 30_000, interval: 250 });
    const first = await page(0);
    expect(first.pageSize).toBe(3);
    expect(first.pages).toBeGreaterThan(2);
    const all: Served['items'] = [];
    for (let n = 0; n < first.pages; n += 1) all.push(...(await page(n)).items);
    expect(all.map((r) => r.index)).toEqual(all.map((_, i) => i));
    expect(all.length).toBe(first.count);
    const kinds = new Set(all.map((r) => r.kind));
    for (const kind of ['accepted', 'admin', 'banned', 'unbanned']) expect(kinds, kind).toContain(kind);
    // An admin record carries its reason; each entry names the one before it.
    expect(all.map((r) => JSON.parse(r.record) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ kind: 'admin', action: 'ban', reason: 'sybil' }));
    expect(JSON.parse(all[1]?.entry ?? '{}')).toMatchObject({ index: 1, previous: all[0]?.entryKey, record: all[1]?.recordKey });
    expect((await fetch(new URL(`/records?page=${first.pages}`, stack.url))).status).toBe(404);
    expect((await fetch(new URL('/records?page=-1', stack.url))).status).toBe(400);

    const verified = await cli(['verify', '--url', stack.url, '--records', '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(oneLine(verified.stdout)).toMatchObject({ valid: true, records: { count: first.count } });

    // Someone edits a stored record (the store is the operator's; the chain is what the public holds).
    const victim = all[2]?.recordKey ?? '';
    const file = path.join(stack.dataDir, 'objects', ...victim.split('/'));
    await writeFile(file, (await readFile(file, 'utf8')).replace('"version":1', '"version":2'));
    const broken = await cli(['verify', '--url', stack.url, '--records', '--json']);
    expect(broken.code).toBe(1);
    expect(oneLine(broken.stdout)).toMatchObject({ valid: false, failure: { stage: 'records', code: 'RECORD_CHAIN_BROKEN' } });
    expect((oneLine(broken.stdout) as { failure: { message: string } }).failure.message).toMatch(/record 2 is not the text its key/);
  });
});
