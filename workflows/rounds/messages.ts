// Signals, updates and queries of the rounds-mode workflows (addressed by the API).
//
// Which kind each message is follows from what Temporal charges for it:
// - an update is answered by the workflow and writes history (accepted + completed events and a
//   workflow task). Temporal admits at most 10 updates in flight per workflow execution and 2,000 per
//   run (the server's dynamic config history.maxInFlightUpdates and history.maxTotalUpdates); a call over
//   either is refused. So an update is only for a claim or a submission, a call that changes the
//   round and needs its answer: taking a task or a verification, submitting a chunk or a verdict, joining
//   or leaving the queue. (The round continues as new when Temporal suggests it, which servers that
//   have history.maxTotalUpdates.suggestContinueAsNewThreshold, 0.9 by default, also do as a run nears
//   the 2,000: a new run has a new allowance.)
// - a query reads the state and writes no history, however often it is asked. "Is there work for
//   me?" is a query (taskOffer, verificationOffer): the API sends the claim update only when the query
//   says there is something to take, so idle polls, however many, stay within the update limits.
// - a signal writes history but needs no answer and has no in-flight limit (a run's total is capped
//   by history.maximumSignalsPerExecution; continue-as-new renews it): heartbeats, drops, restarts,
//   bans. A heartbeat reaches the round only when the round's liveness of the member asks for it
//   (round-state.ts heartbeatNeeded, read with the liveness query): about twice per heartbeat timeout
//   per member, not once per beat.
// Apart from these, the round's sweep timer writes about five events each time it wakes: at the next
// deadline it enforces, at most every half of the shortest timeout (round-state.ts sweepDelayMs;
// docs/performance.md, "Rounds history").
import { describedQuery, describedSignal, describedUpdate } from '../message-descriptions.js';
import type { Newcomer, Offer } from './round-state.js';
import type { Member, RoundStatus, TaskAnswer, VerificationTask } from './types.js';
import type { RoundsAdmission, RoundsCeremonyStatus } from './ceremony-types.js';

// round workflow
/** Claims a task (locks a chunk); a standby replacement asking registers. */
export const takeTaskUpdate = describedUpdate<TaskAnswer, [{ member: Member; replacement: boolean }]>(
  'takeTask',
  'A contributor claims its next chunk (locks it) or learns to wait, that it is done or dropped; a standby replacement asking registers.',
);
export const submitChunkUpdate = describedUpdate<{ contributionId: string; status: 'verifying' }, [{ memberId: string; chunk: number; uploadKey: string; baseStateKey: string }]>(
  'submitChunk',
  'A contributor hands in its upload for the chunk it holds, built on the named base; the contribution then awaits verification.',
);
/** Claims a verification (leases a contribution). */
export const takeVerificationUpdate = describedUpdate<VerificationTask, [{ member: Member }]>('takeVerification', 'An external verifier claims a contribution to verify (a lease), or learns to wait.');
export const submitVerificationUpdate = describedUpdate<
  { accepted: boolean },
  [{ verifierId: string; contributionId: string; valid: boolean; code?: string; message?: string; verificationKey: string; pubkey?: string }]
>('submitVerification', "An external verifier's signed verdict on the contribution it leased; refused when the lease is no longer its own.");
/** `newcomer`: a configured verifier or replacement the round may not know yet, registered by this beat. */
export const heartbeatSignal = describedSignal<[{ memberId: string; at: number; newcomer?: Newcomer }]>(
  'heartbeat',
  'A member is alive (sent only when the round’s liveness of it asks for one); may register a configured verifier or replacement.',
);
export const roundDropSignal = describedSignal<[{ memberId: string; reason: 'admin' | 'banned' }]>(
  'drop',
  'Admin: drop a member from the round (its dependent work is removed; a replacement takes over or the round restarts).',
);
export const roundRestartSignal = describedSignal<[{ reason: string }]>('restart', 'Restart this round: it ends as a restart, carrying its active contributors over to the next attempt.');
export const roundStatusQuery = describedQuery<RoundStatus>('roundStatus', 'The round at a glance: slots, chunks, verifiers, drops, progress.');
export const instructionsQuery = describedQuery<{ round: number; tasks: Array<{ chunk: number; state: 'pending' | 'verifying' | 'verified' | 'in-progress' }>; status: string }, [string]>(
  'instructions',
  "One member's tasks in this round and the state of each (by member id).",
);
/** When the round last heard from a member (its own clock); undefined when it keeps no liveness for it. */
export interface Liveness {
  lastSeen: number | undefined;
}
export const livenessQuery = describedQuery<Liveness, [{ memberId: string }]>(
  'liveness',
  'When the round last heard from a member (its own clock); tells the API whether a heartbeat signal is needed.',
);
/** What takeTask would answer (or that there is a chunk to claim), with the member's liveness. */
export const taskOfferQuery = describedQuery<Liveness & { offer: Offer<TaskAnswer> }, [{ memberId: string; replacement: boolean }]>(
  'taskOffer',
  'What takeTask would answer, or that there is a chunk to claim, with the member’s liveness: idle polls stay queries.',
);
/** What takeVerification would answer (or that there is a contribution to claim), with the verifier's liveness. */
export const verificationOfferQuery = describedQuery<Liveness & { offer: Offer<VerificationTask> }, [{ memberId: string }]>(
  'verificationOffer',
  'What takeVerification would answer, or that there is a contribution to claim, with the verifier’s liveness.',
);

// rounds ceremony workflow
export const joinRoundQueueUpdate = describedUpdate<{ position: number; round: number }, [{ member: Member }]>(
  'joinRoundQueue',
  'Join the round queue (idempotent while waiting); refused when banned, already contributed, in the running round, paused or closed.',
);
export const leaveRoundQueueUpdate = describedUpdate<{ left: boolean }, [{ memberId: string }]>('leaveRoundQueue', 'Leave the round queue; answers whether the member was waiting.');
export const banMemberSignal = describedSignal<[{ memberId: string; identity: string; banned: boolean; reason: string }]>(
  'banMember',
  'Admin: ban an identity (it leaves the queue and is dropped from the running round) or lift its ban.',
);
export const adminRestartSignal = describedSignal<[{ reason: string }]>('adminRestart', 'Admin: restart the running round (passed on to the round workflow).');
export const ceremonyStatusQuery = describedQuery<RoundsCeremonyStatus>(
  'roundsStatus',
  'The rounds ceremony at a glance: progress phase, admission, queue, bans, current round, history, restarts, backups.',
);
/** Admin phases (#13 item 6): each answers the admission after the change; a change that does not apply is PHASE_CONFLICT. */
export const pauseRoundsUpdate = describedUpdate<RoundsAdmission, [{ reason: string }]>(
  'pause',
  'Admin: pause (no joins, no new round; the round under way, restarts included, runs to its end; waiters keep their places).',
);
export const resumeRoundsUpdate = describedUpdate<RoundsAdmission, [{ reason: string }]>('resume', 'Admin: end a pause; the next round starts as the queue allows.');
export const closeRoundQueueUpdate = describedUpdate<RoundsAdmission, [{ reason: string }]>(
  'closeRoundQueue',
  'Admin: close the round queue for good (no joins; the queue drains, then the ceremony is finished).',
);
