// The sequential API's answers, mapped field by field from what the gateway returns (workflow state
// and query results): a view carries the contract's fields (api/contracts/ceremony.ts) and nothing
// else, whatever the workflows add to their own types. Inputs are typed structurally, by the fields
// a view reads, so the workflows' types may grow without the HTTP contract changing.
import type { JWK } from 'jose';
import type { SubCeremonySize } from '../../engine/format/types.js';
import type { Logins } from '../contracts/auth.js';
import type { CeremonyInfo, CeremonyStatus, CheckinAnswer, EnterAnswer, ParticipantView, PhaseView, QueueSnapshotView, SequentialTimingView } from '../contracts/ceremony.js';
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

export function participantView(p: Loose<ParticipantView>): ParticipantView {
  return defined({
    participantId: p.participantId,
    identity: p.identity,
    status: p.status,
    contributions: p.contributions,
    strikes: p.strikes,
    penaltyUntil: p.penaltyUntil,
    removedReason: p.removedReason,
    turnId: p.turnId,
    checkinDeadline: p.checkinDeadline,
    checkinIntervalMs: p.checkinIntervalMs,
    receipts: p.receipts.map((r) => ({ sequence: r.sequence, receiptId: r.receiptId, receiptKey: r.receiptKey })),
    lastOutcome: p.lastOutcome,
  });
}
