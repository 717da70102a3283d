// Types shared by the sequential-mode workflows, the activities and the API. Pure data only.
import type { SubCeremonySize } from '../../engine/format/types.js';
import type { PulseSettings } from '../availability/outages.js';

/** Declared once, by the configuration schema (common/ceremony-config.ts); a type-only import, erased from the workflow bundle. */
import type { SequentialTiming } from '../../common/ceremony-config.js';
export type { SequentialTiming };

/** Declared once, by the engine. */
export type { SubCeremonySize };

export interface SequentialSettings {
  ceremonyId: string;
  sizes: SubCeremonySize[];
  contributionsPerIdentity: number;
  timing: SequentialTiming;
  /** How the coordinator knows its own outages (workflows/availability/outages.ts). */
  pulse: PulseSettings;
  verificationTaskQueue: string;
  workflowTaskQueue: string;
  /** Whether the custom search attributes exist on the cluster (common/search-attributes.ts); absent in older inputs: off. */
  searchAttributes?: boolean;
}

/**
 * What a participant workflow needs of the settings (not the sizes: only the ceremony and its turns
 * touch powers). Inputs written before this type existed carry all of SequentialSettings, a superset.
 */
export const PARTICIPANT_SETTINGS_KEYS = ['ceremonyId', 'contributionsPerIdentity', 'timing', 'pulse', 'workflowTaskQueue', 'searchAttributes'] as const satisfies ReadonlyArray<
  keyof SequentialSettings
>;
export type ParticipantSettings = Pick<SequentialSettings, (typeof PARTICIPANT_SETTINGS_KEYS)[number]>;

/** The current verified state of the ceremony: where its transcript lives. */
export interface TranscriptHead {
  /** Number of contributions in the transcript. */
  sequence: number;
  /** Object key of the full BatchTranscript JSON. */
  transcriptKey: string;
  transcriptSha256: string;
  /** Object key of the BatchContribution JSON holding the current powers (what `start` hands out). */
  powersKey: string;
}

export type TurnOutcomeKind = 'accepted' | 'rejected' | 'start-missed' | 'compute-timeout' | 'aborted' | 'cancelled';

export interface TurnOutcome {
  kind: TurnOutcomeKind;
  turnId: string;
  participantId: string;
  /** Set when accepted. */
  head?: TranscriptHead;
  receiptKey?: string;
  receiptId?: string;
  /** Set when rejected: the failed check's code and message. */
  failedCheck?: { code: string; message: string };
  /** Key of the record written for this outcome. */
  recordKey?: string;
  startedAt?: number;
  finishedAt: number;
  /** compute + verification, for the round-trip average (accepted and rejected turns). */
  roundTripMs?: number;
}

export type ParticipantStatus = 'idle' | 'waiting' | 'queued' | 'ready' | 'contributed' | 'banned';

export interface ParticipantView {
  participantId: string;
  identity: string;
  status: ParticipantStatus;
  contributions: number;
  strikes: number;
  penaltyUntil: number | undefined;
  removedReason: string | undefined;
  /** Why it last lost its place or its turn (participant-state.ts Setback). */
  setback: { code: string; at: number; detail?: string } | undefined;
  turnId: string | undefined;
  checkinDeadline: number | undefined;
  checkinIntervalMs: number | undefined;
  /** When the check-in that set the deadline was answered (while waiting). */
  lastCheckinAt: number | undefined;
  receipts: Array<{ sequence: number; receiptId: string; receiptKey: string }>;
  lastOutcome: TurnOutcomeKind | undefined;
}

export interface CheckinResponse {
  status: 'waiting' | 'queued' | 'ready';
  position: number;
  waitersAhead: number;
  expectedWaitMs: number;
  expectedStartAt: number;
  averageRoundTripMs: number;
  nextDeadline: number;
  checkinIntervalMs: number;
  turnId: string | undefined;
}

/** A beacon announced before its value exists: where the value will come from, and how it is stretched. */
export interface BeaconAnnouncement {
  source: string;
  iterations: number;
  announcedAt: number;
  recordKey: string;
}

export interface BeaconFinal {
  beaconValueHex: string;
  digestHex: string;
  iterations: number;
  /** The beacon's contribution number in the transcript. */
  sequence: number;
  recordKey: string;
}

/**
 * The ceremony's phase: open (anyone may join), closed (no new joins; the queue drains), final (the
 * beacon contribution is the last one; nothing changes any more).
 */
export interface CeremonyPhaseView {
  /** paused: no joins and no new turn (the running one finishes); waiting participants keep their places. */
  phase: 'open' | 'paused' | 'closed' | 'final';
  pausedAt?: number;
  pausedReason?: string;
  closedAt?: number;
  closedReason?: string;
  beacon?: { announcement: BeaconAnnouncement; final?: BeaconFinal };
}

export interface QueueSnapshot {
  ceremonyId: string;
  queueLength: number;
  current: { participantId: string; turnId: string; startedAt: number } | null;
  head: TranscriptHead | null;
  /** Newest record of the hash chain of turn outcomes. */
  lastRecordKey: string | undefined;
  averageRoundTripMs: number;
  stats: CeremonyStats;
  phase: CeremonyPhaseView;
}

export interface CeremonyStats {
  accepted: number;
  rejected: number;
  startMissed: number;
  computeTimeouts: number;
  aborted: number;
  cancelled: number;
  leftQueue: number;
  removedForMissedCheckin: number;
  turns: number;
}
