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

/** Average round trip (compute + verification) times the waiters ahead. */
export function expectedWait(averageRoundTripMs: number, waitersAhead: number): number {
  return Math.max(0, Math.round(averageRoundTripMs * waitersAhead));
}

export interface LobbyAnswerInput {
  now: number;
  position: number;
  waitersAhead: number;
  averageRoundTripMs: number;
  /** The interval handed out at the previous check-in; undefined at the first one. */
  previousIntervalMs: number | undefined;
}

/**
 * The answer to a check-in from someone waiting in the lobby (not yet called): its status, expected
 * wait and next deadline. Computed by the participant's workflow near the head and by the API for
 * the rest of the lobby; both must agree, so both call this.
 */
export function lobbyAnswer(timing: SequentialTiming, input: LobbyAnswerInput): CheckinResponse {
  const wait = expectedWait(input.averageRoundTripMs, input.waitersAhead);
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
