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
// Apart from these, the round's sweep timer writes about five events every sweepIntervalMs whatever
// the members do (docs/performance.md, "Rounds history").
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Newcomer, Offer } from './round-state.js';
import type { Member, RoundStatus, TaskAnswer, VerificationTask } from './types.js';
import type { RoundsAdmission, RoundsCeremonyStatus } from './ceremony-types.js';

// round workflow
/** Claims a task (locks a chunk); a standby replacement asking registers. */
export const takeTaskUpdate = defineUpdate<TaskAnswer, [{ member: Member; replacement: boolean }]>('takeTask');
export const submitChunkUpdate = defineUpdate<{ contributionId: string; status: 'verifying' }, [{ memberId: string; chunk: number; uploadKey: string; baseStateKey: string }]>('submitChunk');
/** Claims a verification (leases a contribution). */
export const takeVerificationUpdate = defineUpdate<VerificationTask, [{ member: Member }]>('takeVerification');
export const submitVerificationUpdate = defineUpdate<
  { accepted: boolean },
  [{ verifierId: string; contributionId: string; valid: boolean; code?: string; message?: string; verificationKey: string; pubkey?: string }]
>('submitVerification');
/** `newcomer`: a configured verifier or replacement the round may not know yet, registered by this beat. */
export const heartbeatSignal = defineSignal<[{ memberId: string; at: number; newcomer?: Newcomer }]>('heartbeat');
export const roundDropSignal = defineSignal<[{ memberId: string; reason: 'admin' | 'banned' }]>('drop');
export const roundRestartSignal = defineSignal<[{ reason: string }]>('restart');
export const roundStatusQuery = defineQuery<RoundStatus>('roundStatus');
export const instructionsQuery = defineQuery<{ round: number; tasks: Array<{ chunk: number; state: 'pending' | 'verifying' | 'verified' | 'in-progress' }>; status: string }, [string]>('instructions');
/** When the round last heard from a member (its own clock); undefined when it keeps no liveness for it. */
export interface Liveness {
  lastSeen: number | undefined;
}
export const livenessQuery = defineQuery<Liveness, [{ memberId: string }]>('liveness');
/** What takeTask would answer (or that there is a chunk to claim), with the member's liveness. */
export const taskOfferQuery = defineQuery<Liveness & { offer: Offer<TaskAnswer> }, [{ memberId: string; replacement: boolean }]>('taskOffer');
/** What takeVerification would answer (or that there is a contribution to claim), with the verifier's liveness. */
export const verificationOfferQuery = defineQuery<Liveness & { offer: Offer<VerificationTask> }, [{ memberId: string }]>('verificationOffer');

// rounds ceremony workflow
export const joinRoundQueueUpdate = defineUpdate<{ position: number; round: number }, [{ member: Member }]>('joinRoundQueue');
export const leaveRoundQueueUpdate = defineUpdate<{ left: boolean }, [{ memberId: string }]>('leaveRoundQueue');
export const banMemberSignal = defineSignal<[{ memberId: string; identity: string; banned: boolean; reason: string }]>('banMember');
export const adminRestartSignal = defineSignal<[{ reason: string }]>('adminRestart');
export const ceremonyStatusQuery = defineQuery<RoundsCeremonyStatus>('roundsStatus');
/** Admin phases (#13 item 6): each answers the admission after the change; a change that does not apply is PHASE_CONFLICT. */
export const pauseRoundsUpdate = defineUpdate<RoundsAdmission, [{ reason: string }]>('pause');
export const resumeRoundsUpdate = defineUpdate<RoundsAdmission, [{ reason: string }]>('resume');
export const closeRoundQueueUpdate = defineUpdate<RoundsAdmission, [{ reason: string }]>('closeRoundQueue');
