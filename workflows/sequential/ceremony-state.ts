// The sequential ceremony's state and the rules that change it, as plain functions over data (no I/O,
// no clock: callers pass `at`). The ceremony workflow owns one CeremonyState; tests drive these
// functions directly. They change the state in place: the queue holds up to QUEUE_CAPACITY entries, and
// copying it at every join would cost more than the workflow task it runs in.
import type { Place } from './checkin-schedule.js';
import type { RemovalReason } from './participant-state.js';
import type { CeremonyPhaseView, CeremonyStats, SequentialTiming, TranscriptHead, TurnOutcome } from './types.js';

export interface QueueEntry {
  participantId: string;
  /** As the transcript records it. */
  identity: string;
}

export interface CeremonyState {
  head: TranscriptHead | null;
  /** Newest record of the hash chain of turn outcomes. */
  lastRecordKey: string | undefined;
  /** Waiting participants in join order (FIFO), the running turn's participant not included. */
  queue: QueueEntry[];
  turnCounter: number;
  /** The latest round trips (compute + verification), newest last, for the average. */
  roundTrips: number[];
  stats: CeremonyStats;
  /** The most recent outcomes, newest last (bounded). */
  outcomes: TurnOutcome[];
  phase: CeremonyPhaseView;
}

/** The turn running now (not carried across continue-as-new: the workflow continues as new between turns). */
export interface RunningTurn extends QueueEntry {
  turnId: string;
  turnWorkflowId: string;
  startedAt: number;
}

/**
 * Most participants the queue holds. The queue is carried through continue-as-new, whose input
 * Temporal refuses above 2 MB: packed (CarriedCeremonyState), 12 000 entries with 68-character
 * identities (the longest a login yields: `dev|` and 64) stay under 1.5 MB
 * (test/unit/ceremony-state.test.ts). The KZG sequencer capped its lobby at 1 000.
 */
export const QUEUE_CAPACITY = 12_000;

/** The state as continue-as-new carries it: queue entries as [participantId, identity] pairs. */
export type CarriedCeremonyState = Omit<CeremonyState, 'queue'> & { queue: Array<[string, string]> };

export function carryCeremonyState(state: CeremonyState): CarriedCeremonyState {
  return { ...state, queue: state.queue.map((e): [string, string] => [e.participantId, e.identity]) };
}

export function resumeCeremonyState(carried: CarriedCeremonyState): CeremonyState {
  return { ...carried, queue: carried.queue.map(([participantId, identity]) => ({ participantId, identity })) };
}
const MAX_OUTCOMES_KEPT = 200;

export function newCeremonyState(): CeremonyState {
  return {
    head: null,
    lastRecordKey: undefined,
    queue: [],
    turnCounter: 0,
    roundTrips: [],
    stats: { accepted: 0, rejected: 0, startMissed: 0, computeTimeouts: 0, aborted: 0, cancelled: 0, leftQueue: 0, removedForMissedCheckin: 0, turns: 0 },
    outcomes: [],
    phase: { phase: 'open' },
  };
}

export function averageRoundTripMs(state: CeremonyState, timing: Pick<SequentialTiming, 'initialRoundTripMs'>): number {
  if (state.roundTrips.length === 0) return timing.initialRoundTripMs;
  return Math.round(state.roundTrips.reduce((a, b) => a + b, 0) / state.roundTrips.length);
}

export function positionOf(state: CeremonyState, participantId: string): number {
  return state.queue.findIndex((e) => e.participantId === participantId);
}

export type JoinRefusal = { code: 'CEREMONY_CLOSED' | 'CEREMONY_PAUSED'; message: string };

/** Takes a join (once: a participant already waiting or holding the turn keeps its place). */
export function enqueue(state: CeremonyState, running: RunningTurn | null, entry: QueueEntry): JoinRefusal | undefined {
  if (running?.participantId === entry.participantId || positionOf(state, entry.participantId) >= 0) return undefined;
  if (state.phase.phase === 'paused') return { code: 'CEREMONY_PAUSED', message: `the ceremony is paused (${state.phase.pausedReason ?? 'no reason given'}); try again later` };
  if (state.phase.phase !== 'open') return { code: 'CEREMONY_CLOSED', message: 'the ceremony is closed to new participants' };
  if (state.queue.length >= QUEUE_CAPACITY) return { code: 'CEREMONY_CLOSED', message: 'the queue is full; try again later' };
  state.queue.push(entry);
  return undefined;
}

/** Where a participant is: holding the turn, at a place in the queue, or neither. */
export type Whereabouts = { kind: 'turn'; turnId: string } | { kind: 'queue'; place: Place } | { kind: 'absent' };

/** The place of the waiter at `index` (0: next in line) while `running` holds the turn (or none does). */
function placeAt(index: number, running: Pick<RunningTurn, 'startedAt'> | null, averageRoundTripMs: number): Place {
  return {
    position: index + 1,
    waitersAhead: index + (running === null ? 0 : 1),
    averageRoundTripMs,
    ...(running === null ? {} : { turnStartedAt: running.startedAt }),
  };
}

export function whereabouts(state: CeremonyState, running: RunningTurn | null, participantId: string, timing: Pick<SequentialTiming, 'initialRoundTripMs'>): Whereabouts {
  if (running?.participantId === participantId) return { kind: 'turn', turnId: running.turnId };
  const index = positionOf(state, participantId);
  return index < 0 ? { kind: 'absent' } : { kind: 'queue', place: placeAt(index, running, averageRoundTripMs(state, timing)) };
}

/**
 * Everything a waiter's place depends on, in one consistent read (lineupQuery): the queue in order,
 * the running turn, the average, and what changes when the queue moves (departures, turns, the phase).
 * An API replica reads it once every 250 ms for all its check-ins and derives each place from it
 * (whereaboutsIn), instead of asking the ceremony once per check-in.
 */
export interface Lineup {
  /** The ceremony workflow's first run (the same across continue-as-new; new if it was ever started afresh). */
  ceremonyRun: string;
  queue: string[];
  running: Pick<RunningTurn, 'participantId' | 'turnId' | 'startedAt'> | null;
  averageRoundTripMs: number;
  leftQueue: number;
  removedForMissedCheckin: number;
  turns: number;
  phase: CeremonyPhaseView['phase'];
}

export function lineupOf(state: CeremonyState, running: RunningTurn | null, timing: Pick<SequentialTiming, 'initialRoundTripMs'>, ceremonyRun: string): Lineup {
  return {
    ceremonyRun,
    queue: state.queue.map((e) => e.participantId),
    running: running === null ? null : { participantId: running.participantId, turnId: running.turnId, startedAt: running.startedAt },
    averageRoundTripMs: averageRoundTripMs(state, timing),
    leftQueue: state.stats.leftQueue,
    removedForMissedCheckin: state.stats.removedForMissedCheckin,
    turns: state.stats.turns,
    phase: state.phase.phase,
  };
}

/**
 * The queue's mark: what every waiter's place and estimate depend on besides its own record
 * (departures, turns, the running turn, the average, the phase, the ceremony's run). A join is not in
 * it: a join moves no one. While it stays the same, so does every waiter's answer (checkin-token.ts).
 */
export function queueMarkOf(lineup: Lineup): string {
  return [lineup.ceremonyRun, lineup.leftQueue, lineup.removedForMissedCheckin, lineup.turns, lineup.running?.turnId ?? '-', lineup.averageRoundTripMs, lineup.phase].join('/');
}

/** whereabouts, read from a lineup; `indexOf` gives a participant's index in `lineup.queue` (-1: not there). */
export function whereaboutsIn(lineup: Lineup, participantId: string, indexOf: (participantId: string) => number): Whereabouts {
  if (lineup.running?.participantId === participantId) return { kind: 'turn', turnId: lineup.running.turnId };
  const index = indexOf(participantId);
  return index < 0 ? { kind: 'absent' } : { kind: 'queue', place: placeAt(index, lineup.running, lineup.averageRoundTripMs) };
}

/** Takes a participant out of the queue; false when it was not waiting there. */
export function dequeue(state: CeremonyState, participantId: string, reason: RemovalReason): boolean {
  const index = positionOf(state, participantId);
  if (index < 0) return false;
  state.queue.splice(index, 1);
  if (reason === 'missed-checkin') state.stats.removedForMissedCheckin += 1;
  else state.stats.leftQueue += 1;
  return true;
}

/** Whether a new turn may open: someone waits and the ceremony is not paused. */
export function turnMayOpen(state: CeremonyState): boolean {
  return state.queue.length > 0 && state.phase.phase !== 'paused';
}

/** Opens the next turn for the participant at the front of the queue (undefined when none waits or paused). */
export function openNextTurn(state: CeremonyState, at: number, turnWorkflowIdOf: (turnId: string) => string): RunningTurn | undefined {
  if (!turnMayOpen(state)) return undefined;
  const next = state.queue.shift();
  if (next === undefined) return undefined;
  state.turnCounter += 1;
  const turnId = `turn-${state.turnCounter}`;
  return { ...next, turnId, turnWorkflowId: turnWorkflowIdOf(turnId), startedAt: at };
}

const STAT_OF_OUTCOME: Record<TurnOutcome['kind'], keyof CeremonyStats> = {
  accepted: 'accepted',
  rejected: 'rejected',
  'start-missed': 'startMissed',
  'compute-timeout': 'computeTimeouts',
  aborted: 'aborted',
  cancelled: 'cancelled',
};

/** A turn's outcome: the statistics, the new head when accepted, the round-trip average, the chain. */
export function applyOutcome(state: CeremonyState, outcome: TurnOutcome, timing: Pick<SequentialTiming, 'roundTripWindow'>): void {
  state.stats.turns += 1;
  state.stats[STAT_OF_OUTCOME[outcome.kind]] += 1;
  if (outcome.recordKey !== undefined) state.lastRecordKey = outcome.recordKey;
  if (outcome.kind === 'accepted' && outcome.head !== undefined) state.head = outcome.head;
  if (outcome.roundTripMs !== undefined) {
    state.roundTrips.push(outcome.roundTripMs);
    state.roundTrips.splice(0, Math.max(0, state.roundTrips.length - timing.roundTripWindow));
  }
  state.outcomes.push(outcome);
  state.outcomes.splice(0, Math.max(0, state.outcomes.length - MAX_OUTCOMES_KEPT));
}

/** Why finalising is refused now, or undefined when it may proceed. */
export function finaliseRefusal(state: CeremonyState, running: RunningTurn | null, finalising: boolean, announcing: boolean): string | undefined {
  const { phase } = state;
  if (phase.phase === 'final') return 'the ceremony is already final';
  if (phase.phase !== 'closed') return 'close the lobby first (POST /admin/close)';
  if (phase.beacon === undefined || announcing) return 'announce the beacon first (POST /admin/beacon), before its value exists';
  if (running !== null || state.queue.length > 0) return `the queue has not drained yet (${state.queue.length} waiting${running === null ? '' : ', one contributing'})`;
  if (finalising || state.head === null) return 'the ceremony is already being finalised';
  return undefined;
}
