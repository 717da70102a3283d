// Signals, updates and queries of the sequential-mode workflows. The API imports these definitions
// to address the workflows; the workflows implement them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CheckinResponse, ParticipantView, QueueSnapshot, TranscriptHead, TurnOutcome, TurnOutcomeKind } from './types.js';

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
}
export const joinUpdate = defineUpdate<JoinResult, [JoinRequest]>('join');
export const leaveQueueSignal = defineSignal<[{ participantId: string; reason: 'left' | 'missed-checkin' | 'banned' | 'dropped' }]>('leaveQueue');
export const snapshotQuery = defineQuery<QueueSnapshot>('snapshot');
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
}
export const enterUpdate = defineUpdate<ParticipantView, [EnterRequest]>('enter');
export const checkinUpdate = defineUpdate<CheckinResponse, [CheckinRequest]>('checkin');
export const leaveUpdate = defineUpdate<ParticipantView, []>('leave');
export const calledSignal = defineSignal<[{ turnId: string; turnWorkflowId: string; sequence: number }]>('called');
export const turnFinishedSignal = defineSignal<[{ turnId: string; kind: TurnOutcomeKind; sequence: number; receiptId?: string; receiptKey?: string }]>('turnFinished');
export const joinFailedSignal = defineSignal<[{ reason: string }]>('joinFailed');
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
export const startUpdate = defineUpdate<StartResult, [{ participantId: string }]>('start');
export const completeUpdate = defineUpdate<CompleteResult, [CompleteRequest]>('complete');
export const abortUpdate = defineUpdate<{ outcome: TurnOutcomeKind }, [{ participantId: string }]>('abort');
export const cancelSignal = defineSignal<[{ reason: string }]>('cancel');
export const turnStateQuery = defineQuery<{ state: string; participantId: string; sequence: number }>('turnState');
