// The seed's check-in schedule, as pure functions (used inside workflow code: no I/O, no clock).
//
// - The first deadline is `firstCheckinLeadMs` (2 h) before the estimated start, whenever that moment
//   is still ahead (but never sooner than `minCheckinIntervalMs`); when the start is nearer, the
//   rules below apply from the first check-in on.
// - After that, check-ins come every min(maxCheckinIntervalMs (1 h), half the expected wait).
// - Once the expected wait is under `halvingBelowWaitMs` (1 h), each interval is half the previous
//   one, down to `minCheckinIntervalMs` (5 s).
// - The head of the queue (next in line, while the participant ahead computes) polls at
//   `minCheckinIntervalMs` (the seed's 5 s), so it hears at once that its turn has come.
// The deadline returned is when the next check-in is due; removal happens `checkinGraceMs` later.
import type { CheckinResponse, SequentialTiming } from './types.js';

export interface ScheduleInput {
  now: number;
  expectedWaitMs: number;
  /** The interval handed out at the previous check-in; undefined at the first one. */
  previousIntervalMs: number | undefined;
  /** True for the participant next in line (position 1). */
  atHead?: boolean;
}

export interface ScheduleResult {
  deadline: number;
  intervalMs: number;
}

export function nextCheckin(timing: SequentialTiming, input: ScheduleInput): ScheduleResult {
  const wait = Math.max(0, input.expectedWaitMs);
  const floor = timing.minCheckinIntervalMs;
  if (input.atHead === true) return { deadline: input.now + floor, intervalMs: floor };
  const regular = Math.max(floor, Math.min(timing.maxCheckinIntervalMs, Math.floor(wait / 2)));
  if (input.previousIntervalMs === undefined) {
    const lead = wait - timing.firstCheckinLeadMs;
    if (lead > 0) return { deadline: input.now + Math.max(floor, lead), intervalMs: regular };
    return { deadline: input.now + regular, intervalMs: regular };
  }
  if (wait < timing.halvingBelowWaitMs) {
    const halved = Math.max(floor, Math.floor(Math.min(input.previousIntervalMs, regular * 2) / 2));
    return { deadline: input.now + halved, intervalMs: halved };
  }
  return { deadline: input.now + regular, intervalMs: regular };
}

/**
 * The expected wait (seed 002): the average round trip (compute + verification) for every waiter ahead,
 * except the turn running now, which counts only what is left of its average (`turnElapsedMs` into
 * it). So the estimated start stays put while nothing changes, and moves only when the queue or the
 * average does (or when the running turn outlasts the average: then it is "any moment").
 */
export function expectedWait(averageRoundTripMs: number, waitersAhead: number, turnElapsedMs?: number): number {
  if (waitersAhead <= 0) return 0;
  const runningTurn = turnElapsedMs === undefined ? 0 : Math.max(0, averageRoundTripMs - turnElapsedMs) - averageRoundTripMs;
  return Math.max(0, Math.round(averageRoundTripMs * waitersAhead + runningTurn));
}

/** Where the ceremony places a participant in its queue (its snapshot may be a moment old). */
export interface Place {
  /** 1 for the next in line. */
  position: number;
  /** Everyone ahead, the turn running now included. */
  waitersAhead: number;
  averageRoundTripMs: number;
  /** When the turn running now started (absent when none runs). */
  turnStartedAt?: number;
}

export interface LobbyAnswerInput extends Place {
  now: number;
  /** The interval handed out at the previous check-in; undefined at the first one. */
  previousIntervalMs: number | undefined;
}

/**
 * The answer to a check-in from someone waiting in the lobby (not yet called): its status, expected
 * wait and next deadline (participant-state.ts applies it).
 */
export function lobbyAnswer(timing: SequentialTiming, input: LobbyAnswerInput): CheckinResponse {
  const wait = expectedWait(input.averageRoundTripMs, input.waitersAhead, input.turnStartedAt === undefined ? undefined : input.now - input.turnStartedAt);
  const next = nextCheckin(timing, {
    now: input.now,
    expectedWaitMs: wait,
    previousIntervalMs: input.previousIntervalMs,
    atHead: input.position <= 1 || input.waitersAhead === 0,
  });
  return {
    status: wait < timing.halvingBelowWaitMs ? 'queued' : 'waiting',
    position: input.position,
    waitersAhead: input.waitersAhead,
    expectedWaitMs: wait,
    expectedStartAt: input.now + wait,
    averageRoundTripMs: input.averageRoundTripMs,
    nextDeadline: next.deadline,
    checkinIntervalMs: next.intervalMs,
    turnId: undefined,
  };
}
