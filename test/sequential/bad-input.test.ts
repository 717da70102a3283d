// Bad input on the real sequential stack. Every refusal comes with its stable code and HTTP status,
// and after each one the ceremony still runs: the same turn still takes a correct upload, or the
// queue moves on and the next participant contributes.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionTokens } from '../../api/auth/session.js';
import { ParticipantClient, type CheckinAnswer, type StartAnswer } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { newTranscript } from '../../engine/ops/new-transcript.js';
import { contribute } from '../../engine/ops/contribute.js';
import { turnStateQuery } from '../../workflows/sequential/messages.js';
import { turnWorkflowIdFor } from '../../workflows/sequential/ceremony.js';
import { keysUnder } from '../helpers/objects.js';
import { devParticipant, sleep, untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const SIZES = [{ numG1Powers: 16, numG2Powers: 4 }];
const MAX_UPLOAD = 16 * 1024;

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack({
    api: { maxUploadBytes: MAX_UPLOAD },
    ceremony: {
      sizes: SIZES,
      sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 3_000, startWindowMs: 10_000, computeDeadlineMs: 60_000, initialRoundTripMs: 2_000 },
    },
    auth: { rateLimits: { enabled: false } },
  });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

const idle = (): Promise<void> => untilIdle(stack);

beforeEach(idle);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}

/** POST with full control over the body and its headers. */
async function post(path: string, options: { token?: string; body?: string | Uint8Array; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  return answer(await fetch(new URL(path, stack.url), { method: 'POST', headers, body: options.body, signal: AbortSignal.timeout(60_000) }));
}

const login = (name: string): Promise<ParticipantClient> => devParticipant(stack.url, name);

function tokenOf(client: ParticipantClient): string {
  if (client.token === undefined) throw new Error('not logged in');
  return client.token;
}

/** Checks in on the deadlines it is given until the status is ready (or the time runs out). */
async function untilReady(client: ParticipantClient, first: CheckinAnswer, timeoutMs = 60_000): Promise<CheckinAnswer> {
  const giveUp = Date.now() + timeoutMs;
  let a = first;
  while (a.status !== 'ready') {
    if (Date.now() > giveUp) throw new Error('never became ready');
    await sleep(Math.max(100, Math.min(500, Math.floor((a.nextDeadlineMs - Date.now()) / 2))));
    a = await client.checkin();
  }
  return a;
}

/** Every staged upload, at any depth (each submission has its own prefix under uploads/<turn>/). */
async function uploads(): Promise<string[]> {
  return keysUnder(stack, 'uploads');
}

async function records(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const o of stack.store.list('records')) {
    out.push(JSON.parse(Buffer.from(await stack.store.getBytes(o.key, 1 << 20)).toString('utf8')) as Record<string, unknown>);
  }
  return out;
}

async function turnState(turnId: string): Promise<string> {
  const handle = stack.env.client.workflow.getHandle(turnWorkflowIdFor(stack.cfg.ceremony.id, turnId));
  return (await handle.query(turnStateQuery)).state;
}

async function status(): Promise<{ sequence: number; queueLength: number; stats: Record<string, number> }> {
  const res = await fetch(new URL('/ceremony/status', stack.url));
  expect(res.status).toBe(200);
  return (await res.json()) as { sequence: number; queueLength: number; stats: Record<string, number> };
}

async function validContribution(started: StartAnswer): Promise<string> {
  return serializeBatchContribution(await contribute(engine, parseBatchContribution(started.powers)));
}

/** A well-formed contribution of this ceremony's sizes, built on the wrong (initial) powers. */
async function wellFormedElsewhere(): Promise<string> {
  return serializeBatchContribution(await contribute(engine, newTranscript(SIZES)));
}

describe('contribution/complete with a bad body', () => {
  it('refuses each at the edge with its code, keeps nothing under uploads/, and leaves the turn open for a correct upload', async () => {
    const alice = await login('alice');
    const entered = await alice.enter();
    expect(entered.status).toBe('ready');
    // Bob waits behind Alice; he is called once she is done.
    const bob = await login('bob');
    const bobFirst = await bob.enter();
    expect(bobFirst.status).not.toBe('ready');
    const bobReady = untilReady(bob, bobFirst);

    const started = await alice.start();
    const turnId = started.turnId;
    const token = tokenOf(alice);
    const correct = await validContribution(started);
    expect(Buffer.byteLength(correct)).toBeLessThan(MAX_UPLOAD);
    const before = await uploads();

    const stillOpen = async (): Promise<void> => {
      expect(await uploads()).toEqual(before);
      expect(await turnState(turnId)).toBe('computing');
      const view = await stack.gateway.participant('dev|alice');
      expect(view).toMatchObject({ status: 'ready', turnId });
      expect((await status()).sequence).toBe(0);
    };

    // A body that is not JSON at all, and one that is cut short.
    for (const body of ['this is not json', correct.slice(0, correct.length - 10)]) {
      const r = await post('/contribution/complete', { token, body, contentType: 'application/json' });
      expect(r).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
      await stillOpen();
    }

    // Not declared as JSON.
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
      const r = await post('/contribution/complete', { token, body: correct, contentType });
      expect(r, contentType).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      await stillOpen();
    }

    // Larger than api.maxUploadBytes, with a Content-Length that says so...
    const huge = `{"contributions":[],"pad":"${'x'.repeat(3 * MAX_UPLOAD)}"}`;
    const declared = await post('/contribution/complete', { token, body: huge, contentType: 'application/json' });
    expect(declared).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: MAX_UPLOAD } } });
    await stillOpen();

    // ...and streamed without one (chunked): refused before a byte of it is read (hardening #3).
    const chunks = [Buffer.from('{"contributions":[],"pad":"'), ...Array.from({ length: 6 }, () => Buffer.alloc(MAX_UPLOAD / 2, 0x78)), Buffer.from('"}')];
    const streamed = await answer(
      await fetch(new URL('/contribution/complete', stack.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            for (const c of chunks) controller.enqueue(new Uint8Array(c));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit & { duplex: 'half' }),
    );
    expect(streamed).toMatchObject({ status: 411, body: { code: 'LENGTH_REQUIRED' } });
    await stillOpen();

    // Well-formed JSON of the wrong sizes.
    const wrongSize = serializeBatchContribution(await contribute(engine, newTranscript([{ numG1Powers: 8, numG2Powers: 3 }])));
    const sized = await post('/contribution/complete', { token, body: wrongSize, contentType: 'application/json' });
    expect(sized).toMatchObject({ status: 400, body: { code: 'WRONG_CONTRIBUTION_SIZE', details: { expected: '16:4', got: '8:3' } } });
    await stillOpen();
    const twoSubs = serializeBatchContribution(await contribute(engine, newTranscript([...SIZES, ...SIZES])));
    expect(await post('/contribution/complete', { token, body: twoSubs, contentType: 'application/json' })).toMatchObject({
      status: 400,
      body: { code: 'WRONG_CONTRIBUTION_SIZE', details: { got: '16:4,16:4' } },
    });
    await stillOpen();

    // JSON that is no BatchContribution.
    for (const body of ['{}', '[]', '{"contributions":[{"numG1Powers":16}]}']) {
      const r = await post('/contribution/complete', { token, body, contentType: 'application/json' });
      expect(r, body).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      await stillOpen();
    }

    // The turn is still Alice's, and a correct upload in time is accepted.
    const done = await alice.complete(correct);
    expect(done).toMatchObject({ outcome: 'accepted', sequence: 1 });
    expect((await uploads()).length).toBe(before.length + 1);

    // The queue moved on: Bob is called and contributes.
    await bobReady;
    const bobStarted = await bob.start();
    expect(bobStarted.sequence).toBe(2);
    expect(await bob.complete(await validContribution(bobStarted))).toMatchObject({ outcome: 'accepted', sequence: 2 });
  });

  it('rejects a schema-valid contribution that fails a cryptographic check (422, details.check), and the queue moves on', async () => {
    const carol = await login('carol');
    expect((await carol.enter()).status).toBe('ready');
    const dave = await login('dave');
    const daveFirst = await dave.enter();
    expect(daveFirst.status).not.toBe('ready');
    const daveReady = untilReady(dave, daveFirst);

    const started = await carol.start();
    const contribution = await contribute(engine, parseBatchContribution(started.powers));
    const g1 = contribution.contributions[0]?.powersOfTau.g1Powers;
    if (g1 === undefined) throw new Error('no sub-ceremony');
    // Two powers beyond the G2 range swapped: the G2 checks pass, the consecutive-powers check fails.
    [g1[10], g1[11]] = [g1[11] as string, g1[10] as string];
    const before = await uploads();
    const rejectedAt = Date.now();
    const r = await post('/contribution/complete', { token: tokenOf(carol), body: serializeBatchContribution(contribution), contentType: 'application/json' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'INVALID_CONTRIBUTION', details: { check: 'G1_POWERS_NOT_CONSECUTIVE', sequence: 3 } });
    expect(String(r.body['message'])).toContain('verification');
    // #13: counted by its failed check, and timed with the verdict.
    const metrics = await (await fetch(new URL('/metrics', stack.url))).text();
    expect(metrics).toMatch(/ceremony_contributions_rejected_total\{check="G1_POWERS_NOT_CONSECUTIVE"\} [1-9]/);
    expect(metrics).toMatch(/ceremony_contribution_verification_seconds_count\{outcome="rejected"\} [1-9]/);

    // The invalid upload is not kept; the record of the rejection (naming the check) is.
    expect(await uploads()).toEqual(before);
    const rejected = (await records()).filter((rec) => rec['kind'] === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ identity: 'dev|carol', failedCheck: { code: 'G1_POWERS_NOT_CONSECUTIVE' } });

    // Dave is called at once (well before Carol's compute deadline) and contributes as number 3.
    await daveReady;
    expect(Date.now() - rejectedAt).toBeLessThan(30_000); // half the 60 s compute deadline
    const daveStarted = await dave.start();
    expect(daveStarted.sequence).toBe(3);
    expect(await dave.complete(await validContribution(daveStarted))).toMatchObject({ outcome: 'accepted', sequence: 3 });

    // /ceremony/status follows once the ceremony has taken the turn's outcome.
    await vi.waitFor(async () => expect(await status()).toMatchObject({ sequence: 3, stats: { accepted: 3, rejected: 1 } }), { timeout: 5_000, interval: 100 });
    // Carol's turn is over: a second complete is refused.
    expect(await post('/contribution/complete', { token: tokenOf(carol), body: await wellFormedElsewhere(), contentType: 'application/json' })).toMatchObject({
      status: 409,
      body: { code: 'CONTRIBUTION_ALREADY_COMPLETED' },
    });
    expect((await uploads()).length).toBe(before.length + 1);
  });
});

describe('contribution calls out of order', () => {
  it('complete before start: 409 NO_CONTRIBUTION_IN_PROGRESS, nothing kept, and the turn can still start and complete', async () => {
    const erin = await login('erin');
    expect((await erin.enter()).status).toBe('ready');
    const before = await uploads();
    const r = await post('/contribution/complete', { token: tokenOf(erin), body: await wellFormedElsewhere(), contentType: 'application/json' });
    expect(r).toMatchObject({ status: 409, body: { code: 'NO_CONTRIBUTION_IN_PROGRESS' } });
    expect(await uploads()).toEqual(before);

    const started = await erin.start();
    const body = await validContribution(started);
    const done = await erin.complete(body);
    expect(done).toMatchObject({ outcome: 'accepted', sequence: 4 });
    const after = await uploads();
    expect(after.length).toBe(before.length + 1);

    // A second complete, at once and once everything has settled: the contribution is already in.
    for (const again of [body, await wellFormedElsewhere()]) {
      const second = await post('/contribution/complete', { token: tokenOf(erin), body: again, contentType: 'application/json' });
      expect(second).toMatchObject({ status: 409, body: { code: 'CONTRIBUTION_ALREADY_COMPLETED' } });
      expect(await uploads()).toEqual(after);
    }
    await sleep(500);
    const late = await post('/contribution/complete', { token: tokenOf(erin), body: await wellFormedElsewhere(), contentType: 'application/json' });
    expect(late).toMatchObject({ status: 409, body: { code: 'CONTRIBUTION_ALREADY_COMPLETED' } });
    expect(await uploads()).toEqual(after);
    await vi.waitFor(async () => expect((await status()).sequence).toBe(4), { timeout: 5_000, interval: 100 });
  });

  it('start, complete and abort out of turn (still waiting in the queue): 409 NOT_YOUR_TURN; the queue is unchanged', async () => {
    const frank = await login('frank');
    expect((await frank.enter()).status).toBe('ready');
    const grace = await login('grace');
    const graceFirst = await grace.enter();
    expect(graceFirst).toMatchObject({ position: 1 });
    expect(graceFirst.status).not.toBe('ready');
    const graceReady = untilReady(grace, graceFirst);

    const before = await uploads();
    expect(await post('/contribution/start', { token: tokenOf(grace) })).toMatchObject({ status: 409, body: { code: 'NOT_YOUR_TURN' } });
    expect(await post('/contribution/complete', { token: tokenOf(grace), body: await wellFormedElsewhere(), contentType: 'application/json' })).toMatchObject({
      status: 409,
      body: { code: 'NOT_YOUR_TURN' },
    });
    expect(await post('/contribution/abort', { token: tokenOf(grace) })).toMatchObject({ status: 409, body: { code: 'NOT_YOUR_TURN' } });
    expect(await uploads()).toEqual(before);
    expect((await status()).queueLength).toBe(1);

    // Frank's turn is untouched by Grace's attempts; then Grace's comes.
    const started = await frank.start();
    expect(await frank.complete(await validContribution(started))).toMatchObject({ outcome: 'accepted', sequence: 5 });
    await graceReady;
    const graceStarted = await grace.start();
    expect(await grace.complete(await validContribution(graceStarted))).toMatchObject({ outcome: 'accepted', sequence: 6 });
  });
});

describe('session tokens on a participant endpoint (/lobby/enter)', () => {
  const claims = (sub: string): Record<string, unknown> => ({ sub, provider: 'dev', sid: 'abcdefgh', iss: stack.cfg.auth.issuer, aud: stack.cfg.auth.audience });

  it('refuses missing, expired, forged and alg-none tokens with 401 and the right code; nobody joins the queue', async () => {
    const queued = (await status()).queueLength;

    expect(await post('/lobby/enter')).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(await post('/queue/join')).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });

    // Signed with the stack's own key, but a TTL ago.
    const ttlMs = stack.cfg.auth.sessionTtlSeconds * 1000;
    const past = await createSessionTokens(stack.cfg, { now: () => Date.now() - ttlMs - 60_000 });
    const expired = (await past.issue('dev|heidi', 'dev')).token;
    expect(await post('/lobby/enter', { token: expired })).toMatchObject({ status: 401, body: { code: 'TOKEN_EXPIRED' } });

    // Same claims, issuer and audience, signed by another Ed25519 key (with the real key's kid, even).
    const real = await createSessionTokens(stack.cfg);
    const other = generateKeyPairSync('ed25519').privateKey;
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ provider: 'dev', sid: 'forged-session' })
      .setProtectedHeader({ alg: 'EdDSA', kid: real.keys.kid, typ: 'JWT' })
      .setSubject('dev|heidi')
      .setIssuer(stack.cfg.auth.issuer)
      .setAudience(stack.cfg.auth.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(other);
    expect(await post('/lobby/enter', { token: forged })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });

    // alg: none, unsigned.
    const enc = (o: unknown): string => base64url.encode(JSON.stringify(o));
    const none = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims('dev|heidi'), iat: now, exp: now + 3600 })}.`;
    expect(await post('/lobby/enter', { token: none })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });

    // A real token with its signature cut off, and a header that is not "Bearer <token>".
    const good = (await real.issue('dev|heidi', 'dev')).token;
    expect(await post('/lobby/enter', { token: good.slice(0, good.lastIndexOf('.') + 1) })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    expect(await post('/lobby/enter', { headers: { authorization: `Basic ${good}` } })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });

    // Nobody joined; the ceremony answers; the same identity with a good token gets in.
    expect((await status()).queueLength).toBe(queued);
    await idle();
    const entered = await post('/lobby/enter', { token: good });
    expect(entered.status).toBe(200);
    expect(entered.body['status']).toBe('ready');
    const heidi = new ParticipantClient(stack.url);
    heidi.token = good;
    const started = await heidi.start();
    expect(await heidi.complete(await validContribution(started))).toMatchObject({ outcome: 'accepted', sequence: 7 });
  });
});

describe('a replay of an accepted contribution', () => {
  it('is rejected (422 INVALID_CONTRIBUTION) without deleting the accepted upload, and the ceremony goes on', async () => {
    // Ivan contributes; his upload is kept as evidence under his own submission's prefix.
    const ivan = await login('ivan');
    expect((await ivan.enter()).status).toBe('ready');
    const ivanStarted = await ivan.start();
    const ivanBody = await validContribution(ivanStarted);
    const accepted = await ivan.complete(ivanBody);
    expect(accepted.outcome).toBe('accepted');
    const ivanRecord = (await records()).find((rec) => rec['kind'] === 'accepted' && rec['identity'] === 'dev|ivan');
    const ivanKey = String(ivanRecord?.['uploadKey']);
    const sha = createHash('sha256').update(ivanBody).digest('hex');
    const ivanTurn = turnWorkflowIdFor(stack.cfg.ceremony.id, ivanStarted.turnId);
    expect(ivanKey).toMatch(new RegExp(`^uploads/${ivanTurn}/[0-9a-f]{32}/${sha}$`));
    const before = await uploads();
    expect(before).toContain(ivanKey);

    // Judy uploads exactly Ivan's bytes (anyone can rebuild them from the public transcripts). Same
    // SHA-256; under one shared prefix it would be Ivan's key, and the rejection would delete it.
    await idle();
    const judy = await login('judy');
    expect((await judy.enter()).status).toBe('ready');
    const judyStarted = await judy.start();
    expect(judyStarted.sequence).toBe(accepted.sequence + 1);
    const r = await post('/contribution/complete', { token: tokenOf(judy), body: ivanBody, contentType: 'application/json' });
    expect(r).toMatchObject({ status: 422, body: { code: 'INVALID_CONTRIBUTION', details: { sequence: accepted.sequence + 1 } } });

    // Ivan's accepted upload is still there, byte for byte; Judy's copy (its own key) is gone.
    expect(await stack.store.head(ivanKey)).not.toBeNull();
    expect(Buffer.from(await stack.store.getBytes(ivanKey, MAX_UPLOAD)).toString('utf8')).toBe(ivanBody);
    const judyRecord = (await records()).find((rec) => rec['kind'] === 'rejected' && rec['identity'] === 'dev|judy');
    const judyKey = String(judyRecord?.['uploadKey']);
    expect(judyKey).toMatch(new RegExp(`^uploads/${turnWorkflowIdFor(stack.cfg.ceremony.id, judyStarted.turnId)}/[0-9a-f]{32}/${sha}$`));
    expect(judyKey).not.toBe(ivanKey);
    expect(await stack.store.head(judyKey)).toBeNull();
    expect(await uploads()).toEqual(before);

    // The ceremony goes on: the next participant contributes on top of Ivan's contribution.
    await idle();
    const kate = await login('kate');
    expect((await kate.enter()).status).toBe('ready');
    const kateStarted = await kate.start();
    expect(kateStarted.sequence).toBe(accepted.sequence + 1);
    expect(await kate.complete(await validContribution(kateStarted))).toMatchObject({ outcome: 'accepted', sequence: accepted.sequence + 1 });
    expect(await stack.store.head(ivanKey)).not.toBeNull();
    expect((await uploads()).length).toBe(before.length + 1);
  });
});
