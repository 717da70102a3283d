// Restarts, bans, backups and evidence of rounds mode on the real stack (coordinator verification).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, requestJson } from '../../client/http.js';
import { RoundsClient, type RoundsStatusAnswer } from '../../client/rounds-client.js';
import { runRoundsContributor, type RoundsContributorEvent } from '../../client/rounds-contributor.js';
import { waitFor } from '../../common/child-process.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { keysUnder } from '../helpers/objects.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { compactVerify, importJWK, type JWK } from 'jose';
import { chunkStateFromText } from '../../engine/chunked/any-document.js';
import { chunkLayout } from '../../engine/chunked/layout.js';

const rounds = {
  mode: 'rounds',
  rounds: {
    numG1Powers: 16,
    numG2Powers: 3,
    chunkCount: 4,
    contributorsPerRound: 3,
    roundFillWaitMs: 5_000,
    verification: 'coordinator',
    heartbeatTimeoutMs: 6_000,
    sweepIntervalMs: 300,
  },
};
const common = { ceremony: rounds, auth: { admins: ['dev|root'], rateLimits: { enabled: false } } };

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 0 });
});
afterAll(async () => {
  await engine?.close();
});

async function adminToken(url: string): Promise<string> {
  return (await requestJson<{ token: string }>(url, '/login', { json: { provider: 'dev', name: 'root' } })).token;
}

interface RoundRecord {
  kind: string;
  round: number;
  attempt: number;
  detail?: { contributionId?: string; uploadKey?: string };
}

const statusOf = (stack: TestStack): Promise<RoundsStatusAnswer> => new RoundsClient(stack.url).status();

describe('restarts', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(common);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('REQ-27 a new ceremony starts from initial challenges: every chunk holds the generators', async () => {
    const s = await waitFor(
      'the initial challenges',
      async () => {
        const st = await statusOf(stack);
        if (st.baseStateKeys.length !== 4) throw new Error('not yet');
        return st;
      },
      20_000,
      100,
    );
    const client = new RoundsClient(stack.url);
    const states = await Promise.all(s.baseStateKeys.map(async (key) => chunkStateFromText(await client.object(key))));
    expect(states.map((c) => c.chunkIndex)).toEqual([0, 1, 2, 3]);
    expect(states.map((c) => [c.start, c.end])).toEqual(chunkLayout(16, 4).map((r) => [r.start, r.end]));
    const g1 = states[0]?.g1Powers[0];
    for (const c of states) expect(new Set(c.g1Powers)).toEqual(new Set([g1]));
    expect(states[0]?.g2Powers).toHaveLength(3);
  });

  it('REQ-39 REQ-20 a contributor dropped with no replacement available restarts the round; the others carry over and finish', async () => {
    // ben is killed right after its first chunk (not when a status poll notices it: a fast machine
    // would let it finish every chunk first, and nothing would be left to drop).
    const victim = new AbortController();
    const killAfterFirstChunk = (e: RoundsContributorEvent): void => {
      if (e.kind === 'contributed') victim.abort();
    };
    const runs = ['ann', 'ben', 'cat'].map((name) =>
      runRoundsContributor({
        url: stack.url,
        engine,
        name,
        heartbeatMs: 500,
        ...(name === 'ben' ? { signal: victim.signal, onEvent: killAfterFirstChunk } : {}),
      }),
    );
    // (Not a status poll for his chunk: once he is gone, his drop can remove it before a poll sees it.)
    await new Promise<void>((resolve) => victim.signal.addEventListener('abort', () => resolve(), { once: true }));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.outcome)).toEqual(['done', 'stopped', 'done']);
    await waitFor(
      'round 1',
      async () => {
        if ((await statusOf(stack)).completedRounds < 1) throw new Error('not yet');
      },
      120_000,
      200,
    );
    const s = await statusOf(stack);
    expect(s.restarts).toHaveLength(1);
    expect(s.restarts[0]?.reason).toMatch(/dev\|ben dropped \(unresponsive\); no replacement contributor available/);
    const round1 = s.history[0];
    expect(round1?.attempts).toBe(2);
    expect(round1?.contributors.map((m) => m.identity).sort()).toEqual(['dev|ann', 'dev|cat']);
    // The cancelled attempt's uploads are gone; the records of what happened stay (REQ-18).
    const records: string[] = [];
    for await (const o of stack.store.list('records')) records.push(o.key);
    const parsed = await Promise.all(records.map(async (k) => JSON.parse(Buffer.from(await stack.store.getBytes(k, 1 << 20)).toString('utf8')) as RoundRecord));
    const kinds = parsed.map((r) => r.kind);
    expect(kinds).toContain('drop');
    expect(kinds).toContain('restart');
    expect(kinds).toContain('round-complete');
    // Each upload was staged under its own submission prefix. The restart deleted the uploads the
    // cancelled attempt still held (the drop's removed contributions are not part of that clean-up),
    // and the completed attempt's uploads are all kept.
    const attemptOf = (kind: string): number | undefined => parsed.find((r) => r.kind === kind && r.round === 1)?.attempt;
    const [cancelledAttempt, completedAttempt] = [attemptOf('restart'), attemptOf('round-complete')];
    expect(cancelledAttempt).not.toBe(completedAttempt);
    const uploadsOf = (attempt: number | undefined): string[] => parsed.filter((r) => r.kind === 'contribution' && r.round === 1 && r.attempt === attempt).map((r) => String(r.detail?.uploadKey));
    const removedByDrop = new Set(parsed.filter((r) => r.kind === 'removed-contribution' && r.round === 1).map((r) => r.detail?.contributionId));
    const cancelled = parsed
      .filter((r) => r.kind === 'contribution' && r.round === 1 && r.attempt === cancelledAttempt && !removedByDrop.has(r.detail?.contributionId))
      .map((r) => String(r.detail?.uploadKey));
    const completed = uploadsOf(completedAttempt);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(completed.length).toBeGreaterThanOrEqual(4 * 2);
    const all = [...uploadsOf(cancelledAttempt), ...completed];
    for (const key of all) expect(key).toMatch(/^chunk-uploads\/[0-9a-f]{32}\/[0-9a-f]{64}$/);
    expect(new Set(all.map((k) => k.slice(0, k.lastIndexOf('/')))).size).toBe(all.length);
    for (const key of cancelled) expect(await stack.store.head(key), key).toBeNull();
    for (const key of completed) expect(await stack.store.head(key), key).not.toBeNull();
    const onDisk = await keysUnder(stack, 'chunk-uploads');
    for (const key of cancelled) expect(onDisk).not.toContain(key);
    for (const key of completed) expect(onDisk).toContain(key);
    // REQ-1: the aggregated parameters verify; REQ-2: every contributor has a receipt.
    const transcript = parseBatchTranscript(await new RoundsClient(stack.url).object(round1?.aggregatedKey ?? ''));
    await verifyTranscript(engine, transcript);
    expect(round1?.receipts.map((r) => r.identity).sort()).toEqual(['dev|ann', 'dev|cat']);
    for (const r of round1?.receipts ?? []) expect(await stack.store.head(`receipts/${r.receiptId}`)).not.toBeNull();
  });

  it('REQ-38 an admin restart resets the round and every contributor carries over', async () => {
    const token = await adminToken(stack.url);
    // Each chunk takes 2 s more: when the first contribution is verified every contributor still has
    // most of its four chunks to compute, so the round is still running when the restart reaches it.
    // Without this, a round of tiny chunks could complete between the status that shows it and the restart.
    const runs = ['dan', 'eve', 'fay'].map((name) => runRoundsContributor({ url: stack.url, engine, name, heartbeatMs: 500, simulatedComputeMs: 2_000 }));
    await waitFor(
      'round 2 to run',
      async () => {
        const s = await statusOf(stack);
        if (s.current?.round !== 2 || (s.round?.progress.verifiedContributions ?? 0) < 1) throw new Error('not yet');
      },
      120_000,
      100,
    );
    await requestJson(stack.url, '/admin/rounds/restart', { token, json: { reason: 'operator test' } });
    const results = await Promise.all(runs);
    expect(results.map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
    await waitFor(
      'round 2',
      async () => {
        if ((await statusOf(stack)).completedRounds < 2) throw new Error('not yet');
      },
      120_000,
      200,
    );
    const s = await statusOf(stack);
    expect(s.restarts.map((r) => r.reason)).toContain('admin: operator test');
    expect(s.history[1]?.contributors.map((m) => m.identity).sort()).toEqual(['dev|dan', 'dev|eve', 'dev|fay']);
  });

  it('REQ-26 a banned participant leaves the round queue and cannot rejoin until unbanned', async () => {
    const token = await adminToken(stack.url);
    const gus = new RoundsClient(stack.url);
    await gus.loginDev('gus');
    await gus.join();
    expect((await statusOf(stack)).queue.map((m) => m.identity)).toContain('dev|gus');
    await requestJson(stack.url, '/admin/rounds/ban', { token, json: { identity: 'dev|gus', reason: 'sybil' } });
    await waitFor(
      'gus to leave the queue',
      async () => {
        if ((await statusOf(stack)).queue.some((m) => m.identity === 'dev|gus')) throw new Error('still queued');
      },
      10_000,
      100,
    );
    await expect(gus.join()).rejects.toMatchObject({ status: 403, code: 'BANNED' });
    const outsider = new RoundsClient(stack.url);
    await outsider.loginDev('outsider');
    await expect(requestJson(stack.url, '/admin/rounds/ban', { token: outsider.token, json: { identity: 'dev|gus', reason: 'x' } })).rejects.toBeInstanceOf(ApiError);
    await requestJson(stack.url, '/admin/rounds/unban', { token, json: { identity: 'dev|gus', reason: 'appeal' } });
    await waitFor(
      'gus to be unbanned',
      async () => {
        await gus.join();
      },
      10_000,
      100,
    );
    await requestJson(stack.url, '/rounds/leave', { method: 'POST', token: gus.token });
    expect((await statusOf(stack)).queue.some((m) => m.identity === 'dev|gus')).toBe(false);
  });

  it("REQ-36 status names the queue, the rounds, the drops, the restarts and each round's outcome", async () => {
    const s = await statusOf(stack);
    expect(s).toMatchObject({ ceremonyId: 'main', completedRounds: 2, current: null });
    expect(s.history[0]?.drops.some((d) => d.identity === 'dev|ben' && d.reason === 'unresponsive')).toBe(true);
    expect(s.restarts.length).toBeGreaterThanOrEqual(2);
    expect(s.history.map((h) => h.round)).toEqual([1, 2]);
  });

  it('REQ-29 contributors of a completed round are told it is complete, and may not join again', async () => {
    const ann = new RoundsClient(stack.url);
    await ann.loginDev('ann');
    expect(await ann.nextTask()).toEqual({ action: 'done', round: 1 });
    await expect(ann.join()).rejects.toMatchObject({ code: 'ALREADY_CONTRIBUTED' });
  });

  it('REQ-1 REQ-37 every completed round is aggregated into one vector whose seams match and which passes full verification', async () => {
    const s = await statusOf(stack);
    const client = new RoundsClient(stack.url);
    for (const h of s.history) {
      const transcript = parseBatchTranscript(await client.object(h.aggregatedKey));
      expect(transcript.transcripts[0]?.powersOfTau.g1Powers).toHaveLength(16);
      await verifyTranscript(engine, transcript);
    }
  });

  it('REQ-2 every contributor of a completed round holds a receipt signed by the published key', async () => {
    const s = await statusOf(stack);
    const info = await requestJson<{ receiptKeys: { keys: JWK[] } }>(stack.url, '/ceremony/info');
    const client = new RoundsClient(stack.url);
    for (const h of s.history) {
      expect(h.receipts.map((r) => r.identity).sort()).toEqual(h.contributors.map((m) => m.identity).sort());
      for (const r of h.receipts) {
        const receipt = JSON.parse(await client.object(`receipts/${r.receiptId}`)) as { jws: string; payload: { identity: string; round: number } };
        const key = info.receiptKeys.keys[0] as JWK;
        const verified = await compactVerify(receipt.jws, await importJWK(key, 'EdDSA'));
        const payload = JSON.parse(new TextDecoder().decode(verified.payload)) as { identity: string; round: number };
        expect(payload).toMatchObject({ identity: r.identity, round: h.round });
      }
    }
  });

  it('REQ-16 REQ-18 every contribution and verification is saved as it happens; removed contributions keep their records', async () => {
    const kinds = new Map<string, number>();
    const removed: string[] = [];
    for await (const o of stack.store.list('records')) {
      const r = JSON.parse(Buffer.from(await stack.store.getBytes(o.key, 1 << 20)).toString('utf8')) as { kind: string; detail?: { contributionId?: string } };
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      if (r.kind === 'removed-contribution' && r.detail?.contributionId !== undefined) removed.push(r.detail.contributionId);
    }
    // Two completed rounds of 4 chunks (2 and 3 contributors) plus the cancelled attempts' work.
    expect(kinds.get('contribution') ?? 0).toBeGreaterThanOrEqual(4 * 2 + 4 * 3);
    expect(removed.length).toBeGreaterThanOrEqual(1);
    let verifications = 0;
    for await (const _o of stack.store.list('verifications')) verifications += 1;
    expect(verifications).toBeGreaterThanOrEqual(4 * 2 + 4 * 3);
  });

  it('REQ-19 REQ-28 participants beyond the round size wait in the queue, and the next round starts from it', async () => {
    const names = ['nia', 'oli', 'pam', 'quin'];
    const runs: Array<Promise<{ outcome: string }>> = [];
    for (const name of names) {
      runs.push(runRoundsContributor({ url: stack.url, engine, name, heartbeatMs: 500 }));
      await waitFor(
        `${name} to join`,
        async () => {
          const st = await statusOf(stack);
          if (!st.queue.some((m) => m.identity === `dev|${name}`) && !(st.current?.contributors ?? []).some((m) => m.identity === `dev|${name}`)) throw new Error('not yet');
        },
        10_000,
        50,
      );
    }
    await waitFor(
      'round 3 with the first three and quin waiting',
      async () => {
        const st = await statusOf(stack);
        if (st.current?.round !== 3) throw new Error('not yet');
        expect(st.current.contributors.map((m) => m.identity)).toEqual(['dev|nia', 'dev|oli', 'dev|pam']);
        expect(st.queue.map((m) => m.identity)).toEqual(['dev|quin']);
      },
      20_000,
      100,
    );
    expect((await Promise.all(runs)).map((r) => r.outcome)).toEqual(['done', 'done', 'done', 'done']);
    await waitFor(
      'round 4',
      async () => {
        if ((await statusOf(stack)).completedRounds < 4) throw new Error('not yet');
      },
      120_000,
      200,
    );
    expect((await statusOf(stack)).history[3]?.contributors.map((m) => m.identity)).toEqual(['dev|quin']);
  });
});

describe('backups', () => {
  it('REQ-15 REQ-17 the ceremony is backed up every round and a new coordinator resumes from the backup', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rounds-backup-'));
    try {
      const first = await startTestStack(common, { dataDir: dir });
      let backupKey = '';
      let baseKeys: string[] = [];
      try {
        const runs = ['hal', 'ivy', 'joe'].map((name) => runRoundsContributor({ url: first.url, engine, name, heartbeatMs: 500 }));
        await Promise.all(runs);
        await waitFor(
          'round 1',
          async () => {
            const s = await statusOf(first);
            if (s.completedRounds < 1 || s.lastBackupKey === undefined) throw new Error('not yet');
            backupKey = s.lastBackupKey;
            baseKeys = s.baseStateKeys;
          },
          120_000,
          200,
        );
      } finally {
        await first.stop();
      }
      // A new Temporal server (the old one and its history are gone) on the same store.
      const second = await startTestStack(common, { dataDir: dir });
      try {
        expect((await statusOf(second)).completedRounds).toBe(0);
        const token = await adminToken(second.url);
        // Refused with a code, and nothing restored: an object that is not a backup, and a missing one.
        const junk = await second.store.put('backups', Buffer.from('not a backup'));
        const refusal = (key: string): Promise<unknown> =>
          requestJson(second.url, '/admin/rounds/restore', { token, json: { backupKey: key } }).then(
            () => 'accepted',
            (err: unknown) => (err instanceof ApiError ? `${err.status} ${err.code}` : err),
          );
        expect(await refusal(junk.key)).toBe('400 VALIDATION_FAILED');
        expect(await refusal(`backups/${'0'.repeat(64)}`)).toBe('404 NOT_FOUND');
        expect((await statusOf(second)).completedRounds).toBe(0);
        await requestJson(second.url, '/admin/rounds/restore', { token, json: { backupKey } });
        await waitFor(
          'the restored ceremony',
          async () => {
            const s = await statusOf(second);
            if (s.completedRounds !== 1) throw new Error(`completed ${s.completedRounds}`);
          },
          20_000,
          200,
        );
        expect((await statusOf(second)).baseStateKeys).toEqual(baseKeys);
        const runs = ['kim', 'lou', 'max'].map((name) => runRoundsContributor({ url: second.url, engine, name, heartbeatMs: 500 }));
        expect((await Promise.all(runs)).map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
        await waitFor(
          'round 2 after the restore',
          async () => {
            if ((await statusOf(second)).completedRounds < 2) throw new Error('not yet');
          },
          120_000,
          200,
        );
        const s = await statusOf(second);
        const transcript = parseBatchTranscript(await new RoundsClient(second.url).object(s.history[s.history.length - 1]?.aggregatedKey ?? ''));
        await verifyTranscript(engine, transcript);
        expect(transcript.transcripts[0]?.witness.potPubkeys.length).toBe(1 + 6);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
