// Signals, updates and queries of the sequential-mode workflows. The API imports these definitions
// to address the workflows; the workflows implement them.
import { describedQuery, describedSignal, describedUpdate } from '../message-descriptions.js';
import type { RemovalReason } from './participant-state.js';
import type { Place } from './checkin-schedule.js';
import type { JoinRefusal, Lineup, Whereabouts } from './ceremony-state.js';
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
export const joinBatchUpdate = describedUpdate<JoinResult[], [JoinRequest[]]>('joinBatch', 'Joins, many in one update (the API batches concurrent enters): one result per request, in order.');
/** `detail`: what an administrator recorded with a drop (told to the participant). */
export const leaveQueueSignal = describedSignal<[{ participantId: string; reason: RemovalReason; detail?: string }]>(
  'leaveQueue',
  'A participant leaves the queue (left, missed a check-in, banned, dropped); one holding the turn loses it.',
);
/** The ceremony at a glance (small: no queue). */
export const snapshotQuery = describedQuery<QueueSnapshot>('snapshot', 'The ceremony at a glance (small: no queue): queue length, current turn, transcript head, stats, phase.');
/** Where one participant is: what a check-in needs, without the whole queue. */
export const whereaboutsQuery = describedQuery<Whereabouts, [string]>('whereabouts', 'Where one participant is (by participant id): what a check-in needs, without the whole queue.');
/** The queue in order with what every waiter's place derives from (ceremony-state.ts Lineup; up to QUEUE_CAPACITY ids). */
export const lineupQuery = describedQuery<Lineup>(
  'lineup',
  'The queue in order, the running turn, the average and the departures: what every waiter’s place derives from (each API replica reads it at most every 250 ms).',
);
/** The waiting participants' ids in order (administrators; up to QUEUE_CAPACITY entries). */
export const queueQuery = describedQuery<string[]>('queue', 'The waiting participants’ ids in order (administrators).');

/** Admin phases (issue #10): close the lobby, announce the beacon, finalise with it. */
export const closeLobbyUpdate = describedUpdate<CeremonyPhaseView, [{ reason: string }]>('closeLobby', 'Admin: close the lobby for good (no joins; the queue drains).');
/** Admin: no joins and no new turn until resumed (the running turn finishes). */
export const pauseUpdate = describedUpdate<CeremonyPhaseView, [{ reason: string }]>('pause', 'Admin: pause (no joins and no new turn until resumed; the running turn finishes).');
export const resumeUpdate = describedUpdate<CeremonyPhaseView, [{ reason: string }]>('resume', 'Admin: end a pause; the next participant is called.');
export const announceBeaconUpdate = describedUpdate<CeremonyPhaseView, [{ source: string; iterations: number }]>(
  'announceBeacon',
  'Admin: announce the beacon (its source and iterations) before its value exists; it cannot change.',
);
export const finaliseUpdate = describedUpdate<CeremonyPhaseView, [{ beaconValueHex: string }]>('finalise', 'Admin: finalise with the beacon value once the queue has drained; the ceremony is final.');
export const recordedOutcomesQuery = describedQuery<TurnOutcome[]>('recordedOutcomes', 'The turn outcomes this run has recorded.');

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
export const enterUpdate = describedUpdate<ParticipantView, [EnterRequest]>('enter', 'The participant enters the lobby (or is answered where it already is); refused under a penalty, ban or limit.');
export const checkinUpdate = describedUpdate<CheckinResponse, [CheckinRequest]>(
  'checkin',
  'A check-in that counts, at the place the ceremony’s snapshot gives: answers the next deadline, or that the turn is ready.',
);
export const leaveUpdate = describedUpdate<ParticipantView, []>('leave', 'The participant leaves the queue of its own accord.');
export const calledSignal = describedSignal<[{ turnId: string; turnWorkflowId: string; sequence: number }]>(
  'called',
  'Ceremony → participant: its turn is open (the turn workflow and contribution number).',
);
export const turnFinishedSignal = describedSignal<
  [{ turnId: string; kind: TurnOutcomeKind; sequence: number; receiptId?: string; receiptKey?: string; failedCheck?: { code: string; message: string } }]
>('turnFinished', 'Turn → participant: how its turn ended (accepted with a receipt, rejected with the failed check, or missed).');
/** Out of the queue from outside the participant: an administrator dropped it (`detail`: the reason recorded). */
export const removedSignal = describedSignal<[{ reason: 'dropped'; detail?: string }]>(
  'removed',
  'Out of the queue from outside the participant: an administrator dropped it (detail: the reason recorded).',
);
export const banSignal = describedSignal<[{ banned: boolean; reason: string }]>('ban', 'Admin: ban the identity (it leaves the queue) or lift its ban.');
export const participantQuery = describedQuery<ParticipantView>('participant', 'The participant as it stands: status, place, deadlines, contributions, receipts, penalties.');

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
export const notifiedSignal = describedSignal<[{ at: number }]>('notified', 'The participant has been told its turn is ready: the start window runs from then.');
/** From the participant when it is called: its next check-in (which will tell it) is due by this time. */
export const checkinDueSignal = describedSignal<[{ by: number }]>('checkinDue', 'From the participant when it is called: its next check-in (which will tell it) is due by this time.');
export const startUpdate = describedUpdate<StartResult, [{ participantId: string }]>(
  'start',
  'contribution/start: the participant begins computing; answers the powers to build on and the compute deadline.',
);
export const completeUpdate = describedUpdate<CompleteResult, [CompleteRequest]>('complete', 'contribution/complete: the uploaded contribution is verified and, if valid, appended with a receipt.');
export const abortUpdate = describedUpdate<{ outcome: TurnOutcomeKind }, [{ participantId: string }]>('abort', 'contribution/abort: the participant gives its turn up.');
export const cancelSignal = describedSignal<[{ reason: string }]>('cancel', 'Cancel the turn (its participant left, was dropped or banned); nobody is struck for it.');
/**
 * Turn → ceremony: the turn's outcome. A signal to the ceremony's workflow id, not a child's result, so
 * that it reaches whichever run is current: the ceremony may continue as new while a turn runs.
 */
export const turnOutcomeSignal = describedSignal<[TurnOutcome]>('turnOutcome', 'Turn → ceremony: the turn’s outcome, sent to the ceremony’s id so it reaches whichever run is current.');
export type TurnState = 'called' | 'computing' | 'verifying' | 'done';
export interface TurnStateView {
  state: TurnState;
  participantId: string;
  sequence: number;
  /** Set once the turn has ended (state done). */
  outcome: TurnOutcomeKind | undefined;
}
export const turnStateQuery = describedQuery<TurnStateView>('turnState', 'The turn’s state (called, computing, verifying, done) and its outcome once done.');

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
