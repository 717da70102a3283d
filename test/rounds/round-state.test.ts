// The pure round rules of rounds mode (workflows/rounds/round-state.ts), checked against the seed's
// requirements (seed 000). No Temporal, no clock: every function takes `now`.
// REQ-19 (the round queue) lives in the ceremony workflow, not in the round state: not covered here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignReplacement,
  chunkHead,
  chunkOrderFor,
  claimTask,
  claimVerification,
  configuredNewcomer,
  createRoundState,
  dropSlotMember,
  dropVerifier,
  expectedPubkey,
  expireLeases,
  findStragglers,
  heartbeat,
  heartbeatNeeded,
  isComplete,
  lastSeenOf,
  markFailed,
  markVerified,
  nextSweepDue,
  noteReplacement,
  offerTask,
  offerVerification,
  pubkeyConflicts,
  RoundRuleError,
  slotOfMember,
  STANDBY_ANSWER,
  submitContribution,
  sweepDelayMs,
  takeTask,
  takeVerification,
  verifiedCount,
  type Newcomer,
  type RoundState,
  type SweepRules,
} from '../../workflows/rounds/round-state.js';
import type { ChunkContributionEntry, Member, TaskAnswer } from '../../workflows/rounds/types.js';

const T0 = 1_700_000_000_000;

const member = (name: string): Member => ({ id: `id-${name}`, identity: `dev|${name}` });
const contributors = (n: number): Member[] => Array.from({ length: n }, (_, i) => member(`c${i}`));
const bases = (c: number): string[] => Array.from({ length: c }, (_, i) => `chunks/base-${i}`);
const fresh = (n: number, c: number, now = T0): RoundState => createRoundState(1, 0, contributors(n), bases(c), now);
const idOf = (state: RoundState, slot: number): string => (state.slots[slot] as RoundState['slots'][number]).member.id;
const pubkeyOf = (memberId: string): string => `pk-${memberId}`;

let uploads = 0;
/** takeTask must hand out a contribute task; returns it. */
function mustTake(state: RoundState, memberId: string, now = T0): Extract<TaskAnswer, { action: 'contribute' }> {
  const task = takeTask(state, memberId, now);
  if (task.action !== 'contribute') throw new Error(`expected a contribute task for ${memberId}, got ${JSON.stringify(task)}`);
  return task;
}
/** Takes the member's next task and uploads it. */
function contribute(state: RoundState, memberId: string, now = T0): ChunkContributionEntry {
  const task = mustTake(state, memberId, now);
  uploads += 1;
  return submitContribution(state, memberId, task.chunk, `chunk-uploads/u${uploads}`, task.baseStateKey, now);
}
function verify(state: RoundState, entry: ChunkContributionEntry): void {
  expect(markVerified(state, entry.id, 'coordinator', `verifications/${entry.id}`, pubkeyOf(entry.contributorId))).toBe(true);
}
function verifyingIds(state: RoundState): string[] {
  return state.chunks.flatMap((c) => c.contributions.filter((x) => x.status === 'verifying').map((x) => x.id));
}
function verifyAll(state: RoundState): void {
  for (const chunk of state.chunks) for (const c of chunk.contributions) if (c.status === 'verifying') verify(state, c);
}
const slotsOn = (state: RoundState, chunk: number): number[] => (state.chunks[chunk]?.contributions ?? []).map((c) => c.slot);
function ruleError(fn: () => unknown): RoundRuleError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RoundRuleError) return err;
    throw err;
  }
  throw new Error('expected a RoundRuleError');
}
/** Every active slot asks for a task and uploads it, then everything pending is verified; until complete. */
function runToCompletion(state: RoundState, now = T0, maxSteps = 10_000): number {
  let steps = 0;
  while (!isComplete(state)) {
    if (++steps > maxSteps) throw new Error('the round did not complete');
    let moved = false;
    for (const slot of state.slots) {
      if (slot.status !== 'active') continue;
      const task = takeTask(state, slot.member.id, now);
      if (task.action === 'contribute') {
        uploads += 1;
        submitContribution(state, slot.member.id, task.chunk, `chunk-uploads/u${uploads}`, task.baseStateKey, now);
        moved = true;
      }
    }
    if (verifyingIds(state).length > 0) moved = true;
    verifyAll(state);
    if (!moved) throw new Error('stalled: no task and nothing to verify');
  }
  return steps;
}

describe('REQ-3 contributors per round', () => {
  it('REQ-3 a round of N contributors has N slots, each with every chunk in its order', () => {
    for (const n of [1, 3, 5]) {
      const state = fresh(n, 8);
      expect(state.slots).toHaveLength(n);
      expect(state.chunkCount).toBe(8);
      state.slots.forEach((slot, i) => {
        expect(slot).toMatchObject({ slot: i, member: member(`c${i}`), history: [`id-c${i}`], isReplacement: false, status: 'active', pubkey: undefined, failures: 0, lastSeen: T0 });
        expect([...slot.chunkOrder].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      });
      expect(state.chunks.map((c) => c.baseStateKey)).toEqual(bases(8));
    }
  });

  it('REQ-3 every chunk needs N verified contributions, one per slot, before the round is complete', () => {
    const state = fresh(5, 8);
    runToCompletion(state);
    expect(isComplete(state)).toBe(true);
    for (const chunk of state.chunks) {
      expect(chunk.contributions).toHaveLength(5);
      expect([...slotsOn(state, chunk.index)].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(chunk.contributions.every((c) => c.status === 'verified')).toBe(true);
      // Each contribution builds on the one before it (the chunk's chain).
      chunk.contributions.forEach((c, k) => expect(c.baseStateKey).toBe(k === 0 ? chunk.baseStateKey : chunk.contributions[k - 1]?.uploadKey));
    }
    for (let s = 0; s < 5; s++) expect(verifiedCount(state, s)).toBe(8);
  });

  it('REQ-3 with more contributors than chunks the round completes after exactly N x C verified contributions', () => {
    const state = fresh(4, 3);
    let verified = 0;
    while (!isComplete(state)) {
      const pending = state.slots.map((s) => takeTask(state, s.member.id, T0));
      for (const [i, task] of pending.entries()) {
        if (task.action === 'contribute') submitContribution(state, idOf(state, i), task.chunk, `chunk-uploads/x${i}-${task.chunk}`, task.baseStateKey, T0);
      }
      for (const id of verifyingIds(state)) {
        expect(isComplete(state)).toBe(false);
        expect(markVerified(state, id, 'coordinator', 'v', 'pk')).toBe(true);
        verified += 1;
      }
    }
    expect(verified).toBe(4 * 3);
  });
});

describe('isComplete', () => {
  it('REQ-3 isComplete is false at the start, while a last contribution is verifying, and true once it is verified', () => {
    const state = fresh(2, 2);
    expect(isComplete(state)).toBe(false);
    const a0 = contribute(state, idOf(state, 0));
    const b1 = contribute(state, idOf(state, 1));
    verify(state, a0);
    verify(state, b1);
    const a1 = contribute(state, idOf(state, 0));
    const b0 = contribute(state, idOf(state, 1));
    verify(state, a1);
    expect(isComplete(state)).toBe(false);
    verify(state, b0);
    expect(isComplete(state)).toBe(true);
  });

  it('REQ-3 REQ-39 isComplete is false while a slot is dropped and not replaced, even when its remaining work is done', () => {
    const state = fresh(2, 1);
    const a = contribute(state, idOf(state, 0));
    verify(state, a);
    const b = contribute(state, idOf(state, 1));
    verify(state, b);
    expect(isComplete(state)).toBe(true);
    dropSlotMember(state, 1, 'admin', T0);
    // Slot 1's contribution is removed; nothing else changes, yet the round is not complete.
    expect(slotsOn(state, 0)).toEqual([0]);
    expect(isComplete(state)).toBe(false);
  });
});

describe('REQ-23 participant instructions: takeTask', () => {
  it('REQ-23 slot i starts on chunk i and moves on cyclically', () => {
    expect(chunkOrderFor(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(chunkOrderFor(2, 5)).toEqual([2, 3, 4, 0, 1]);
    expect(chunkOrderFor(6, 4)).toEqual([2, 3, 0, 1]);
    const state = fresh(5, 8);
    state.slots.forEach((slot, i) => {
      expect(slot.chunkOrder).toEqual(chunkOrderFor(i, 8));
      const task = takeTask(state, slot.member.id, T0 + 5);
      expect(task).toEqual({ action: 'contribute', round: 1, chunk: i, baseStateKey: `chunks/base-${i}`, contributionIndex: 0 });
      expect(state.chunks[i]?.lock).toEqual({ slot: i, contributorId: slot.member.id, since: T0 + 5 });
      expect(slot.lastSeen).toBe(T0 + 5);
    });
  });

  it('REQ-23 asking again while holding a chunk returns the same task and keeps the lock time', () => {
    const state = fresh(2, 4);
    const first = mustTake(state, idOf(state, 0), T0);
    expect(takeTask(state, idOf(state, 0), T0 + 1_000)).toEqual(first);
    expect(state.chunks[0]?.lock?.since).toBe(T0);
    expect(state.chunks.filter((c) => c.lock !== undefined)).toHaveLength(1);
  });

  it('REQ-23 one contributor per chunk at a time: a locked chunk is not handed to anyone else', () => {
    const state = fresh(3, 1);
    mustTake(state, idOf(state, 0));
    expect(takeTask(state, idOf(state, 1), T0)).toMatchObject({ action: 'wait' });
    expect(takeTask(state, idOf(state, 2), T0)).toMatchObject({ action: 'wait' });
    expect(state.chunks[0]?.lock?.slot).toBe(0);
  });

  it('REQ-23 a chunk takes contribution k+1 only after contribution k is verified', () => {
    const state = fresh(3, 1);
    const a = contribute(state, idOf(state, 0));
    expect(state.chunks[0]?.lock).toBeUndefined();
    // Contribution 0 is verifying: nobody may build on it yet.
    expect(takeTask(state, idOf(state, 1), T0)).toMatchObject({ action: 'wait' });
    expect(takeTask(state, idOf(state, 2), T0)).toMatchObject({ action: 'wait' });
    verify(state, a);
    const next = mustTake(state, idOf(state, 1));
    expect(next).toMatchObject({ chunk: 0, baseStateKey: a.uploadKey, contributionIndex: 1 });
    const b = submitContribution(state, idOf(state, 1), 0, 'chunk-uploads/b', next.baseStateKey, T0);
    expect(takeTask(state, idOf(state, 2), T0)).toMatchObject({ action: 'wait' });
    verify(state, b);
    expect(mustTake(state, idOf(state, 2))).toMatchObject({ chunk: 0, baseStateKey: 'chunk-uploads/b', contributionIndex: 2 });
  });

  it('REQ-23 a contributor whose next chunk is busy is given the next free chunk of its order', () => {
    const state = fresh(2, 4);
    const a = contribute(state, idOf(state, 0)); // slot 0 on chunk 0
    mustTake(state, idOf(state, 1)); // slot 1 holds chunk 1
    verify(state, a);
    // Slot 0's order is 0,1,2,3: chunk 1 is locked, so it gets chunk 2.
    expect(mustTake(state, idOf(state, 0))).toMatchObject({ chunk: 2, contributionIndex: 0 });
  });

  it('REQ-23 REQ-29 a slot waits while its last contributions are verifying and is done once all are verified', () => {
    const state = fresh(1, 2);
    const a = contribute(state, idOf(state, 0));
    const b = contribute(state, idOf(state, 0));
    expect(takeTask(state, idOf(state, 0), T0)).toMatchObject({ action: 'wait', reason: 'your contributions are being verified' });
    verify(state, a);
    expect(takeTask(state, idOf(state, 0), T0)).toMatchObject({ action: 'wait' });
    verify(state, b);
    expect(takeTask(state, idOf(state, 0), T0)).toEqual({ action: 'done', round: 1 });
  });

  it('REQ-23 REQ-25 strangers are not in the round; dropped members are told they were dropped and why', () => {
    const state = fresh(2, 2);
    expect(takeTask(state, 'id-stranger', T0)).toEqual({ action: 'not-in-round' });
    dropSlotMember(state, 1, 'slow', T0);
    expect(takeTask(state, idOf(state, 1), T0)).toEqual({ action: 'dropped', reason: 'slow' });
    expect(slotOfMember(state, 'id-c1')).toBeUndefined();
  });
});

describe('REQ-30 contribution API: submitContribution', () => {
  it('REQ-30 an upload on the task records a verifying contribution on the chunk head, frees the lock and queues it', () => {
    const state = fresh(2, 2);
    const task = mustTake(state, idOf(state, 0), T0);
    const entry = submitContribution(state, idOf(state, 0), task.chunk, 'chunk-uploads/a', task.baseStateKey, T0 + 7);
    expect(entry).toMatchObject({ slot: 0, contributorId: 'id-c0', uploadKey: 'chunk-uploads/a', baseStateKey: 'chunks/base-0', status: 'verifying', submittedAt: T0 + 7 });
    expect(state.chunks[0]?.lock).toBeUndefined();
    expect(state.chunks[0]?.contributions).toEqual([entry]);
    expect(state.verificationQueue).toEqual([entry.id]);
    expect(chunkHead(state, 0)).toBe('chunk-uploads/a');
    expect(state.slots[0]?.lastSeen).toBe(T0 + 7);
  });

  it('REQ-30 uploading for a chunk that is not your task is NOT_YOUR_TURN and changes nothing', () => {
    const state = fresh(2, 2);
    // No task taken at all.
    expect(ruleError(() => submitContribution(state, idOf(state, 0), 0, 'chunk-uploads/a', 'chunks/base-0', T0)).code).toBe('NOT_YOUR_TURN');
    // Another slot's chunk.
    mustTake(state, idOf(state, 1));
    expect(ruleError(() => submitContribution(state, idOf(state, 0), 1, 'chunk-uploads/a', 'chunks/base-1', T0)).code).toBe('NOT_YOUR_TURN');
    // Its own task is chunk 0, not chunk 1.
    mustTake(state, idOf(state, 0));
    expect(ruleError(() => submitContribution(state, idOf(state, 0), 1, 'chunk-uploads/a', 'chunks/base-1', T0)).code).toBe('NOT_YOUR_TURN');
    expect(state.chunks.map((c) => c.contributions.length)).toEqual([0, 0]);
    expect(state.chunks.map((c) => c.lock?.slot)).toEqual([0, 1]);
    expect(state.verificationQueue).toEqual([]);
  });

  it('REQ-30 an upload built on a stale base is STALE_TASK; the lock is freed and the next task names the current head', () => {
    const state = fresh(2, 1);
    const task = mustTake(state, idOf(state, 0));
    const err = ruleError(() => submitContribution(state, idOf(state, 0), 0, 'chunk-uploads/old', 'chunk-uploads/not-the-head', T0));
    expect(err.code).toBe('STALE_TASK');
    expect(state.chunks[0]?.contributions).toEqual([]);
    expect(state.chunks[0]?.lock).toBeUndefined();
    expect(state.verificationQueue).toEqual([]);
    expect(mustTake(state, idOf(state, 0))).toEqual(task);
  });

  it('REQ-30 someone outside the round is NOT_IN_ROUND and an unknown chunk is BAD_REQUEST', () => {
    const state = fresh(2, 2);
    expect(ruleError(() => submitContribution(state, 'id-stranger', 0, 'chunk-uploads/a', 'chunks/base-0', T0)).code).toBe('NOT_IN_ROUND');
    expect(ruleError(() => submitContribution(state, idOf(state, 0), 9, 'chunk-uploads/a', 'chunks/base-0', T0)).code).toBe('BAD_REQUEST');
    mustTake(state, idOf(state, 1));
    dropSlotMember(state, 1, 'admin', T0);
    expect(ruleError(() => submitContribution(state, 'id-c1', 1, 'chunk-uploads/late', 'chunks/base-1', T0)).code).toBe('NOT_IN_ROUND');
  });

  it('REQ-30 contribution ids are unique within the round', () => {
    const state = fresh(3, 4);
    runToCompletion(state);
    const ids = state.chunks.flatMap((c) => c.contributions.map((x) => x.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('REQ-31 verification API: leases', () => {
  const v1 = member('v1');
  const v2 = member('v2');

  function threePending(): { state: RoundState; entries: ChunkContributionEntry[] } {
    const state = fresh(3, 3);
    const entries = [contribute(state, idOf(state, 1), T0 + 1), contribute(state, idOf(state, 0), T0 + 2), contribute(state, idOf(state, 2), T0 + 3)];
    return { state, entries };
  }

  it('REQ-31 takeVerification leases the oldest pending contribution with what the verifier needs', () => {
    const { state, entries } = threePending();
    const first = entries[0] as ChunkContributionEntry;
    expect(takeVerification(state, v1, T0 + 10)).toEqual({
      action: 'verify',
      contributionId: first.id,
      chunk: 1,
      baseStateKey: 'chunks/base-1',
      uploadKey: first.uploadKey,
      expectedPubkey: undefined,
    });
    expect(state.leases).toEqual([{ contributionId: first.id, verifierId: v1.id, since: T0 + 10 }]);
    expect(state.verifiers).toEqual([{ id: v1.id, identity: v1.identity, failures: 0, lastSeen: T0 + 10, status: 'active' }]);
  });

  it('REQ-31 a lease is exclusive: another verifier gets the next one, the holder gets its own lease back', () => {
    const { state, entries } = threePending();
    const ids = entries.map((e) => e.id);
    expect(takeVerification(state, v1, T0)).toMatchObject({ action: 'verify', contributionId: ids[0] });
    expect(takeVerification(state, v2, T0)).toMatchObject({ action: 'verify', contributionId: ids[1] });
    expect(takeVerification(state, v1, T0 + 5)).toMatchObject({ action: 'verify', contributionId: ids[0] });
    expect(state.leases.map((l) => [l.contributionId, l.verifierId])).toEqual([
      [ids[0], v1.id],
      [ids[1], v2.id],
    ]);
    // Once the rest is leased, a third verifier waits.
    expect(takeVerification(state, member('v3'), T0)).toMatchObject({ action: 'verify', contributionId: ids[2] });
    expect(takeVerification(state, member('v4'), T0)).toEqual({ action: 'wait', retryAfterMs: 500 });
  });

  it('REQ-31 a verifier is never leased its own contribution (hardening #11): it gets the next one, or waits', () => {
    const { state, entries } = threePending();
    const [a, b] = entries as [ChunkContributionEntry, ChunkContributionEntry];
    // The contributor of the oldest pending contribution asks to verify: it skips its own.
    const self: Member = { id: a.contributorId, identity: `dev|${a.contributorId}` };
    expect(takeVerification(state, self, T0)).toMatchObject({ action: 'verify', contributionId: b.id });
    const alone = fresh(1, 1);
    const own = contribute(alone, idOf(alone, 0), T0 + 1);
    expect(takeVerification(alone, { id: own.contributorId, identity: 'dev|c0' }, T0)).toEqual({ action: 'wait', retryAfterMs: 500 });
    expect(alone.leases).toEqual([]);
  });

  it('REQ-31 a verdict frees the lease and the queue entry, and the verifier moves on to the next', () => {
    const { state, entries } = threePending();
    const [a, b] = entries as [ChunkContributionEntry, ChunkContributionEntry];
    takeVerification(state, v1, T0);
    expect(markVerified(state, a.id, v1.id, 'verifications/a', pubkeyOf(a.contributorId))).toBe(true);
    expect(state.leases).toEqual([]);
    expect(state.verificationQueue).not.toContain(a.id);
    expect(takeVerification(state, v1, T0)).toMatchObject({ contributionId: b.id });
    expect(a).toMatchObject({ status: 'verified', verifierId: v1.id, verificationKey: 'verifications/a', pubkey: pubkeyOf(a.contributorId) });
    // A second verdict on the same contribution is refused.
    expect(markVerified(state, a.id, v2.id, 'verifications/a2', 'other')).toBe(false);
    expect(markFailed(state, a.id)).toBeUndefined();
    expect(a.verifierId).toBe(v1.id);
  });

  it('REQ-31 expired leases return to the queue and strike their verifier; at the limit it is named for dropping', () => {
    const { state, entries } = threePending();
    const a = entries[0] as ChunkContributionEntry;
    takeVerification(state, v1, T0);
    takeVerification(state, v2, T0 + 2_000);
    // Only v1's lease is older than the lease time.
    expect(expireLeases(state, T0 + 3_001, 3_000, 2)).toEqual([]);
    expect(state.leases.map((l) => l.verifierId)).toEqual([v2.id]);
    expect(state.verifiers.find((v) => v.id === v1.id)?.failures).toBe(1);
    expect(state.verifiers.find((v) => v.id === v2.id)?.failures).toBe(0);
    expect(state.verificationQueue).toContain(a.id);
    // Exactly at the lease time it is not expired yet.
    expect(expireLeases(state, T0 + 5_000, 3_000, 2)).toEqual([]);
    expect(state.leases).toHaveLength(1);
    // The expired contribution is the oldest unleased again: it goes to the next verifier who asks.
    expect(takeVerification(state, v1, T0 + 5_000)).toMatchObject({ contributionId: a.id });
    const toDrop = expireLeases(state, T0 + 9_000, 3_000, 2);
    expect(toDrop.map((v) => v.id)).toEqual([v1.id]);
    expect(state.verifiers.find((v) => v.id === v1.id)?.failures).toBe(2);
    expect(state.verifiers.find((v) => v.id === v2.id)?.failures).toBe(1);
    expect(state.leases).toEqual([]);
  });

  it('REQ-31 a dropped verifier loses its lease, is told it was dropped, and its work goes to others', () => {
    const { state, entries } = threePending();
    const a = entries[0] as ChunkContributionEntry;
    takeVerification(state, v1, T0);
    const drop = dropVerifier(state, v1.id, 'verifier-failures', T0 + 1);
    expect(drop).toMatchObject({ memberId: v1.id, role: 'verifier', reason: 'verifier-failures', at: T0 + 1, removedContributions: [] });
    expect(dropVerifier(state, v1.id, 'verifier-failures', T0 + 2)).toBeUndefined();
    expect(state.leases).toEqual([]);
    expect(takeVerification(state, v1, T0 + 3)).toEqual({ action: 'dropped', reason: 'too many failed or late verifications' });
    expect(takeVerification(state, v2, T0 + 3)).toMatchObject({ contributionId: a.id });
  });

  it("REQ-31 the slot's pubkey is fixed by its first verified contribution and is expected from then on", () => {
    const state = fresh(1, 3);
    const a = contribute(state, idOf(state, 0));
    const b = contribute(state, idOf(state, 0));
    expect(expectedPubkey(state, 0)).toBeUndefined();
    expect(markVerified(state, b.id, 'coordinator', 'v', 'pk-first')).toBe(true);
    expect(state.slots[0]?.pubkey).toBe('pk-first');
    expect(markVerified(state, a.id, 'coordinator', 'v', 'pk-first')).toBe(true);
    contribute(state, idOf(state, 0));
    expect(takeVerification(state, member('v1'), T0)).toMatchObject({ action: 'verify', expectedPubkey: 'pk-first' });
  });

  // Known gap (reported, not fixed here: the fix needs round.ts): a slot's second contribution can be
  // verified before its first, so both go out with expectedPubkey undefined, and markVerified then
  // accepts a pubkey that differs from the one the slot's first verified contribution fixed.
  it("REQ-31 a verdict naming another pubkey than the slot's fixed one conflicts (the round counts it as a failed verification)", () => {
    const state = createRoundState(1, 0, [{ id: 'a', identity: 'dev|a' }], ['k0', 'k1'], 0);
    const first = takeTask(state, 'a', 1);
    if (first.action !== 'contribute') throw new Error('expected a task');
    const one = submitContribution(state, 'a', first.chunk, 'u1', first.baseStateKey, 2);
    const second = takeTask(state, 'a', 3);
    if (second.action !== 'contribute') throw new Error('expected a second task');
    const two = submitContribution(state, 'a', second.chunk, 'u2', second.baseStateKey, 4);
    expect(pubkeyConflicts(state, one.id, 'K1')).toBe(false);
    markVerified(state, one.id, 'v', 'vk1', 'K1');
    expect(pubkeyConflicts(state, two.id, 'K2')).toBe(true);
    expect(pubkeyConflicts(state, two.id, 'K1')).toBe(false);
  });
});

describe('REQ-32 REQ-33 verification failure', () => {
  it('REQ-32 markFailed removes the contribution, its lease and queue entry, and the task goes back to its contributor', () => {
    const state = fresh(2, 2);
    const a = contribute(state, idOf(state, 0));
    takeVerification(state, member('v1'), T0);
    const failed = markFailed(state, a.id);
    expect(failed?.entry.id).toBe(a.id);
    expect(failed?.failures).toBe(1);
    expect(state.chunks[0]?.contributions).toEqual([]);
    expect(chunkHead(state, 0)).toBe('chunks/base-0');
    expect(state.leases).toEqual([]);
    expect(state.verificationQueue).toEqual([]);
    // The same contributor gets the same chunk again, on the same base.
    expect(mustTake(state, idOf(state, 0))).toEqual({ action: 'contribute', round: 1, chunk: 0, baseStateKey: 'chunks/base-0', contributionIndex: 0 });
  });

  it('REQ-32 only the failed contribution goes: the verified work before it on the chunk stays', () => {
    const state = fresh(2, 1);
    const a = contribute(state, idOf(state, 0));
    verify(state, a);
    const b = contribute(state, idOf(state, 1));
    markFailed(state, b.id);
    expect(state.chunks[0]?.contributions).toEqual([a]);
    expect(mustTake(state, idOf(state, 1))).toMatchObject({ chunk: 0, baseStateKey: a.uploadKey, contributionIndex: 1 });
    expect(markFailed(state, 'no-such-id')).toBeUndefined();
  });

  it('REQ-33 each failed verification counts against the slot, so the caller can drop at the configured limit', () => {
    const maxVerificationFailures = 3;
    const state = fresh(2, 2);
    const counts: number[] = [];
    for (let i = 0; i < maxVerificationFailures; i++) {
      const entry = contribute(state, idOf(state, 0));
      counts.push(markFailed(state, entry.id)?.failures ?? -1);
    }
    expect(counts).toEqual([1, 2, 3]);
    expect(counts.findIndex((f) => f >= maxVerificationFailures)).toBe(maxVerificationFailures - 1);
    expect(state.slots[0]?.failures).toBe(3);
    expect(state.slots[1]?.failures).toBe(0);
    // Verified contributions do not reset the count.
    verify(state, contribute(state, idOf(state, 0)));
    expect(state.slots[0]?.failures).toBe(3);
  });
});

describe('REQ-20 REQ-35 stragglers', () => {
  it('REQ-20 an active slot not seen for longer than the heartbeat timeout is unresponsive', () => {
    const state = fresh(3, 3);
    heartbeat(state, idOf(state, 1), T0 + 4_000);
    takeTask(state, idOf(state, 2), T0 + 4_500);
    expect(findStragglers(state, T0 + 5_000, 5_000, 60_000)).toEqual([]);
    expect(findStragglers(state, T0 + 5_001, 5_000, 60_000)).toEqual([{ slot: 0, reason: 'unresponsive' }]);
    expect(findStragglers(state, T0 + 9_600, 5_000, 60_000)).toEqual([
      { slot: 0, reason: 'unresponsive' },
      { slot: 1, reason: 'unresponsive' },
      { slot: 2, reason: 'unresponsive' },
    ]);
  });

  it('REQ-35 a slot holding one chunk longer than the slow-task timeout is slow, however often it heartbeats', () => {
    const state = fresh(2, 2);
    mustTake(state, idOf(state, 0), T0);
    for (let t = 1_000; t <= 12_000; t += 1_000) {
      heartbeat(state, idOf(state, 0), T0 + t);
      heartbeat(state, idOf(state, 1), T0 + t);
    }
    expect(findStragglers(state, T0 + 10_000, 5_000, 10_000)).toEqual([]);
    expect(findStragglers(state, T0 + 10_001, 5_000, 10_000)).toEqual([{ slot: 0, reason: 'slow' }]);
    // Asking for the task again does not restart the clock.
    takeTask(state, idOf(state, 0), T0 + 11_000);
    expect(findStragglers(state, T0 + 11_000, 5_000, 10_000)).toEqual([{ slot: 0, reason: 'slow' }]);
  });

  it('REQ-35 uploading in time releases the chunk: the next one has its own clock', () => {
    const state = fresh(1, 2);
    const a = contribute(state, idOf(state, 0), T0 + 9_000);
    verify(state, a);
    mustTake(state, idOf(state, 0), T0 + 15_000);
    expect(findStragglers(state, T0 + 16_000, 60_000, 10_000)).toEqual([]);
  });

  it('REQ-20 REQ-35 finished and dropped slots are never stragglers; slots awaiting verification still are', () => {
    const state = fresh(2, 1);
    verify(state, contribute(state, idOf(state, 0)));
    contribute(state, idOf(state, 1));
    const late = T0 + 60_000;
    // Slot 0 is finished; slot 1 still waits for its verification and must keep in touch.
    expect(findStragglers(state, late, 5_000, 5_000)).toEqual([{ slot: 1, reason: 'unresponsive' }]);
    dropSlotMember(state, 1, 'unresponsive', late);
    expect(findStragglers(state, late, 5_000, 5_000)).toEqual([]);
  });

  it('REQ-20 heartbeats count for contributors, verifiers and standby replacements, and not for strangers', () => {
    const state = fresh(1, 1);
    takeVerification(state, member('v1'), T0);
    noteReplacement(state, member('r1'), T0);
    expect(heartbeat(state, idOf(state, 0), T0 + 1)).toBe(true);
    expect(heartbeat(state, 'id-v1', T0 + 2)).toBe(true);
    expect(heartbeat(state, 'id-r1', T0 + 3)).toBe(true);
    expect(heartbeat(state, 'id-stranger', T0 + 4)).toBe(false);
    expect([state.slots[0]?.lastSeen, state.verifiers[0]?.lastSeen, state.replacements[0]?.lastSeen]).toEqual([T0 + 1, T0 + 2, T0 + 3]);
  });
});

// ---- the sweep sleeps until the next deadline it enforces (round.ts; #14) ----

/** What the round's sweep would find at `now` (round.ts: stragglers, expired leases, silent verifiers), on a copy. */
function sweepFinds(state: RoundState, now: number, rules: SweepRules): number {
  const copy = structuredClone(state);
  let found = findStragglers(copy, now, rules.heartbeatTimeoutMs, rules.slowTaskTimeoutMs).length;
  if (rules.verificationLeaseMs !== undefined) {
    const leases = copy.leases.length;
    expireLeases(copy, now, rules.verificationLeaseMs, 100);
    found += leases - copy.leases.length;
    found += copy.verifiers.filter((v) => v.status === 'active' && now - v.lastSeen > rules.heartbeatTimeoutMs).length;
  }
  return found;
}

type SweepStep = { kind: 'beat' | 'take' | 'submit' | 'verify' | 'lease' | 'drop'; who: number; dt: number };
const sweepStepArb: fc.Arbitrary<SweepStep> = fc.record({
  kind: fc.constantFrom('beat', 'take', 'submit', 'verify', 'lease', 'drop'),
  who: fc.nat(5),
  dt: fc.integer({ min: 0, max: 90_000 }),
});
const sweepRulesArb: fc.Arbitrary<SweepRules> = fc.record({
  heartbeatTimeoutMs: fc.integer({ min: 1_000, max: 120_000 }),
  slowTaskTimeoutMs: fc.integer({ min: 1_000, max: 600_000 }),
  verificationLeaseMs: fc.option(fc.integer({ min: 1_000, max: 300_000 }), { nil: undefined }),
});

/** A round after random steps at increasing times; returns the state and the time of the last step. */
function afterSteps(slots: number, chunks: number, steps: SweepStep[]): { state: RoundState; now: number } {
  const state = fresh(slots, chunks);
  let now = T0;
  for (const step of steps) {
    now += step.dt;
    const slot = state.slots[step.who % slots];
    if (slot === undefined) continue;
    const id = slot.member.id;
    if (slot.status !== 'active' && step.kind !== 'lease' && step.kind !== 'verify') continue;
    if (step.kind === 'beat') heartbeat(state, id, now);
    else if (step.kind === 'take') takeTask(state, id, now);
    else if (step.kind === 'submit') {
      const held = state.chunks.find((c) => c.lock?.slot === slot.slot);
      if (held !== undefined) submitContribution(state, id, held.index, `u-${now}-${id}`, chunkHead(state, held.index), now);
    } else if (step.kind === 'verify') {
      const waiting = verifyingIds(state)[step.who % Math.max(1, verifyingIds(state).length)];
      if (waiting !== undefined && !state.leases.some((l) => l.contributionId === waiting))
        markVerified(state, waiting, 'coordinator', `v/${waiting}`, pubkeyOf(state.chunks.flatMap((c) => c.contributions).find((c) => c.id === waiting)?.contributorId ?? ''));
    } else if (step.kind === 'lease') claimVerification(state, member(`v${step.who % 2}`), false, now);
    else if (state.slots.filter((s) => s.status === 'active').length > 1) dropSlotMember(state, slot.slot, 'unresponsive', now);
  }
  return { state, now };
}

describe('the sweep sleeps until the next deadline it enforces', () => {
  it('nextSweepDue is the first moment a sweep finds something: nothing a millisecond before, something at it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(sweepStepArb, { maxLength: 30 }), sweepRulesArb, (slots, chunks, steps, rules) => {
        const { state, now } = afterSteps(slots, chunks, steps);
        const due = nextSweepDue(state, rules);
        if (!Number.isFinite(due)) {
          expect(sweepFinds(state, now + 10 * 600_000, rules)).toBe(0);
          return;
        }
        expect(sweepFinds(state, due - 1, rules)).toBe(0);
        expect(sweepFinds(state, due, rules)).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('a sleep never outlasts a deadline set while it sleeps (the cap is half the shortest timeout), nor ends sooner than the interval', () => {
    const rules: SweepRules = { heartbeatTimeoutMs: 60_000, slowTaskTimeoutMs: 600_000, verificationLeaseMs: 120_000 };
    expect(sweepDelayMs(T0 + 1_000, T0, 5_000, rules)).toBe(5_000);
    expect(sweepDelayMs(T0 + 20_000, T0, 5_000, rules)).toBe(20_000);
    expect(sweepDelayMs(T0 + 45_000, T0, 5_000, rules)).toBe(30_000);
    expect(sweepDelayMs(Number.POSITIVE_INFINITY, T0, 5_000, rules)).toBe(30_000);
    expect(sweepDelayMs(T0 - 1_000, T0, 5_000, rules)).toBe(5_000);
    expect(sweepDelayMs(Number.POSITIVE_INFINITY, T0, 5_000, { ...rules, verificationLeaseMs: undefined })).toBe(30_000);
    expect(sweepDelayMs(Number.POSITIVE_INFINITY, T0, 5_000, { heartbeatTimeoutMs: 600_000, slowTaskTimeoutMs: 600_000, verificationLeaseMs: 8_000 })).toBe(5_000);
    fc.assert(
      fc.property(sweepRulesArb, fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: -100_000, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (rules, intervalMs, dueIn, setAfter) => {
        const delay = sweepDelayMs(T0 + dueIn, T0, intervalMs, rules);
        expect(delay).toBeGreaterThanOrEqual(intervalMs);
        const shortest = Math.min(rules.heartbeatTimeoutMs, rules.slowTaskTimeoutMs, rules.verificationLeaseMs ?? Number.POSITIVE_INFINITY);
        // A deadline set during the sleep falls due one shortest timeout after it was set at the
        // earliest: the sweep wakes before (or, with an interval longer than half of it, at most the
        // interval after it, as a fixed interval would).
        if (setAfter < delay) {
          const dueOfNew = T0 + setAfter + shortest + 1;
          if (intervalMs <= shortest / 2) expect(T0 + delay).toBeLessThan(dueOfNew);
          else expect(T0 + delay).toBeLessThanOrEqual(dueOfNew + intervalMs);
        }
        // Nothing already known falls due before the wake, except by at most the interval.
        expect(T0 + delay).toBeLessThanOrEqual(Math.max(T0 + dueIn, T0) + intervalMs);
      }),
      { numRuns: 500 },
    );
  });
});

describe('REQ-25 drop participant', () => {
  /**
   * 3 slots, 3 chunks, two steps of the pipeline, all verified:
   *   chunk 0: slot 0, slot 2     chunk 1: slot 1, slot 0     chunk 2: slot 2, slot 1
   */
  function twoSteps(): RoundState {
    const state = fresh(3, 3);
    for (let step = 0; step < 2; step++) {
      const entries = state.slots.map((s) => contribute(state, s.member.id));
      entries.forEach((e) => verify(state, e));
    }
    expect([0, 1, 2].map((c) => slotsOn(state, c))).toEqual([
      [0, 2],
      [1, 0],
      [2, 1],
    ]);
    return state;
  }

  it('REQ-25 dropping a contributor removes its contributions and every later one on each chunk', () => {
    const state = twoSteps();
    const before = state.chunks.map((c) => c.contributions.map((x) => x.id));
    const drop = dropSlotMember(state, 1, 'admin', T0 + 50);
    expect([0, 1, 2].map((c) => slotsOn(state, c))).toEqual([[0, 2], [], [2]]);
    expect([...drop.removedContributions].sort()).toEqual([before[1]?.[0], before[1]?.[1], before[2]?.[1]].sort());
    expect(drop).toMatchObject({ memberId: 'id-c1', identity: 'dev|c1', role: 'contributor', reason: 'admin', at: T0 + 50, replacedBy: undefined });
    expect(state.drops).toEqual([drop]);
    expect(state.slots[1]).toMatchObject({ status: 'dropped', pubkey: undefined });
    // The heads went back to the last surviving contribution (or the round's base).
    expect([0, 1, 2].map((c) => chunkHead(state, c))).toEqual([state.chunks[0]?.contributions[1]?.uploadKey, 'chunks/base-1', state.chunks[2]?.contributions[0]?.uploadKey]);
    // Slot 0 keeps its pubkey: its removed work used the same secret and will be redone with it.
    expect(state.slots[0]?.pubkey).toBe(pubkeyOf('id-c0'));
    expect(verifiedCount(state, 0)).toBe(1);
  });

  it('REQ-25 locks on the affected chunks are reset; others are kept; stale uploads are refused', () => {
    const state = fresh(3, 3);
    state.slots.map((s) => contribute(state, s.member.id)).forEach((e) => verify(state, e));
    // Now every chunk has one contribution (its own slot's); each slot holds its next chunk.
    const t0 = mustTake(state, idOf(state, 0)); // chunk 1, built on slot 1's work
    const t1 = mustTake(state, idOf(state, 1)); // chunk 2
    const t2 = mustTake(state, idOf(state, 2)); // chunk 0
    expect([t0.chunk, t1.chunk, t2.chunk]).toEqual([1, 2, 0]);
    dropSlotMember(state, 1, 'slow', T0);
    expect(state.chunks.map((c) => c.lock?.slot)).toEqual([2, undefined, undefined]);
    // Slot 0's old task is gone: its upload is refused, and its next task starts from the base.
    expect(ruleError(() => submitContribution(state, idOf(state, 0), 1, 'chunk-uploads/old', t0.baseStateKey, T0)).code).toBe('NOT_YOUR_TURN');
    const again = mustTake(state, idOf(state, 0));
    expect(again).toMatchObject({ chunk: 1, baseStateKey: 'chunks/base-1', contributionIndex: 0 });
    expect(ruleError(() => submitContribution(state, idOf(state, 0), 1, 'chunk-uploads/old', t0.baseStateKey, T0)).code).toBe('STALE_TASK');
    // Slot 2's task on the untouched chunk 0 still stands.
    expect(submitContribution(state, idOf(state, 2), 0, 'chunk-uploads/c', t2.baseStateKey, T0).status).toBe('verifying');
  });

  it('REQ-25 leases and queue entries of removed work are gone; those of surviving work stay', () => {
    const state = fresh(3, 3);
    const first = state.slots.map((s) => contribute(state, s.member.id));
    verify(state, first[1] as ChunkContributionEntry);
    // Pending: slot 0's and slot 2's first contributions; slot 0 builds on slot 1's chunk 1.
    const onOne = contribute(state, idOf(state, 0));
    expect(onOne.baseStateKey).toBe(first[1]?.uploadKey);
    const v1 = member('v1');
    const v2 = member('v2');
    expect(takeVerification(state, v1, T0)).toMatchObject({ contributionId: first[0]?.id });
    expect(takeVerification(state, v2, T0)).toMatchObject({ contributionId: first[2]?.id });
    expect(takeVerification(state, member('v3'), T0)).toMatchObject({ contributionId: onOne.id });
    const drop = dropSlotMember(state, 1, 'admin', T0);
    expect([...drop.removedContributions].sort()).toEqual([first[1]?.id, onOne.id].sort());
    expect(state.verificationQueue).toEqual([first[0]?.id, first[2]?.id]);
    expect(state.leases.map((l) => l.contributionId)).toEqual([first[0]?.id, first[2]?.id]);
    // Verdicts on removed work arrive late and are ignored.
    expect(markVerified(state, onOne.id, 'id-v3', 'v', 'pk')).toBe(false);
    expect(markFailed(state, onOne.id)).toBeUndefined();
    expect(state.slots[0]?.failures).toBe(0);
  });

  it('REQ-25 a dropped contributor holding a chunk frees it for the others', () => {
    const state = fresh(2, 1);
    mustTake(state, idOf(state, 0));
    expect(takeTask(state, idOf(state, 1), T0)).toMatchObject({ action: 'wait' });
    dropSlotMember(state, 0, 'unresponsive', T0);
    expect(mustTake(state, idOf(state, 1))).toMatchObject({ chunk: 0, contributionIndex: 0 });
  });

  it('REQ-25 unknown slots are refused', () => {
    expect(ruleError(() => dropSlotMember(fresh(1, 1), 3, 'admin', T0)).code).toBe('NOT_FOUND');
  });
});

describe('REQ-24 replacement contributors', () => {
  it('REQ-24 a fresh idle replacement takes the dropped slot: its member, history, pubkey and failure count reset', () => {
    const state = fresh(2, 2);
    const a = contribute(state, idOf(state, 1));
    markFailed(state, a.id);
    verify(state, contribute(state, idOf(state, 1)));
    expect(state.slots[1]).toMatchObject({ pubkey: pubkeyOf('id-c1'), failures: 1 });
    noteReplacement(state, member('r1'), T0 + 100);
    dropSlotMember(state, 1, 'verification-failures', T0 + 200);
    const replacement = assignReplacement(state, 1, T0 + 300, 1_000);
    expect(replacement).toEqual(member('r1'));
    expect(state.slots[1]).toMatchObject({ member: member('r1'), history: ['id-c1', 'id-r1'], isReplacement: true, status: 'active', pubkey: undefined, failures: 0, lastSeen: T0 + 300 });
    expect(state.replacements[0]?.assignedSlot).toBe(1);
    expect(state.drops[0]?.replacedBy).toBe('id-r1');
    expect(slotOfMember(state, 'id-r1')?.slot).toBe(1);
    // The old member stays dropped.
    expect(takeTask(state, 'id-c1', T0)).toEqual({ action: 'dropped', reason: 'verification-failures' });
  });

  it('REQ-24 a replacement not seen within the freshness window is not used; a fresh one is', () => {
    const state = fresh(2, 2);
    noteReplacement(state, member('stale'), T0);
    noteReplacement(state, member('recent'), T0 + 9_000);
    dropSlotMember(state, 0, 'unresponsive', T0 + 10_000);
    expect(assignReplacement(state, 0, T0 + 10_000, 5_000)).toEqual(member('recent'));
    expect(state.replacements.find((r) => r.member.id === 'id-stale')?.assignedSlot).toBeUndefined();
  });

  it('REQ-24 REQ-39 without a fresh idle replacement the slot stays dropped (the caller restarts the round)', () => {
    const state = fresh(3, 2);
    noteReplacement(state, member('stale'), T0);
    dropSlotMember(state, 0, 'unresponsive', T0 + 10_000);
    expect(assignReplacement(state, 0, T0 + 10_000, 5_000)).toBeUndefined();
    expect(state.slots[0]?.status).toBe('dropped');
    // A replacement already working a slot is not taken again.
    noteReplacement(state, member('r1'), T0 + 10_000);
    expect(assignReplacement(state, 0, T0 + 10_000, 5_000)).toEqual(member('r1'));
    dropSlotMember(state, 1, 'unresponsive', T0 + 10_000);
    expect(assignReplacement(state, 1, T0 + 10_000, 5_000)).toBeUndefined();
    // An active slot needs no replacement.
    noteReplacement(state, member('r2'), T0 + 10_000);
    expect(assignReplacement(state, 2, T0 + 10_000, 5_000)).toBeUndefined();
    expect(assignReplacement(state, 7, T0 + 10_000, 5_000)).toBeUndefined();
  });

  it("REQ-24 the replacement redoes the slot's removed work in the slot's order and the round completes", () => {
    const state = fresh(3, 3);
    for (let step = 0; step < 2; step++) state.slots.map((s) => contribute(state, s.member.id)).forEach((e) => verify(state, e));
    noteReplacement(state, member('r1'), T0);
    dropSlotMember(state, 1, 'admin', T0);
    assignReplacement(state, 1, T0, 1_000);
    expect(mustTake(state, 'id-r1')).toMatchObject({ chunk: 1, baseStateKey: 'chunks/base-1', contributionIndex: 0 });
    runToCompletion(state);
    for (const chunk of state.chunks) {
      expect(chunk.contributions.filter((c) => c.slot === 1).map((c) => c.contributorId)).toEqual(['id-r1']);
      expect(chunk.contributions.some((c) => c.contributorId === 'id-c1')).toBe(false);
    }
    expect(state.slots[1]?.pubkey).toBe(pubkeyOf('id-r1'));
  });
});

// ---- REQ-34: no permanent stalls, as a property over random operation sequences ----

type Op =
  | { kind: 'take'; who: number }
  | { kind: 'submit'; who: number; stale: boolean }
  | { kind: 'verify'; pick: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'drop'; who: number }
  | { kind: 'lease'; verifier: number }
  | { kind: 'expire' }
  | { kind: 'beat'; who: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('take' as const), who: fc.nat(100) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('submit' as const), who: fc.nat(20), stale: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('verify' as const), pick: fc.nat(20) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(20) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), who: fc.nat(20) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('lease' as const), verifier: fc.nat(3) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('beat' as const), who: fc.nat(20) }), weight: 1 },
);

const MAX_FAILURES = 2;

/** Can some action move the round on? An active slot gets a contribute task, or something awaits a verdict. */
function canProgress(state: RoundState): boolean {
  if (verifyingIds(state).length > 0) return true;
  return state.slots.some((s) => s.status === 'active' && takeTask(structuredClone(state), s.member.id, T0).action === 'contribute');
}

function checkInvariants(state: RoundState): void {
  const verifying = verifyingIds(state);
  for (const chunk of state.chunks) {
    const slots = chunk.contributions.map((c) => c.slot);
    expect(new Set(slots).size, 'one contribution per slot and chunk').toBe(slots.length);
    chunk.contributions.forEach((c, k) => {
      const slot = state.slots[c.slot];
      expect(slot?.status, 'no work of a dropped member survives').toBe('active');
      expect(c.contributorId, "every contribution is by its slot's current member").toBe(slot?.member.id);
      expect(c.baseStateKey, 'each contribution builds on the previous one').toBe(k === 0 ? chunk.baseStateKey : chunk.contributions[k - 1]?.uploadKey);
      if (k < chunk.contributions.length - 1) expect(c.status, 'only the newest contribution may await verification').toBe('verified');
    });
    if (chunk.lock !== undefined) {
      const holder = state.slots[chunk.lock.slot];
      expect(holder?.status).toBe('active');
      expect(chunk.lock.contributorId).toBe(holder?.member.id);
      expect(
        chunk.contributions.every((c) => c.status === 'verified'),
        'a locked chunk has nothing awaiting verification',
      ).toBe(true);
      expect(slots).not.toContain(chunk.lock.slot);
    }
  }
  for (const slot of state.slots) expect(state.chunks.filter((c) => c.lock?.slot === slot.slot).length).toBeLessThanOrEqual(1);
  expect([...state.verificationQueue].sort(), 'the queue holds exactly the contributions awaiting verification').toEqual([...verifying].sort());
  const leased = state.leases.map((l) => l.contributionId);
  expect(new Set(leased).size).toBe(leased.length);
  for (const id of leased) expect(verifying).toContain(id);
}

/**
 * A poll (offerTask / offerVerification, answered by a query) changes nothing, and agrees with the
 * claim (the update) made on the same state: an answer is exactly what the claim answers, taking
 * nothing; `claim` means the claim takes a chunk or a lease.
 */
function checkOffersAgree(state: RoundState, ids: string[], now: number): void {
  const before = structuredClone(state);
  const held = (s: RoundState) => ({ locks: s.chunks.map((c) => c.lock), leases: s.leases });
  for (const id of [...ids, 'id-stranger']) {
    const who: Member = { id, identity: `dev|${id}` };
    for (const replacement of [false, true]) {
      for (const closed of [undefined, 'restarting']) {
        const offer = offerTask(state, id, replacement, closed);
        expect(state, 'a poll changes nothing').toEqual(before);
        const after = structuredClone(state);
        const { answer } = claimTask(after, who, replacement, closed, now);
        if (offer.kind === 'answer') {
          expect(answer, `the claim answers what the poll did (${id})`).toEqual(offer.answer);
          expect(held(after), 'a claim where the poll saw nothing to take takes nothing').toEqual(held(state));
        } else {
          expect(answer.action).toBe('contribute');
          expect(after.chunks.filter((c) => c.lock !== undefined).length).toBe(state.chunks.filter((c) => c.lock !== undefined).length + 1);
        }
      }
    }
    for (const closed of [false, true]) {
      const offer = offerVerification(state, id, closed);
      expect(state, 'a poll changes nothing').toEqual(before);
      const after = structuredClone(state);
      const { answer } = claimVerification(after, who, closed, now);
      if (offer.kind === 'answer') {
        expect(answer).toEqual(offer.answer);
        expect(held(after)).toEqual(held(state));
      } else {
        expect(answer.action).toBe('verify');
        expect(after.leases.length).toBe(state.leases.length + 1);
      }
    }
  }
}

describe('REQ-34 no permanent stalls', () => {
  it('REQ-34 random sequences of take/submit/verify/fail/drop+replace/lease/expire never leave an unfinished round without a possible step, and a fair run then completes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.array(opArb, { maxLength: 120 }), (n, c, ops) => {
        let now = T0;
        const state = createRoundState(1, 0, contributors(n), bases(c), now);
        const everyone: string[] = state.slots.map((s) => s.member.id);
        const tasks = new Map<string, Extract<TaskAnswer, { action: 'contribute' }>>();
        let replacements = 0;
        let upload = 0;
        const dropAndReplace = (slot: number, reason: 'admin' | 'verification-failures'): void => {
          dropSlotMember(state, slot, reason, now);
          replacements += 1;
          const r = member(`r${replacements}`);
          everyone.push(r.id);
          noteReplacement(state, r, now);
          expect(assignReplacement(state, slot, now, 10_000)).toEqual(r);
        };
        for (const op of ops) {
          now += 100;
          switch (op.kind) {
            case 'take': {
              // Mostly the round's current members; now and then anyone who ever was in it.
              const active = state.slots.filter((s) => s.status === 'active').map((s) => s.member.id);
              const pool = op.who % 5 === 4 ? everyone : active;
              const who = pool[Math.floor(op.who / 5) % pool.length] as string;
              const task = takeTask(state, who, now);
              if (task.action === 'contribute') tasks.set(who, task);
              break;
            }
            case 'submit': {
              // Someone who was handed a task uploads it (the task may have gone stale since).
              const holders = [...tasks.keys()];
              if (holders.length === 0) break;
              const who = holders[op.who % holders.length] as string;
              const task = tasks.get(who);
              if (task === undefined) break;
              upload += 1;
              try {
                submitContribution(state, who, task.chunk, `chunk-uploads/p${upload}`, op.stale ? 'chunk-uploads/stale' : task.baseStateKey, now);
                tasks.delete(who);
              } catch (err) {
                if (!(err instanceof RoundRuleError)) throw err;
                expect(['NOT_YOUR_TURN', 'STALE_TASK', 'NOT_IN_ROUND']).toContain(err.code);
              }
              break;
            }
            case 'verify':
            case 'fail': {
              const ids = verifyingIds(state);
              if (ids.length === 0) break;
              const id = ids[op.pick % ids.length] as string;
              if (op.kind === 'verify') {
                const by = state.chunks.flatMap((x) => x.contributions).find((x) => x.id === id)?.contributorId ?? '';
                expect(markVerified(state, id, 'coordinator', `v-${id}`, pubkeyOf(by))).toBe(true);
              } else {
                const failed = markFailed(state, id);
                expect(failed).toBeDefined();
                // REQ-33 as the round workflow applies it.
                if (failed !== undefined && failed.failures >= MAX_FAILURES) dropAndReplace(failed.entry.slot, 'verification-failures');
              }
              break;
            }
            case 'drop': {
              const active = state.slots.filter((s) => s.status === 'active');
              const victim = active[op.who % active.length];
              if (victim !== undefined) dropAndReplace(victim.slot, 'admin');
              break;
            }
            case 'lease':
              takeVerification(state, member(`v${op.verifier}`), now);
              break;
            case 'expire':
              now += 10_000;
              for (const v of expireLeases(state, now, 5_000, 3)) dropVerifier(state, v.id, 'verifier-failures', now);
              break;
            case 'beat':
              heartbeat(state, everyone[op.who % everyone.length] as string, now);
              break;
          }
          checkInvariants(state);
          checkOffersAgree(state, [...everyone, ...state.verifiers.map((v) => v.id), 'id-v0'], now);
          expect(state.slots.every((s) => s.status === 'active')).toBe(true);
          if (!isComplete(state)) expect(canProgress(state), 'an unfinished round must offer a step').toBe(true);
        }
        // Liveness: from wherever the sequence left it, serving everyone fairly completes the round.
        runToCompletion(state, now, 4 * n * c + 10);
        checkInvariants(state);
        for (const chunk of state.chunks) expect([...chunk.contributions.map((x) => x.slot)].sort()).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 400 },
    );
  });
});

describe('polls are queries, claims are updates (issue #14)', () => {
  it('a contributor with a free chunk is offered a claim; the claim locks it; polls then answer the held task without a claim', () => {
    const state = fresh(2, 2);
    const a = idOf(state, 0);
    expect(offerTask(state, a, false, undefined)).toEqual({ kind: 'claim' });
    const { answer, changed } = claimTask(state, member('c0'), false, undefined, T0 + 5);
    expect(changed).toBe(true);
    expect(answer).toMatchObject({ action: 'contribute', chunk: 0 });
    expect(offerTask(state, a, false, undefined)).toEqual({ kind: 'answer', answer });
    // The poll does not move the lock's clock (REQ-35 counts from the claim).
    expect(state.chunks[0]?.lock?.since).toBe(T0 + 5);
  });

  it('nothing to take is answered by the poll itself: busy chunks, verifying work, done, dropped, strangers, standby, a closed round', () => {
    const state = fresh(2, 1);
    const [a, b] = [idOf(state, 0), idOf(state, 1)];
    mustTake(state, a);
    expect(offerTask(state, b, false, undefined)).toEqual({ kind: 'answer', answer: { action: 'wait', retryAfterMs: 500, reason: 'the chunks you need are busy or awaiting verification' } });
    expect(offerTask(state, 'id-stranger', false, undefined)).toEqual({ kind: 'answer', answer: { action: 'not-in-round' } });
    expect(offerTask(state, 'id-spare', true, undefined)).toEqual({ kind: 'answer', answer: STANDBY_ANSWER });
    expect(offerTask(state, b, false, 'aggregating')).toEqual({ kind: 'answer', answer: { action: 'wait', retryAfterMs: 1_000, reason: 'the round is aggregating' } });
    const entry = contribute(state, a);
    expect(offerTask(state, a, false, undefined)).toMatchObject({ kind: 'answer', answer: { action: 'wait', reason: 'your contributions are being verified' } });
    verify(state, entry);
    // REQ-29: done with its chunks, not with the round.
    expect(offerTask(state, a, false, undefined)).toMatchObject({ kind: 'answer', answer: { action: 'wait', reason: 'your chunks are verified; waiting for the round to complete' } });
    dropSlotMember(state, 1, 'admin', T0);
    expect(offerTask(state, b, false, undefined)).toEqual({ kind: 'answer', answer: { action: 'dropped', reason: 'admin' } });
  });

  it('a verifier is offered a claim only while unleased work waits that is not its own; its own lease is answered by the poll', () => {
    const state = fresh(1, 2);
    const v = member('v');
    expect(offerVerification(state, v.id, false)).toEqual({ kind: 'answer', answer: { action: 'wait', retryAfterMs: 500 } });
    const entry = contribute(state, idOf(state, 0));
    expect(offerVerification(state, v.id, false)).toEqual({ kind: 'claim' });
    expect(offerVerification(state, v.id, true)).toEqual({ kind: 'answer', answer: { action: 'wait', retryAfterMs: 1_000 } });
    // Its own contribution is never offered to a contributor who is also a verifier.
    expect(offerVerification(state, idOf(state, 0), false)).toEqual({ kind: 'answer', answer: { action: 'wait', retryAfterMs: 500 } });
    const { answer } = claimVerification(state, v, false, T0);
    expect(answer).toMatchObject({ action: 'verify', contributionId: entry.id });
    expect(offerVerification(state, v.id, false)).toEqual({ kind: 'answer', answer });
    expect(offerVerification(state, member('w').id, false)).toEqual({ kind: 'answer', answer: { action: 'wait', retryAfterMs: 500 } });
    dropVerifier(state, v.id, 'verifier-failures', T0);
    expect(offerVerification(state, v.id, false)).toEqual({ kind: 'answer', answer: { action: 'dropped', reason: 'too many failed or late verifications' } });
  });

  it('lastSeenOf reads the liveness heartbeat keeps: active contributors, verifiers, replacements; none for strangers and dropped contributors', () => {
    const state = fresh(2, 2, T0);
    expect(lastSeenOf(state, idOf(state, 0))).toBe(T0);
    heartbeat(state, idOf(state, 0), T0 + 10);
    expect(lastSeenOf(state, idOf(state, 0))).toBe(T0 + 10);
    expect(lastSeenOf(state, 'id-stranger')).toBeUndefined();
    const dropped = idOf(state, 1);
    dropSlotMember(state, 1, 'admin', T0);
    expect(lastSeenOf(state, dropped)).toBeUndefined();
    heartbeat(state, member('v').id, T0 + 20, { member: member('v'), role: 'verifier' });
    expect(lastSeenOf(state, member('v').id)).toBe(T0 + 20);
  });

  it('a heartbeat registers a configured verifier or replacement the round does not know yet; without a newcomer role it registers no one', () => {
    const state = fresh(1, 1, T0);
    const spare = member('spare');
    expect(heartbeat(state, spare.id, T0 + 1)).toBe(false);
    expect(state.replacements).toEqual([]);
    expect(heartbeat(state, spare.id, T0 + 2, { member: spare, role: 'replacement' })).toBe(true);
    expect(state.replacements).toEqual([{ member: spare, lastSeen: T0 + 2, assignedSlot: undefined }]);
    // A newcomer role for another id is not taken at its word.
    expect(heartbeat(state, 'id-other', T0 + 3, { member: spare, role: 'replacement' })).toBe(false);
    const v = member('v');
    expect(heartbeat(state, v.id, T0 + 4, { member: v, role: 'verifier' })).toBe(true);
    expect(state.verifiers).toEqual([{ id: v.id, identity: v.identity, failures: 0, lastSeen: T0 + 4, status: 'active' }]);
    // Once known, a beat refreshes and registers nothing more.
    expect(heartbeat(state, v.id, T0 + 5, { member: v, role: 'verifier' })).toBe(true);
    expect(state.verifiers).toHaveLength(1);
    expect(state.verifiers[0]?.lastSeen).toBe(T0 + 5);
  });

  it('only an identity configured for the role may register by a heartbeat', () => {
    const configured = { verifierIdentities: ['dev|v'], replacementIdentities: ['dev|spare'] };
    const v: Newcomer = { member: member('v'), role: 'verifier' };
    const spare: Newcomer = { member: member('spare'), role: 'replacement' };
    expect(configuredNewcomer(v, configured)).toEqual(v);
    expect(configuredNewcomer(spare, configured)).toEqual(spare);
    expect(configuredNewcomer(undefined, configured)).toBeUndefined();
    // The wrong role, or an identity not configured at all.
    expect(configuredNewcomer({ ...v, role: 'replacement' }, configured)).toBeUndefined();
    expect(configuredNewcomer({ ...spare, role: 'verifier' }, configured)).toBeUndefined();
    expect(configuredNewcomer({ member: member('mallory'), role: 'verifier' }, configured)).toBeUndefined();
  });

  it('REQ-20 heartbeatNeeded: the round hears from a member once half its allowance has passed, or when it may register and is not known', () => {
    const allowance = 60_000;
    expect(heartbeatNeeded(T0, T0, allowance, false)).toBe(false);
    expect(heartbeatNeeded(T0, T0 + 29_999, allowance, false)).toBe(false);
    expect(heartbeatNeeded(T0, T0 + 30_000, allowance, false)).toBe(true);
    expect(heartbeatNeeded(T0, T0 + 90_000, allowance, true)).toBe(true);
    // A clock behind the round's: nothing needed yet.
    expect(heartbeatNeeded(T0 + 1_000, T0, allowance, false)).toBe(false);
    expect(heartbeatNeeded(undefined, T0, allowance, true)).toBe(true);
    // Not known and may not register (a stranger, a dropped contributor): a signal would change nothing.
    expect(heartbeatNeeded(undefined, T0, allowance, false)).toBe(false);
  });

  it('REQ-20 a member beating every interval b <= allowance/2 through the API is never a straggler, and the round hears about twice per allowance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 120_000 }), fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 50 }), (allowance, split, periods) => {
        const beat = Math.max(1, Math.floor(allowance / 2 / (1 + (split % 20))));
        const state = fresh(1, 1, T0);
        const id = idOf(state, 0);
        let signals = 0;
        for (let now = T0; now <= T0 + periods * allowance; now += beat) {
          if (heartbeatNeeded(lastSeenOf(state, id), now, allowance, false)) {
            heartbeat(state, id, now);
            signals += 1;
          }
          // The sweep may look at any moment between beats: the member is not silent for longer than the allowance.
          expect(findStragglers(state, now + beat - 1, allowance, Number.MAX_SAFE_INTEGER)).toEqual([]);
        }
        // At most one signal per half allowance (plus the first), whatever the beat interval.
        expect(signals).toBeLessThanOrEqual(2 * periods + 1);
      }),
      { numRuns: 300 },
    );
  });
});
