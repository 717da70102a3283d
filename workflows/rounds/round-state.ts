// The state of one round and every rule that changes it, as pure functions (no I/O, no clock: the
// caller passes `now`). The round workflow owns one RoundState; tests drive these functions directly.
import type { ErrorCode } from '../../common/errors.js';
import type { ChunkContributionEntry, ChunkSlotState, DropEntry, Member, Slot, TaskAnswer, VerificationLease, VerificationTask, VerifierState } from './types.js';

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

/**
 * What a poll is answered: an answer that takes nothing, or `claim` when there is work to take, which
 * only the claim itself (an update on the round) may take. Polls are queries: they write no history.
 */
export type Offer<Answer> = { kind: 'answer'; answer: Answer } | { kind: 'claim' };

/** The member's next task as the state stands, without changing it: a chunk it holds, a free one, or an answer. */
type NextTask = { kind: 'held'; chunk: number } | { kind: 'free'; chunk: number } | { kind: 'answer'; answer: TaskAnswer };

function nextTask(state: RoundState, memberId: string): NextTask {
  const slot = slotOfMember(state, memberId);
  if (slot === undefined) {
    const dropped = state.drops.find((d) => d.memberId === memberId);
    return { kind: 'answer', answer: dropped === undefined ? { action: 'not-in-round' } : { action: 'dropped', reason: dropped.reason } };
  }
  const held = state.chunks.find((c) => c.lock?.slot === slot.slot);
  if (held !== undefined) return { kind: 'held', chunk: held.index };
  const pending = slot.chunkOrder.filter((c) => !hasContribution(state.chunks[c] as ChunkSlotState, slot.slot));
  if (pending.length === 0) {
    const allVerified = slot.chunkOrder.every((c) => hasContribution(state.chunks[c] as ChunkSlotState, slot.slot, 'verified'));
    return { kind: 'answer', answer: allVerified ? { action: 'done', round: state.round } : { action: 'wait', retryAfterMs: 1_000, reason: 'your contributions are being verified' } };
  }
  const next = pending.find((c) => available(state.chunks[c] as ChunkSlotState));
  if (next === undefined) return { kind: 'answer', answer: { action: 'wait', retryAfterMs: 500, reason: 'the chunks you need are busy or awaiting verification' } };
  return { kind: 'free', chunk: next };
}

function contributeAnswer(state: RoundState, chunk: number): TaskAnswer {
  return { action: 'contribute', round: state.round, chunk, baseStateKey: chunkHead(state, chunk), contributionIndex: (state.chunks[chunk] as ChunkSlotState).contributions.length };
}

/** Gives the member its next task and locks that chunk for it (REQ-23, one contributor per chunk). */
export function takeTask(state: RoundState, memberId: string, now: number): TaskAnswer {
  const next = nextTask(state, memberId);
  const slot = slotOfMember(state, memberId);
  if (slot !== undefined) slot.lastSeen = now;
  if (next.kind === 'answer') return next.answer;
  if (next.kind === 'free') (state.chunks[next.chunk] as ChunkSlotState).lock = { slot: (slot as Slot).slot, contributorId: memberId, since: now };
  return contributeAnswer(state, next.chunk);
}

/** A standby replacement's answer until a drop gives it a slot (REQ-24). */
export const STANDBY_ANSWER: TaskAnswer = { action: 'wait', retryAfterMs: 1_000, reason: 'standing by as a replacement contributor' };

/** The answer while the round hands out no work (`closed`: restarting, aggregating, complete). */
export function closedAnswer(closed: string): TaskAnswer {
  return { action: 'wait', retryAfterMs: 1_000, reason: `the round is ${closed}` };
}

/**
 * REQ-29: a contributor is done when the round is, not when its own chunks are: until then it stays
 * (and keeps heartbeating), since a drop elsewhere may restart the round and need it again.
 */
export function roundTaskAnswer(answer: TaskAnswer): TaskAnswer {
  return answer.action === 'done' ? { action: 'wait', retryAfterMs: 1_000, reason: 'your chunks are verified; waiting for the round to complete' } : answer;
}

/**
 * What the round's takeTask update would answer `memberId` now, without changing anything: the
 * answer itself, or `claim` when a free chunk is there for it (only the update locks it). A chunk the
 * member already holds is answered here: it was claimed before (and its answer may have been lost).
 */
export function offerTask(state: RoundState, memberId: string, replacement: boolean, closed: string | undefined): Offer<TaskAnswer> {
  if (replacement && slotOfMember(state, memberId) === undefined) return { kind: 'answer', answer: STANDBY_ANSWER };
  if (closed !== undefined) return { kind: 'answer', answer: closedAnswer(closed) };
  const next = nextTask(state, memberId);
  if (next.kind === 'free') return { kind: 'claim' };
  return { kind: 'answer', answer: roundTaskAnswer(next.kind === 'held' ? contributeAnswer(state, next.chunk) : next.answer) };
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

/**
 * The takeTask update (the claim): registers a standby replacement, answers while the round is
 * closed, and otherwise takes the member's next task. `changed`: the rules ran (a chunk may be locked).
 */
export function claimTask(state: RoundState, member: Member, replacement: boolean, closed: string | undefined, now: number): { answer: TaskAnswer; changed: boolean } {
  if (replacement && slotOfMember(state, member.id) === undefined) {
    noteReplacement(state, member, now);
    return { answer: STANDBY_ANSWER, changed: false };
  }
  if (closed !== undefined) return { answer: closedAnswer(closed), changed: false };
  return { answer: roundTaskAnswer(takeTask(state, member.id, now)), changed: true };
}

/** The verifier's next verification as the state stands, without changing it (a verifier not yet known counts as a new, active one). */
type NextVerification = { kind: 'held'; contributionId: string } | { kind: 'free'; contributionId: string } | { kind: 'answer'; answer: VerificationTask };

const NOTHING_TO_VERIFY: VerificationTask = { action: 'wait', retryAfterMs: 500 };

function nextVerification(state: RoundState, verifierId: string): NextVerification {
  if (state.verifiers.find((v) => v.id === verifierId)?.status === 'dropped') return { kind: 'answer', answer: { action: 'dropped', reason: 'too many failed or late verifications' } };
  const own = state.leases.find((l) => l.verifierId === verifierId);
  if (own !== undefined) return findContribution(state, own.contributionId) === undefined ? { kind: 'answer', answer: NOTHING_TO_VERIFY } : { kind: 'held', contributionId: own.contributionId };
  const leased = new Set(state.leases.map((l) => l.contributionId));
  // Never a verifier's own contribution (an identity that is both is refused at join; this holds even if not).
  const ownWork = (id: string) => findContribution(state, id)?.entry.contributorId === verifierId;
  const id = state.verificationQueue.find((c) => !leased.has(c) && !ownWork(c));
  if (id === undefined || findContribution(state, id) === undefined) return { kind: 'answer', answer: NOTHING_TO_VERIFY };
  return { kind: 'free', contributionId: id };
}

function verifyAnswer(state: RoundState, contributionId: string): VerificationTask {
  const found = findContribution(state, contributionId) as { chunk: ChunkSlotState; entry: ChunkContributionEntry };
  return {
    action: 'verify',
    contributionId,
    chunk: found.chunk.index,
    baseStateKey: found.entry.baseStateKey,
    uploadKey: found.entry.uploadKey,
    expectedPubkey: expectedPubkey(state, found.entry.slot),
  };
}

/** Gives an external verifier the oldest unleased contribution (REQ-31). */
export function takeVerification(state: RoundState, member: Member, now: number): VerificationTask {
  noteVerifier(state, member, now);
  const next = nextVerification(state, member.id);
  if (next.kind === 'answer') return next.answer;
  if (next.kind === 'free') state.leases.push({ contributionId: next.contributionId, verifierId: member.id, since: now });
  return verifyAnswer(state, next.contributionId);
}

/** The answer while the round hands out no verifications (restarting, aggregating, complete). */
export const CLOSED_VERIFICATION_ANSWER: VerificationTask = { action: 'wait', retryAfterMs: 1_000 };

/** The takeVerification update (the claim). `changed`: the rules ran (a contribution may be leased). */
export function claimVerification(state: RoundState, member: Member, closed: boolean, now: number): { answer: VerificationTask; changed: boolean } {
  if (closed) return { answer: CLOSED_VERIFICATION_ANSWER, changed: false };
  return { answer: takeVerification(state, member, now), changed: true };
}

/**
 * What the round's takeVerification update would answer now, without changing anything: the answer,
 * or `claim` when a contribution waits for a verifier (only the update leases it). A lease the
 * verifier already holds is answered here.
 */
export function offerVerification(state: RoundState, verifierId: string, closed: boolean): Offer<VerificationTask> {
  if (closed) return { kind: 'answer', answer: CLOSED_VERIFICATION_ANSWER };
  const next = nextVerification(state, verifierId);
  if (next.kind === 'free') return { kind: 'claim' };
  return { kind: 'answer', answer: next.kind === 'held' ? verifyAnswer(state, next.contributionId) : next.answer };
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

/** The deadlines a round's sweep enforces (the round's settings). */
export interface SweepRules {
  heartbeatTimeoutMs: number;
  slowTaskTimeoutMs: number;
  /** External verification only: how long a lease lasts; undefined when the coordinator verifies. */
  verificationLeaseMs: number | undefined;
}

/**
 * The first moment (ms) a sweep could find something to do in this state: a contributor past its
 * heartbeat timeout or slow-task timeout (findStragglers), a lease past its end or a verifier gone quiet
 * (expireLeases, the sweep's verifier check). Each rule fires once `now - since > timeout`, so one
 * millisecond after the sum. Infinity when nothing is pending.
 */
export function nextSweepDue(state: RoundState, rules: SweepRules): number {
  let due = Number.POSITIVE_INFINITY;
  const at = (since: number, timeoutMs: number): void => {
    due = Math.min(due, since + timeoutMs + 1);
  };
  for (const slot of state.slots) {
    if (slot.status !== 'active') continue;
    if (slot.chunkOrder.every((c) => hasContribution(state.chunks[c] as ChunkSlotState, slot.slot, 'verified'))) continue;
    const held = state.chunks.find((c) => c.lock?.slot === slot.slot);
    if (held?.lock !== undefined) at(held.lock.since, rules.slowTaskTimeoutMs);
    at(slot.lastSeen, rules.heartbeatTimeoutMs);
  }
  if (rules.verificationLeaseMs !== undefined) {
    for (const lease of state.leases) at(lease.since, rules.verificationLeaseMs);
    for (const verifier of state.verifiers) if (verifier.status === 'active') at(verifier.lastSeen, rules.heartbeatTimeoutMs);
  }
  return due;
}

/**
 * How long the sweep sleeps from `now`: until the next deadline is due, but at least `intervalMs` (so
 * a deadline is enforced at most that late, as with a fixed interval) and at most half the shortest
 * timeout. The cap is what makes sleeping safe: a deadline set while the sweep sleeps (a new lock, a
 * lease, a replacement's or a verifier's first liveness) falls due one shortest timeout after it was
 * set at the earliest, so the sweep is awake again before and sees it. The one change that brings an
 * old deadline back is a drop (a finished contributor whose later contributions go is unfinished
 * again, with the liveness it had), and a drop wakes the sweep at once (round.ts).
 */
export function sweepDelayMs(due: number, now: number, intervalMs: number, rules: SweepRules): number {
  const shortest = Math.min(rules.heartbeatTimeoutMs, rules.slowTaskTimeoutMs, rules.verificationLeaseMs ?? Number.POSITIVE_INFINITY);
  return Math.max(intervalMs, Math.min(due - now, Math.floor(shortest / 2)));
}

/** Whoever the round keeps a liveness for under this id: an active slot's member, a verifier, a replacement. */
function livenessEntry(state: RoundState, memberId: string): { lastSeen: number } | undefined {
  return slotOfMember(state, memberId) ?? state.verifiers.find((v) => v.id === memberId) ?? state.replacements.find((r) => r.member.id === memberId);
}

/** When the round last heard from the member (the round's clock), or undefined when it keeps no liveness for it. */
export function lastSeenOf(state: RoundState, memberId: string): number | undefined {
  return livenessEntry(state, memberId)?.lastSeen;
}

/** A configured verifier or replacement the round may not know yet: its first heartbeat makes it known. */
export interface Newcomer {
  member: Member;
  role: 'verifier' | 'replacement';
}

/**
 * The newcomer a heartbeat may register: only an identity the round's settings name for that role. The
 * API sends a newcomer only for those; the round holds to the same rule rather than take it on trust.
 */
export function configuredNewcomer(newcomer: Newcomer | undefined, configured: { verifierIdentities: readonly string[]; replacementIdentities: readonly string[] }): Newcomer | undefined {
  if (newcomer === undefined) return undefined;
  const identities = newcomer.role === 'verifier' ? configured.verifierIdentities : configured.replacementIdentities;
  return identities.includes(newcomer.member.identity) ? newcomer : undefined;
}

/** Records that the member was heard from; a newcomer the round does not know yet is registered. */
export function heartbeat(state: RoundState, memberId: string, now: number, newcomer?: Newcomer): boolean {
  const entry = livenessEntry(state, memberId);
  if (entry !== undefined) {
    entry.lastSeen = now;
    return true;
  }
  if (newcomer === undefined || newcomer.member.id !== memberId) return false;
  if (newcomer.role === 'verifier') noteVerifier(state, newcomer.member, now);
  else noteReplacement(state, newcomer.member, now);
  return true;
}

/**
 * Whether a heartbeat must reach the round (a signal: history) or may be answered from what the round
 * already knows (a query: no history). It must when the round keeps no liveness for the member yet and
 * the member may register (a configured verifier or replacement), or when at least half of the
 * allowance (`allowanceMs`, the heartbeat timeout) has passed since the round last heard from it. So
 * the round hears from a live member about twice per allowance, and a member that beats more often
 * than every half allowance is never dropped for silence while its beats reach the API.
 *
 * `lastSeen` is the round's clock (Temporal's), `now` the API's: a skew between the two moves the
 * signal by as much, which the other half of the allowance absorbs while the skew stays well under it.
 */
export function heartbeatNeeded(lastSeen: number | undefined, now: number, allowanceMs: number, mayRegister: boolean): boolean {
  if (lastSeen === undefined) return mayRegister;
  return now - lastSeen >= allowanceMs / 2;
}
