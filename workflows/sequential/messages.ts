// Signals, updates and queries of the sequential-mode workflows. The API imports these definitions
// to address the workflows; the workflows implement them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CeremonyPhaseView, CheckinResponse, ParticipantView, QueueSnapshot, TranscriptHead, TurnOutcome, TurnOutcomeKind } from './types.js';

// ceremony workflow
export interface JoinRequest {
  participantId: string;
  participantWorkflowId: string;
  identity: string;
}
export interface JoinResult {
  position: number;
  waitersAhead: number;
  averageRoundTripMs: number;
  turnId: string | undefined;
  /** The join's place in join order (0 when called at once); compare with QueueSnapshot.lastTicket. */
  ticket: number;
  /** Set when this join was refused (in a batch, the others still join). */
  refused?: { code: 'CEREMONY_CLOSED'; message: string };
}
export const joinUpdate = defineUpdate<JoinResult, [JoinRequest]>('join');
/** Many joins in one update (the API batches concurrent enters): one result per request, in order. */
export const joinBatchUpdate = defineUpdate<JoinResult[], [JoinRequest[]]>('joinBatch');
export const leaveQueueSignal = defineSignal<[{ participantId: string; reason: 'left' | 'missed-checkin' | 'banned' | 'dropped' }]>('leaveQueue');
export const snapshotQuery = defineQuery<QueueSnapshot>('snapshot');

/** Admin phases (issue #10): close the lobby, announce the beacon, finalise with it. */
export const closeLobbyUpdate = defineUpdate<CeremonyPhaseView, [{ reason: string }]>('closeLobby');
export const announceBeaconUpdate = defineUpdate<CeremonyPhaseView, [{ source: string; iterations: number }]>('announceBeacon');
export const finaliseUpdate = defineUpdate<CeremonyPhaseView, [{ beaconValueHex: string }]>('finalise');
export const recordedOutcomesQuery = defineQuery<TurnOutcome[]>('recordedOutcomes');

// participant workflow
export interface EnterRequest {
  identity: string;
  now: number;
}
export interface CheckinRequest {
  position: number;
  waitersAhead: number;
  averageRoundTripMs: number;
  first: boolean;
  /** The interval handed out at the previous check-in, when the caller knows it (the lobby table does). */
  previousIntervalMs?: number;
}
export const enterUpdate = defineUpdate<ParticipantView, [EnterRequest]>('enter');
export const checkinUpdate = defineUpdate<CheckinResponse, [CheckinRequest]>('checkin');
export const leaveUpdate = defineUpdate<ParticipantView, []>('leave');
export const calledSignal = defineSignal<[{ turnId: string; turnWorkflowId: string; sequence: number }]>('called');
export const turnFinishedSignal = defineSignal<[{ turnId: string; kind: TurnOutcomeKind; sequence: number; receiptId?: string; receiptKey?: string }]>('turnFinished');
export const joinFailedSignal = defineSignal<[{ reason: string }]>('joinFailed');
export const banSignal = defineSignal<[{ banned: boolean; reason: string }]>('ban');
export const participantQuery = defineQuery<ParticipantView>('participant');
/** From the participant's lobby shard: no check-in came by `deadline` plus the grace allowance. */
export const missedCheckinSignal = defineSignal<[{ deadline: number; at: number }]>('missedCheckin');

// lobby shard workflows (the liveness table)
/** One answered check-in: the participant must check in again by `deadline`. */
export interface LivenessEntry {
  participantId: string;
  /** When the check-in was answered. */
  at: number;
  deadline: number;
  intervalMs: number;
  /** The participant's join ticket (see JoinResult). */
  ticket: number;
  /** The status the answer gave. */
  status: 'waiting' | 'queued';
}
/**
 * A batch of answered check-ins, sent by the API to the lobby epoch of the moment (signal-with-start):
 * the API answers once the signal is in the workflow's history.
 */
export const checkinsSignal = defineSignal<[LivenessEntry[]]>('checkinBatch');
/** A participant who left the lobby at `at` (by the sender's clock); the turn when it was called and not yet told. */
export interface LobbyDeparture {
  participantId: string;
  turnWorkflowId?: string;
  at: number;
}
/** What one lobby epoch hands to the next: its table and its recent departures. */
export interface LobbyHandover {
  entries: LivenessEntry[];
  departures: LobbyDeparture[];
}
/** From the previous lobby epoch, when this one was already running (also what came after its hand-over). */
export const lobbyHandoverSignal = defineSignal<[LobbyHandover]>('lobbyHandover');
/**
 * From a participant's workflow when it leaves the lobby: called (then the turn learns the deadline the
 * shard holds), or left, banned or dropped; `at` by the workflow's clock.
 */
export const lobbyLeftSignal = defineSignal<[LobbyDeparture]>('lobbyLeft');
export const livenessQuery = defineQuery<LivenessEntry | null, [string]>('liveness');

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
export function completeRefusal(
  state: TurnState,
  outcome: TurnOutcomeKind | undefined,
  computeDeadlineMs: number,
): { code: CompleteRefusalCode; message: string } | undefined {
  if (state === 'computing') return undefined;
  if (state === 'called') return { code: 'NO_CONTRIBUTION_IN_PROGRESS', message: 'call contribution/start first' };
  if (state === 'verifying' || outcome === 'accepted' || outcome === 'rejected') {
    return { code: 'CONTRIBUTION_ALREADY_COMPLETED', message: 'this contribution was already completed' };
  }
  if (outcome === 'compute-timeout') return { code: 'DEADLINE_MISSED', message: `the compute deadline of ${computeDeadlineMs / 1000} s has passed` };
  return { code: 'NO_CONTRIBUTION_IN_PROGRESS', message: `this turn is over (${outcome ?? state})` };
}
