// The state of one round and every rule that changes it, as pure functions (no I/O, no clock: the
// caller passes `now`). The round workflow owns one RoundState; tests drive these functions directly.
import type { ErrorCode } from '../../common/errors.js';
import type {
  ChunkContributionEntry,
  ChunkSlotState,
  DropEntry,
  Member,
  Slot,
  TaskAnswer,
  VerificationLease,
  VerificationTask,
  VerifierState,
} from './types.js';

export interface ReplacementEntry {
  member: Member;
  lastSeen: number;
  assignedSlot: number | undefined;
}

export interface RoundState {
  round: number;
  attempt: number;
  chunkCount: number;
  slots: Slot[];
  chunks: ChunkSlotState[];
  verifiers: VerifierState[];
  leases: VerificationLease[];
  /** Contribution ids waiting for an external verifier, oldest first. */
  verificationQueue: string[];
  replacements: ReplacementEntry[];
  drops: DropEntry[];
  counter: number;
}

/** A rule of the round refused a call; the code is the API's (common/errors.ts). */
export class RoundRuleError extends Error {
  override readonly name = 'RoundRuleError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Slot i starts on chunk bucket i (mod the chunk count) and moves on cyclically. */
export function chunkOrderFor(slot: number, chunkCount: number): number[] {
  return Array.from({ length: chunkCount }, (_, k) => (slot + k) % chunkCount);
}

export function createRoundState(round: number, attempt: number, contributors: Member[], baseStateKeys: string[], now: number): RoundState {
  const chunkCount = baseStateKeys.length;
  return {
    round,
    attempt,
    chunkCount,
    slots: contributors.map((member, slot) => ({
      slot,
      member,
      history: [member.id],
      isReplacement: false,
      chunkOrder: chunkOrderFor(slot, chunkCount),
      status: 'active',
      pubkey: undefined,
      failures: 0,
      lastSeen: now,
    })),
    chunks: baseStateKeys.map((baseStateKey, index) => ({ index, baseStateKey, contributions: [], lock: undefined })),
    verifiers: [],
    leases: [],
    verificationQueue: [],
    replacements: [],
    drops: [],
    counter: 0,
  };
}

export function slotOfMember(state: RoundState, memberId: string): Slot | undefined {
  return state.slots.find((s) => s.member.id === memberId && s.status !== 'dropped');
}

/** The key of the state the next contribution to this chunk builds on. */
export function chunkHead(state: RoundState, chunk: number): string {
  const slot = state.chunks[chunk] as ChunkSlotState;
  const last = slot.contributions[slot.contributions.length - 1];
  return last === undefined ? slot.baseStateKey : last.uploadKey;
}

function hasContribution(chunk: ChunkSlotState, slot: number, status?: 'verified'): boolean {
  return chunk.contributions.some((c) => c.slot === slot && (status === undefined || c.status === status));
}

export function verifiedCount(state: RoundState, slot: number): number {
  return state.chunks.filter((c) => hasContribution(c, slot, 'verified')).length;
}

function available(chunk: ChunkSlotState): boolean {
  return chunk.lock === undefined && chunk.contributions.every((c) => c.status === 'verified');
}

/** Gives the member its next task and locks that chunk for it (REQ-23, one contributor per chunk). */
export function takeTask(state: RoundState, memberId: string, now: number): TaskAnswer {
  const slot = slotOfMember(state, memberId);
  if (slot === undefined) {
    const dropped = state.drops.find((d) => d.memberId === memberId);
    return dropped === undefined ? { action: 'not-in-round' } : { action: 'dropped', reason: dropped.reason };
  }
  slot.lastSeen = now;
  const held = state.chunks.find((c) => c.lock?.slot === slot.slot);
  if (held !== undefined) {
    return { action: 'contribute', round: state.round, chunk: held.index, baseStateKey: chunkHead(state, held.index), contributionIndex: held.contributions.length };
  }
  const pending = slot.chunkOrder.filter((c) => !hasContribution(state.chunks[c] as ChunkSlotState, slot.slot));
  if (pending.length === 0) {
    const allVerified = slot.chunkOrder.every((c) => hasContribution(state.chunks[c] as ChunkSlotState, slot.slot, 'verified'));
    return allVerified ? { action: 'done', round: state.round } : { action: 'wait', retryAfterMs: 1_000, reason: 'your contributions are being verified' };
  }
  const next = pending.find((c) => available(state.chunks[c] as ChunkSlotState));
  if (next === undefined) return { action: 'wait', retryAfterMs: 500, reason: 'the chunks you need are busy or awaiting verification' };
  const chunk = state.chunks[next] as ChunkSlotState;
  chunk.lock = { slot: slot.slot, contributorId: memberId, since: now };
  return { action: 'contribute', round: state.round, chunk: next, baseStateKey: chunkHead(state, next), contributionIndex: chunk.contributions.length };
}

/** Records an uploaded contribution; it awaits verification and blocks the chunk until then. */
export function submitContribution(state: RoundState, memberId: string, chunkIndex: number, uploadKey: string, baseStateKey: string, now: number): ChunkContributionEntry {
  const slot = slotOfMember(state, memberId);
  if (slot === undefined) throw new RoundRuleError('NOT_IN_ROUND', 'you are not a contributor of this round');
  const chunk = state.chunks[chunkIndex];
  if (chunk === undefined) throw new RoundRuleError('BAD_REQUEST', `no chunk ${chunkIndex}`);
  if (chunk.lock?.slot !== slot.slot) throw new RoundRuleError('NOT_YOUR_TURN', `chunk ${chunkIndex} is not assigned to you; ask for your next task`);
  if (chunkHead(state, chunkIndex) !== baseStateKey) {
    chunk.lock = undefined;
    throw new RoundRuleError('STALE_TASK', `chunk ${chunkIndex} changed since you took it (a dropped participant's work was removed); ask for your next task`);
  }
  state.counter += 1;
  const entry: ChunkContributionEntry = {
    id: `r${state.round}a${state.attempt}-c${chunkIndex}-${state.counter}`,
    slot: slot.slot,
    contributorId: memberId,
    uploadKey,
    baseStateKey,
    status: 'verifying',
    submittedAt: now,
  };
  chunk.contributions.push(entry);
  chunk.lock = undefined;
  slot.lastSeen = now;
  state.verificationQueue.push(entry.id);
  return entry;
}

export function findContribution(state: RoundState, contributionId: string): { chunk: ChunkSlotState; entry: ChunkContributionEntry } | undefined {
  for (const chunk of state.chunks) {
    const entry = chunk.contributions.find((c) => c.id === contributionId);
    if (entry !== undefined) return { chunk, entry };
  }
  return undefined;
}

export function expectedPubkey(state: RoundState, slot: number): string | undefined {
  return state.slots[slot]?.pubkey;
}

/**
 * True when a valid verdict names another pubkey than the one the contribution's slot already fixed:
 * every chunk of one contributor must carry the same secret, so such a verdict counts as a failure.
 */
export function pubkeyConflicts(state: RoundState, contributionId: string, pubkey: string): boolean {
  const found = findContribution(state, contributionId);
  if (found === undefined) return false;
  const fixed = state.slots[found.entry.slot]?.pubkey;
  return fixed !== undefined && fixed !== pubkey;
}

export function markVerified(state: RoundState, contributionId: string, verifierId: string, verificationKey: string, pubkey: string): boolean {
  const found = findContribution(state, contributionId);
  if (found === undefined || found.entry.status !== 'verifying') return false;
  found.entry.status = 'verified';
  found.entry.verifierId = verifierId;
  found.entry.verificationKey = verificationKey;
  found.entry.pubkey = pubkey;
  const slot = state.slots[found.entry.slot];
  if (slot !== undefined && slot.pubkey === undefined) slot.pubkey = pubkey;
  state.leases = state.leases.filter((l) => l.contributionId !== contributionId);
  state.verificationQueue = state.verificationQueue.filter((id) => id !== contributionId);
  return true;
}

/** REQ-32: the invalid contribution is removed (its record is kept by the caller) and the task goes back to its contributor. */
export function markFailed(state: RoundState, contributionId: string): { entry: ChunkContributionEntry; failures: number } | undefined {
  const found = findContribution(state, contributionId);
  if (found === undefined || found.entry.status !== 'verifying') return undefined;
  found.chunk.contributions = found.chunk.contributions.filter((c) => c.id !== contributionId);
  state.leases = state.leases.filter((l) => l.contributionId !== contributionId);
  state.verificationQueue = state.verificationQueue.filter((id) => id !== contributionId);
  const slot = state.slots[found.entry.slot];
  if (slot === undefined) return { entry: found.entry, failures: 0 };
  slot.failures += 1;
  return { entry: found.entry, failures: slot.failures };
}

/**
 * REQ-25: drops the slot's current member and removes every contribution that depends on its work:
 * on each chunk, its contribution and every later one. Returns what was removed (records are kept
 * by the caller, REQ-18).
 */
export function dropSlotMember(state: RoundState, slotIndex: number, reason: DropEntry['reason'], now: number): DropEntry {
  const slot = state.slots[slotIndex];
  if (slot === undefined) throw new RoundRuleError('NOT_FOUND', `no slot ${slotIndex}`);
  const removed: ChunkContributionEntry[] = [];
  for (const chunk of state.chunks) {
    const first = chunk.contributions.findIndex((c) => c.slot === slotIndex);
    if (first >= 0) {
      removed.push(...chunk.contributions.slice(first));
      chunk.contributions = chunk.contributions.slice(0, first);
      // Whoever holds the chunk now builds on removed work: their task resets.
      chunk.lock = undefined;
    }
    if (chunk.lock?.slot === slotIndex) chunk.lock = undefined;
  }
  const removedIds = new Set(removed.map((c) => c.id));
  state.leases = state.leases.filter((l) => !removedIds.has(l.contributionId));
  state.verificationQueue = state.verificationQueue.filter((id) => !removedIds.has(id));
  // A removed contribution of another slot was built on the dropped one: its secret may stay.
  slot.status = 'dropped';
  slot.pubkey = undefined;
  const drop: DropEntry = {
    memberId: slot.member.id,
    identity: slot.member.identity,
    role: 'contributor',
    reason,
    at: now,
    removedContributions: removed.map((c) => c.id),
    replacedBy: undefined,
  };
  state.drops.push(drop);
  return drop;
}

/** REQ-24: a waiting replacement takes over the dropped slot's remaining tasks. */
export function assignReplacement(state: RoundState, slotIndex: number, now: number, freshWithinMs: number): Member | undefined {
  const slot = state.slots[slotIndex];
  if (slot === undefined || slot.status !== 'dropped') return undefined;
  const candidate = state.replacements.find((r) => r.assignedSlot === undefined && now - r.lastSeen <= freshWithinMs);
  if (candidate === undefined) return undefined;
  candidate.assignedSlot = slotIndex;
  const drop = [...state.drops].reverse().find((d) => d.memberId === slot.member.id);
  if (drop !== undefined) drop.replacedBy = candidate.member.id;
  slot.member = candidate.member;
  slot.history.push(candidate.member.id);
  slot.isReplacement = true;
  slot.status = 'active';
  slot.failures = 0;
  slot.pubkey = undefined;
  slot.lastSeen = now;
  return candidate.member;
}

export function noteReplacement(state: RoundState, member: Member, now: number): void {
  const known = state.replacements.find((r) => r.member.id === member.id);
  if (known === undefined) state.replacements.push({ member, lastSeen: now, assignedSlot: undefined });
  else known.lastSeen = now;
}

export function isComplete(state: RoundState): boolean {
  return (
    state.slots.every((s) => s.status !== 'dropped') &&
    state.chunks.every((chunk) => state.slots.every((s) => hasContribution(chunk, s.slot, 'verified')) && chunk.contributions.every((c) => c.status === 'verified'))
  );
}

export function noteVerifier(state: RoundState, member: Member, now: number): VerifierState {
  let verifier = state.verifiers.find((v) => v.id === member.id);
  if (verifier === undefined) {
    verifier = { id: member.id, identity: member.identity, failures: 0, lastSeen: now, status: 'active' };
    state.verifiers.push(verifier);
  }
  verifier.lastSeen = now;
  return verifier;
}

/** Gives an external verifier the oldest unleased contribution (REQ-31). */
export function takeVerification(state: RoundState, member: Member, now: number): VerificationTask {
  const verifier = noteVerifier(state, member, now);
  if (verifier.status === 'dropped') return { action: 'dropped', reason: 'too many failed or late verifications' };
  const leased = new Set(state.leases.map((l) => l.contributionId));
  const own = state.leases.find((l) => l.verifierId === member.id);
  // Never a verifier's own contribution (an identity that is both is refused at join; this holds even if not).
  const ownWork = (id: string) => findContribution(state, id)?.entry.contributorId === member.id;
  const id = own?.contributionId ?? state.verificationQueue.find((c) => !leased.has(c) && !ownWork(c));
  if (id === undefined) return { action: 'wait', retryAfterMs: 500 };
  const found = findContribution(state, id);
  if (found === undefined) return { action: 'wait', retryAfterMs: 500 };
  if (own === undefined) state.leases.push({ contributionId: id, verifierId: member.id, since: now });
  return { action: 'verify', contributionId: id, chunk: found.chunk.index, baseStateKey: found.entry.baseStateKey, uploadKey: found.entry.uploadKey, expectedPubkey: expectedPubkey(state, found.entry.slot) };
}

/** Expired leases go back to the queue; their verifiers get a strike. Returns the verifiers to drop. */
export function expireLeases(state: RoundState, now: number, leaseMs: number, maxFailures: number): VerifierState[] {
  const expired = state.leases.filter((l) => now - l.since > leaseMs);
  state.leases = state.leases.filter((l) => now - l.since <= leaseMs);
  const toDrop: VerifierState[] = [];
  for (const lease of expired) {
    const verifier = state.verifiers.find((v) => v.id === lease.verifierId);
    if (verifier === undefined) continue;
    verifier.failures += 1;
    if (verifier.failures >= maxFailures && verifier.status === 'active') toDrop.push(verifier);
  }
  return toDrop;
}

export function dropVerifier(state: RoundState, verifierId: string, reason: DropEntry['reason'], now: number): DropEntry | undefined {
  const verifier = state.verifiers.find((v) => v.id === verifierId);
  if (verifier === undefined || verifier.status === 'dropped') return undefined;
  verifier.status = 'dropped';
  state.leases = state.leases.filter((l) => l.verifierId !== verifierId);
  const drop: DropEntry = { memberId: verifier.id, identity: verifier.identity, role: 'verifier', reason, at: now, removedContributions: [], replacedBy: undefined };
  state.drops.push(drop);
  return drop;
}

/** Contributors who went quiet (REQ-20) or sit on one task too long (REQ-35). */
export function findStragglers(state: RoundState, now: number, heartbeatTimeoutMs: number, slowTaskTimeoutMs: number): Array<{ slot: number; reason: 'unresponsive' | 'slow' }> {
  const found: Array<{ slot: number; reason: 'unresponsive' | 'slow' }> = [];
  for (const slot of state.slots) {
    if (slot.status !== 'active') continue;
    const finished = slot.chunkOrder.every((c) => hasContribution(state.chunks[c] as ChunkSlotState, slot.slot, 'verified'));
    if (finished) continue;
    const held = state.chunks.find((c) => c.lock?.slot === slot.slot);
    if (held?.lock !== undefined && now - held.lock.since > slowTaskTimeoutMs) found.push({ slot: slot.slot, reason: 'slow' });
    else if (now - slot.lastSeen > heartbeatTimeoutMs) found.push({ slot: slot.slot, reason: 'unresponsive' });
  }
  return found;
}

export function heartbeat(state: RoundState, memberId: string, now: number): boolean {
  const slot = slotOfMember(state, memberId);
  if (slot !== undefined) {
    slot.lastSeen = now;
    return true;
  }
  const verifier = state.verifiers.find((v) => v.id === memberId);
  if (verifier !== undefined) {
    verifier.lastSeen = now;
    return true;
  }
  const replacement = state.replacements.find((r) => r.member.id === memberId);
  if (replacement !== undefined) {
    replacement.lastSeen = now;
    return true;
  }
  return false;
}
