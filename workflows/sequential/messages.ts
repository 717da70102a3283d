// Signals, updates and queries of the sequential-mode workflows. The API imports these definitions
// to address the workflows; the workflows implement them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RemovalReason } from './participant-state.js';
import type { Place } from './checkin-schedule.js';
import type { JoinRefusal, Whereabouts } from './ceremony-state.js';
import type { CeremonyPhaseView, CheckinResponse, ParticipantView, QueueSnapshot, TranscriptHead, TurnOutcome, TurnOutcomeKind } from './types.js';

// ceremony workflow (its state and rules: ceremony-state.ts)
export interface JoinRequest {
  participantId: string;
  identity: string;
}
export interface JoinResult {
  whereabouts: Whereabouts;
  /** Set when this join was refused (in a batch, the others still join). */
  refused?: JoinRefusal;
}
/** Joins, many in one update (the API batches concurrent enters): one result per request, in order. */
export const joinBatchUpdate = defineUpdate<JoinResult[], [JoinRequest[]]>('joinBatch');
/** `detail`: what an administrator recorded with a drop (told to the participant). */
export const leaveQueueSignal = defineSignal<[{ participantId: string; reason: RemovalReason; detail?: string }]>('leaveQueue');
/** The ceremony at a glance (small: no queue). */
export const snapshotQuery = defineQuery<QueueSnapshot>('snapshot');
/** Where one participant is: what a check-in needs, without the whole queue. */
export const whereaboutsQuery = defineQuery<Whereabouts, [string]>('whereabouts');
/** The waiting participants' ids in order (administrators; up to QUEUE_CAPACITY entries). */
export const queueQuery = defineQuery<string[]>('queue');

/** Admin phases (issue #10): close the lobby, announce the beacon, finalise with it. */
export const closeLobbyUpdate = defineUpdate<CeremonyPhaseView, [{ reason: string }]>('closeLobby');
/** Admin: no joins and no new turn until resumed (the running turn finishes). */
export const pauseUpdate = defineUpdate<CeremonyPhaseView, [{ reason: string }]>('pause');
export const resumeUpdate = defineUpdate<CeremonyPhaseView, [{ reason: string }]>('resume');
export const announceBeaconUpdate = defineUpdate<CeremonyPhaseView, [{ source: string; iterations: number }]>('announceBeacon');
export const finaliseUpdate = defineUpdate<CeremonyPhaseView, [{ beaconValueHex: string }]>('finalise');
export const recordedOutcomesQuery = defineQuery<TurnOutcome[]>('recordedOutcomes');

// participant workflow (its state and rules: participant-state.ts)
export interface EnterRequest {
  identity: string;
  now: number;
}
/** A check-in that counts: where the ceremony's snapshot places the participant; `first` right after the join. */
export interface CheckinRequest {
  place: Place;
  first: boolean;
}
export const enterUpdate = defineUpdate<ParticipantView, [EnterRequest]>('enter');
export const checkinUpdate = defineUpdate<CheckinResponse, [CheckinRequest]>('checkin');
export const leaveUpdate = defineUpdate<ParticipantView, []>('leave');
export const calledSignal = defineSignal<[{ turnId: string; turnWorkflowId: string; sequence: number }]>('called');
export const turnFinishedSignal =
  defineSignal<[{ turnId: string; kind: TurnOutcomeKind; sequence: number; receiptId?: string; receiptKey?: string; failedCheck?: { code: string; message: string } }]>('turnFinished');
/** Out of the queue from outside the participant: an administrator dropped it (`detail`: the reason recorded). */
export const removedSignal = defineSignal<[{ reason: 'dropped'; detail?: string }]>('removed');
export const banSignal = defineSignal<[{ banned: boolean; reason: string }]>('ban');
export const participantQuery = defineQuery<ParticipantView>('participant');

// turn workflow
export interface StartResult {
  turnId: string;
  sequence: number;
  powersKey: string;
  transcriptSha256: string;
  computeDeadline: number;
}
export interface CompleteRequest {
  participantId: string;
  uploadKey: string;
}
export interface CompleteResult {
  outcome: TurnOutcomeKind;
  sequence: number;
  receiptId?: string;
  receiptKey?: string;
  failedCheck?: { code: string; message: string };
  head?: TranscriptHead;
}
export const notifiedSignal = defineSignal<[{ at: number }]>('notified');
/** From the participant when it is called: its next check-in (which will tell it) is due by this time. */
export const checkinDueSignal = defineSignal<[{ by: number }]>('checkinDue');
export const startUpdate = defineUpdate<StartResult, [{ participantId: string }]>('start');
export const completeUpdate = defineUpdate<CompleteResult, [CompleteRequest]>('complete');
export const abortUpdate = defineUpdate<{ outcome: TurnOutcomeKind }, [{ participantId: string }]>('abort');
export const cancelSignal = defineSignal<[{ reason: string }]>('cancel');
/**
 * Turn → ceremony: the turn's outcome. A signal to the ceremony's workflow id, not a child's result, so
 * that it reaches whichever run is current: the ceremony may continue as new while a turn runs.
 */
export const turnOutcomeSignal = defineSignal<[TurnOutcome]>('turnOutcome');
export type TurnState = 'called' | 'computing' | 'verifying' | 'done';
export interface TurnStateView {
  state: TurnState;
  participantId: string;
  sequence: number;
  /** Set once the turn has ended (state done). */
  outcome: TurnOutcomeKind | undefined;
}
export const turnStateQuery = defineQuery<TurnStateView>('turnState');

/**
 * Why `complete` is refused in this state of the turn, or undefined when it may proceed. Used by the
 * turn's update validator and by the API before it reads an upload (so a refused upload is never stored).
 */
export type CompleteRefusalCode = 'NO_CONTRIBUTION_IN_PROGRESS' | 'CONTRIBUTION_ALREADY_COMPLETED' | 'DEADLINE_MISSED';
export function completeRefusal(state: TurnState, outcome: TurnOutcomeKind | undefined, computeDeadlineMs: number): { code: CompleteRefusalCode; message: string } | undefined {
  if (state === 'computing') return undefined;
  if (state === 'called') return { code: 'NO_CONTRIBUTION_IN_PROGRESS', message: 'call contribution/start first' };
  if (state === 'verifying' || outcome === 'accepted' || outcome === 'rejected') {
    return { code: 'CONTRIBUTION_ALREADY_COMPLETED', message: 'this contribution was already completed' };
  }
  if (outcome === 'compute-timeout') return { code: 'DEADLINE_MISSED', message: `the compute deadline of ${computeDeadlineMs / 1000} s has passed` };
  return { code: 'NO_CONTRIBUTION_IN_PROGRESS', message: `this turn is over (${outcome ?? state})` };
}
