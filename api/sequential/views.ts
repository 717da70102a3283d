// The sequential API's answers, mapped field by field from what the gateway returns (workflow state
// and query results): a view carries the contract's fields (api/contracts/ceremony.ts) and nothing
// else, whatever the workflows add to their own types. Inputs are typed structurally, by the fields
// a view reads, so the workflows' types may grow without the HTTP contract changing.
import type { JWK } from 'jose';
import type { SubCeremonySize } from '../../engine/format/types.js';
import type { Logins } from '../contracts/auth.js';
import {
  SETBACK_CODES,
  type CeremonyInfo,
  type CeremonyStatus,
  type CheckinAnswer,
  type EnterAnswer,
  type ParticipantReason,
  type ParticipantView,
  type PhaseView,
  type QueueSnapshotView,
  type SequentialTimingView,
} from '../contracts/ceremony.js';
import type { CheckinResponse } from '../../workflows/sequential/types.js';
import { accessView } from '../access-view.js';

/** Optional fields as the workflows hold them: present with undefined, or absent. */
type Loose<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | undefined : T[K] };

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Leaves out the fields that are undefined (JSON would drop them anyway; the view never carries them). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function phaseView(p: Loose<PhaseView>): PhaseView {
  const beacon = p.beacon === undefined ? undefined : defined({ announcement: { ...p.beacon.announcement }, final: p.beacon.final === undefined ? undefined : { ...p.beacon.final } });
  return defined({ phase: p.phase, pausedAt: p.pausedAt, pausedReason: p.pausedReason, closedAt: p.closedAt, closedReason: p.closedReason, beacon });
}

export function timingView(t: SequentialTimingView): SequentialTimingView {
  return {
    firstCheckinLeadMs: t.firstCheckinLeadMs,
    maxCheckinIntervalMs: t.maxCheckinIntervalMs,
    halvingBelowWaitMs: t.halvingBelowWaitMs,
    minCheckinIntervalMs: t.minCheckinIntervalMs,
    checkinGraceMs: t.checkinGraceMs,
    startWindowMs: t.startWindowMs,
    computeDeadlineMs: t.computeDeadlineMs,
    initialRoundTripMs: t.initialRoundTripMs,
    roundTripWindow: t.roundTripWindow,
    rejoinPenaltyMs: t.rejoinPenaltyMs,
    abortPenaltyMs: t.abortPenaltyMs,
    verificationTimeoutMs: t.verificationTimeoutMs,
  };
}

export interface InfoSource {
  settings: { ceremonyId: string; sizes: readonly SubCeremonySize[]; contributionsPerIdentity: number; timing: SequentialTimingView };
  phase: Loose<PhaseView> | undefined;
  receiptKeys: readonly JWK[];
  logins: Logins;
}

export function ceremonyInfoView({ settings, phase, receiptKeys, logins }: InfoSource): CeremonyInfo {
  return defined({
    ceremonyId: settings.ceremonyId,
    mode: 'sequential' as const,
    sizes: settings.sizes.map((s) => ({ numG1Powers: s.numG1Powers, numG2Powers: s.numG2Powers })),
    contributionsPerIdentity: settings.contributionsPerIdentity,
    timing: timingView(settings.timing),
    ...accessView(receiptKeys, logins),
    phase: phase === undefined ? undefined : phaseView(phase),
  });
}

type Stats = CeremonyStatus['stats'];
export function statsView(s: Stats): Stats {
  return {
    accepted: s.accepted,
    rejected: s.rejected,
    startMissed: s.startMissed,
    computeTimeouts: s.computeTimeouts,
    aborted: s.aborted,
    cancelled: s.cancelled,
    leftQueue: s.leftQueue,
    removedForMissedCheckin: s.removedForMissedCheckin,
    turns: s.turns,
  };
}

/** What the status and snapshot views read of the ceremony's queue snapshot. */
export interface SnapshotSource {
  ceremonyId: string;
  queueLength: number;
  current: { participantId: string; turnId: string; startedAt: number } | null;
  head: { sequence: number; transcriptKey: string; transcriptSha256: string; powersKey: string } | null;
  lastRecordKey?: string | undefined;
  averageRoundTripMs: number;
  stats: Stats;
  phase: Loose<PhaseView>;
}

export function ceremonyStatusView(s: SnapshotSource): CeremonyStatus {
  return {
    ceremonyId: s.ceremonyId,
    mode: 'sequential',
    queueLength: s.queueLength,
    contributing: s.current === null ? null : { turnId: s.current.turnId, startedAt: iso(s.current.startedAt) },
    sequence: s.head?.sequence ?? 0,
    transcriptSha256: s.head?.transcriptSha256 ?? null,
    averageRoundTripMs: s.averageRoundTripMs,
    stats: statsView(s.stats),
    phase: phaseView(s.phase),
  };
}

/** The admin's view: the snapshot and the queue itself (participant ids in order, a query of its own). */
export function queueSnapshotView(s: SnapshotSource, queue: readonly string[]): QueueSnapshotView {
  return defined({
    ceremonyId: s.ceremonyId,
    queue: [...queue],
    queueLength: s.queueLength,
    current: s.current === null ? null : { participantId: s.current.participantId, turnId: s.current.turnId, startedAt: s.current.startedAt },
    head: s.head === null ? null : { sequence: s.head.sequence, transcriptKey: s.head.transcriptKey, transcriptSha256: s.head.transcriptSha256, powersKey: s.head.powersKey },
    lastRecordKey: s.lastRecordKey,
    averageRoundTripMs: s.averageRoundTripMs,
    stats: statsView(s.stats),
    phase: phaseView(s.phase),
  });
}

/** A check-in answer as the gateway gives it (instants in milliseconds): the workflows' type, declared once. */
export type CheckinSource = CheckinResponse;

export function checkinView(r: CheckinSource): CheckinAnswer {
  return defined({
    status: r.status,
    position: r.position,
    waitersAhead: r.waitersAhead,
    expectedWaitMs: r.expectedWaitMs,
    expectedStartAt: iso(r.expectedStartAt),
    averageRoundTripMs: r.averageRoundTripMs,
    nextDeadline: iso(r.nextDeadline),
    nextDeadlineMs: r.nextDeadline,
    checkinIntervalMs: r.checkinIntervalMs,
    turnId: r.turnId,
  });
}

export function enterView(r: CheckinSource & { participantId: string }): EnterAnswer {
  return { ...checkinView(r), participantId: r.participantId };
}

type SetbackCode = ParticipantReason['code'];

const SETBACK_TEXT: Record<SetbackCode, string> = {
  left: 'you left the queue',
  'missed-checkin': 'you were removed from the queue: a check-in deadline passed without a check-in',
  dropped: 'an administrator removed you from the queue or from your turn',
  banned: 'an administrator banned this identity from the ceremony',
  'start-missed': 'your turn went to the next participant: contribution/start did not come within the start window',
  'compute-timeout': 'your turn went to the next participant: no contribution was uploaded before the compute deadline',
  rejected: 'your contribution failed verification and was rejected',
  aborted: 'you gave up your turn',
  cancelled: 'the coordinator cancelled your turn',
};

/** What a person is told: what happened, what was recorded with it, and until when it holds. Pure. */
export function setbackMessage(code: SetbackCode, detail: string | undefined, until: number | undefined): string {
  const parts = [SETBACK_TEXT[code]];
  if (detail !== undefined && detail !== '') parts.push(code === 'rejected' ? `(${detail})` : `(reason: ${detail})`);
  let text = parts.join(' ');
  if (code === 'banned') text += '; the ban lasts until an administrator lifts it';
  else if (until !== undefined) text += `; you may join again from ${iso(until)}`;
  return text;
}

/**
 * The reason view from the workflow's setback: the code, the message, and `until` (the rejoin penalty,
 * when one was set by this setback or later). An unknown code (a newer workflow) shows as cancelled.
 */
export function reasonView(setback: { code: string; at: number; detail?: string | undefined } | undefined, penaltyUntil: number | undefined): ParticipantReason | undefined {
  if (setback === undefined) return undefined;
  const code: SetbackCode = (SETBACK_CODES as readonly string[]).includes(setback.code) ? (setback.code as SetbackCode) : 'cancelled';
  const until = code !== 'banned' && penaltyUntil !== undefined && penaltyUntil >= setback.at ? penaltyUntil : undefined;
  return defined({ code, message: setbackMessage(code, setback.detail, until), detail: setback.detail, at: setback.at, until });
}

/** The participant as the workflows hold it: the contract's fields, with the setback in place of the reason view. */
export type ParticipantSource = Loose<Omit<ParticipantView, 'reason'>> & { setback?: { code: string; at: number; detail?: string | undefined } | undefined };

export function participantView(p: ParticipantSource): ParticipantView {
  return defined({
    participantId: p.participantId,
    identity: p.identity,
    status: p.status,
    contributions: p.contributions,
    strikes: p.strikes,
    penaltyUntil: p.penaltyUntil,
    removedReason: p.removedReason,
    reason: reasonView(p.setback, p.penaltyUntil),
    turnId: p.turnId,
    checkinDeadline: p.checkinDeadline,
    checkinIntervalMs: p.checkinIntervalMs,
    receipts: p.receipts.map((r) => ({ sequence: r.sequence, receiptId: r.receiptId, receiptKey: r.receiptKey })),
    lastOutcome: p.lastOutcome,
  });
}
