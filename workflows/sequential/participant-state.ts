// The state of one participant (one identity) in a sequential ceremony and every rule that changes
// it, as pure functions: no I/O, no clock (the caller passes `at`). The participant workflow owns one
// ParticipantState, applies events to it and carries out the effects the rules return; tests drive
// these functions directly. The participant's check-in deadline lives here and nowhere else.
import { lobbyAnswer, type Place } from './checkin-schedule.js';
import type { CheckinResponse, ParticipantView, SequentialTiming, TurnOutcomeKind } from './types.js';

/** Where the participant stands; each status carries only what holds in it. */
export type Standing =
  | { status: 'idle' }
  /** Waiting in the lobby: it must check in again by `deadline` (removal at deadline + grace). */
  | { status: 'waiting' | 'queued'; deadline: number; intervalMs: number; answeredAt: number }
  /** Called: its turn runs; it learns so at its next check-in, and must then start in time. */
  | { status: 'ready'; turnId: string; turnWorkflowId: string; deadline: number | undefined; intervalMs: number | undefined }
  | { status: 'contributed' }
  | { status: 'banned'; reason: string };

export type RemovalReason = 'left' | 'missed-checkin' | 'dropped' | 'banned';

/**
 * Why the participant last lost its place in the queue or its turn (or was refused one): a stable
 * code, when, and what was recorded with it (an administrator's reason, the failed check). The API
 * shows it, with until when the participant may not rejoin, so the person is told why.
 */
export type SetbackCode = RemovalReason | Exclude<TurnOutcomeKind, 'accepted'>;
export interface Setback {
  code: SetbackCode;
  at: number;
  detail?: string;
}

export interface ParticipantState {
  participantId: string;
  identity: string;
  standing: Standing;
  contributions: number;
  strikes: number;
  penaltyUntil: number | undefined;
  removedReason: RemovalReason | undefined;
  /** The latest setback (absent in states carried over from before it existed); cleared when it joins again. */
  setback?: Setback | undefined;
  receipts: Array<{ sequence: number; receiptId: string; receiptKey: string }>;
  lastOutcome: TurnOutcomeKind | undefined;
}

export interface ParticipantRules {
  timing: SequentialTiming;
  contributionsPerIdentity: number;
}

export type { Place };

export type ParticipantEvent =
  | { type: 'enter'; identity: string; at: number }
  /** A check-in that counts: `first` right after joining the queue. */
  | { type: 'checkin'; place: Place; first: boolean; at: number }
  | { type: 'leave'; at: number }
  /** The deadline plus the grace allowance passed while the coordinator could hear the participant. */
  | { type: 'missed'; at: number }
  /** Taken out of the queue, or off its turn, by an administrator (`detail`: the reason recorded). */
  | { type: 'removed'; reason: 'dropped'; detail?: string; at: number }
  | { type: 'called'; turnId: string; turnWorkflowId: string }
  | { type: 'turnFinished'; turnId: string; kind: TurnOutcomeKind; sequence: number; receiptId?: string; receiptKey?: string; failedCheck?: { code: string; message: string }; at: number }
  | { type: 'ban'; banned: boolean; reason: string; at: number };

export type RecordKind = 'left' | 'missed-checkin' | 'banned' | 'unbanned';

export type ParticipantEffect =
  /** Tell the ceremony the participant is out of its queue. */
  | { type: 'leaveQueue'; reason: 'left' | 'missed-checkin' | 'banned' }
  | { type: 'record'; kind: RecordKind; detail?: string }
  /** Tell the turn the participant has heard it is called (its start window counts from here). */
  | { type: 'notifyTurn'; turnWorkflowId: string; at: number }
  /** Tell the turn when the participant's next check-in, which will tell it, is due. */
  | { type: 'checkinDue'; turnWorkflowId: string; by: number };

export interface Applied {
  state: ParticipantState;
  effects: ParticipantEffect[];
}

/** A refusal, with the API's error code. */
export interface Refusal {
  code: 'BANNED' | 'ALREADY_CONTRIBUTED' | 'PENALTY_ACTIVE' | 'DEADLINE_MISSED' | 'NOT_IN_QUEUE';
  message: string;
  details?: Record<string, unknown>;
}

export function newParticipant(participantId: string): ParticipantState {
  return {
    participantId,
    identity: '',
    standing: { status: 'idle' },
    contributions: 0,
    strikes: 0,
    penaltyUntil: undefined,
    removedReason: undefined,
    setback: undefined,
    receipts: [],
    lastOutcome: undefined,
  };
}

export const inLobby = (s: Standing): s is Extract<Standing, { status: 'waiting' | 'queued' }> => s.status === 'waiting' || s.status === 'queued';

/** When the participant is removed unless it checks in (undefined when it is not waiting). */
export function removalAt(state: ParticipantState, timing: Pick<SequentialTiming, 'checkinGraceMs'>): number | undefined {
  return inLobby(state.standing) ? state.standing.deadline + timing.checkinGraceMs : undefined;
}

/**
 * A check-in that changes nothing: the participant waits, and its deadline is more than half an
 * interval away. The API answers it from the participant's view (a query), with the same deadline, and
 * nothing is written. Only a check-in in the second half of the interval renews the deadline, so a
 * client checking in every second costs the coordinator no history and cannot drive its own interval
 * down to the floor (each renewal under an hour's wait halves it).
 */
export function checkinIsEarly(view: ParticipantView, at: number): boolean {
  const { status, checkinDeadline, checkinIntervalMs } = view;
  if ((status !== 'waiting' && status !== 'queued') || checkinDeadline === undefined || checkinIntervalMs === undefined) return false;
  return at < earlyUntil(checkinDeadline, checkinIntervalMs);
}

/** Until when a check-in changes nothing, for a deadline given with this interval: its first half. */
export function earlyUntil(deadline: number, intervalMs: number): number {
  return deadline - intervalMs / 2;
}

/** " (reason: …)" when the setback recorded one (an administrator's reason, a failed check). */
function recordedReason(state: ParticipantState, code: SetbackCode): string {
  const detail = state.setback?.code === code ? state.setback.detail : undefined;
  return detail === undefined || detail === '' ? '' : ` (reason: ${detail})`;
}

export function enterRefusal(state: ParticipantState, rules: ParticipantRules, at: number): Refusal | undefined {
  if (state.standing.status === 'banned') return { code: 'BANNED', message: `this identity is banned from the ceremony${recordedReason(state, 'banned')}` };
  if (state.contributions >= rules.contributionsPerIdentity) {
    return { code: 'ALREADY_CONTRIBUTED', message: `this identity has already contributed (${state.contributions} of ${rules.contributionsPerIdentity} allowed)` };
  }
  const until = state.penaltyUntil;
  if (until !== undefined && until > at) {
    return { code: 'PENALTY_ACTIVE', message: `you may rejoin at ${new Date(until).toISOString()} (${state.lastOutcome ?? state.removedReason ?? 'lost slot'})`, details: { retryAt: until } };
  }
  return undefined;
}

export function checkinRefusal(state: ParticipantState, first: boolean): Refusal | undefined {
  const { standing } = state;
  if (inLobby(standing) || standing.status === 'ready') return undefined;
  if (standing.status === 'banned') return { code: 'BANNED', message: `this identity is banned from the ceremony${recordedReason(state, 'banned')}` };
  // The check-in that follows a join (the ceremony accepted it): the participant is in the queue now.
  if (first && standing.status === 'idle') return undefined;
  if (state.removedReason === 'missed-checkin') {
    const until = state.penaltyUntil;
    const when = until === undefined ? 'again' : `again from ${new Date(until).toISOString()}`;
    return { code: 'DEADLINE_MISSED', message: `you missed a check-in deadline and were removed from the queue; enter the lobby ${when}`, details: { penaltyUntil: until, retryAt: until } };
  }
  if (state.removedReason === 'dropped') {
    return { code: 'NOT_IN_QUEUE', message: `an administrator removed you from the queue${recordedReason(state, 'dropped')}; call lobby/enter to join again` };
  }
  return { code: 'NOT_IN_QUEUE', message: `you are not in the queue (status ${standing.status}); call lobby/enter first` };
}

export function leaveRefusal(state: ParticipantState): Refusal | undefined {
  return inLobby(state.standing) ? undefined : { code: 'NOT_IN_QUEUE', message: `you are not waiting in the queue (status ${state.standing.status})` };
}

/** The answer to a check-in, from the participant's view after it (also what an early check-in is answered). */
export function checkinAnswer(view: ParticipantView, place: Place, timing: SequentialTiming, at: number): CheckinResponse {
  if (view.status === 'ready') {
    const interval = timing.minCheckinIntervalMs;
    return {
      status: 'ready',
      position: 0,
      waitersAhead: 0,
      expectedWaitMs: 0,
      expectedStartAt: at,
      averageRoundTripMs: place.averageRoundTripMs,
      nextDeadline: at + interval,
      checkinIntervalMs: interval,
      turnId: view.turnId,
    };
  }
  const estimate = lobbyAnswer(timing, { now: at, ...place, previousIntervalMs: undefined });
  if ((view.status !== 'waiting' && view.status !== 'queued') || view.checkinDeadline === undefined || view.checkinIntervalMs === undefined) return estimate;
  return { ...estimate, status: view.status, nextDeadline: view.checkinDeadline, checkinIntervalMs: view.checkinIntervalMs };
}

const removedFromLobby = (state: ParticipantState, reason: RemovalReason, at: number, detail?: string): ParticipantState => ({
  ...state,
  standing: { status: 'idle' },
  removedReason: reason,
  setback: setbackOf(reason, at, detail),
});

function setbackOf(code: SetbackCode, at: number, detail: string | undefined): Setback {
  return detail === undefined || detail === '' ? { code, at } : { code, at, detail };
}

/** A setback an administrator caused (dropped, banned): a cancelled turn that follows keeps it as the reason. */
const byAdministrator = (setback: Setback | undefined): boolean => setback?.code === 'dropped' || setback?.code === 'banned';

export function applyParticipant(state: ParticipantState, event: ParticipantEvent, rules: ParticipantRules): Applied {
  const { timing } = rules;
  const { standing } = state;
  const none: ParticipantEffect[] = [];
  switch (event.type) {
    case 'enter':
      // The deadline comes with the first check-in, once the ceremony has taken the join.
      return { state: { ...state, identity: event.identity, ...(standing.status === 'idle' ? { removedReason: undefined, setback: undefined } : {}) }, effects: none };
    case 'checkin': {
      if (standing.status === 'ready') {
        const interval = timing.minCheckinIntervalMs;
        return {
          state: { ...state, standing: { ...standing, deadline: event.at + interval, intervalMs: interval } },
          effects: [{ type: 'notifyTurn', turnWorkflowId: standing.turnWorkflowId, at: event.at }],
        };
      }
      if (!inLobby(standing) && !(event.first && standing.status === 'idle')) return { state, effects: none };
      const previousIntervalMs = event.first || !inLobby(standing) ? undefined : standing.intervalMs;
      const answer = lobbyAnswer(timing, { now: event.at, ...event.place, previousIntervalMs });
      const status = answer.status === 'waiting' ? 'waiting' : 'queued';
      return {
        state: { ...state, removedReason: undefined, setback: undefined, standing: { status, deadline: answer.nextDeadline, intervalMs: answer.checkinIntervalMs, answeredAt: event.at } },
        effects: none,
      };
    }
    case 'leave':
      if (!inLobby(standing)) return { state, effects: none };
      return {
        state: { ...removedFromLobby(state, 'left', event.at), ...(timing.abortPenaltyMs > 0 ? { penaltyUntil: event.at + timing.abortPenaltyMs } : {}) },
        effects: [
          { type: 'leaveQueue', reason: 'left' },
          { type: 'record', kind: 'left' },
        ],
      };
    case 'missed':
      if (!inLobby(standing)) return { state, effects: none };
      return {
        state: { ...removedFromLobby(state, 'missed-checkin', event.at), strikes: state.strikes + 1, penaltyUntil: event.at + timing.rejoinPenaltyMs },
        effects: [
          { type: 'leaveQueue', reason: 'missed-checkin' },
          { type: 'record', kind: 'missed-checkin' },
        ],
      };
    case 'removed':
      if (inLobby(standing)) return { state: removedFromLobby(state, event.reason, event.at, event.detail), effects: none };
      // Holding the turn: the turn is cancelled and says so (turnFinished); the reason is the drop. The
      // cancellation may also have come first.
      if (standing.status === 'ready' || (standing.status === 'idle' && state.setback?.code === 'cancelled')) {
        return { state: { ...state, removedReason: event.reason, setback: setbackOf(event.reason, event.at, event.detail) }, effects: none };
      }
      return { state, effects: none };
    case 'called': {
      if (standing.status === 'banned' || standing.status === 'contributed') return { state, effects: none };
      // Called while waiting: it learns so at its next check-in, due by its deadline; the turn's start
      // window must not run out before then.
      const due = inLobby(standing) ? standing.deadline : undefined;
      return {
        state: { ...state, standing: { status: 'ready', turnId: event.turnId, turnWorkflowId: event.turnWorkflowId, deadline: due, intervalMs: inLobby(standing) ? standing.intervalMs : undefined } },
        effects: due === undefined ? none : [{ type: 'checkinDue', turnWorkflowId: event.turnWorkflowId, by: due }],
      };
    }
    case 'turnFinished': {
      const after: ParticipantState = { ...state, lastOutcome: event.kind };
      if (standing.status === 'banned') return { state: after, effects: none };
      if (standing.status !== 'ready' || standing.turnId !== event.turnId) return { state, effects: none };
      if (event.kind === 'accepted') {
        const contributions = state.contributions + 1;
        const receipts =
          event.receiptId !== undefined && event.receiptKey !== undefined
            ? [...state.receipts, { sequence: event.sequence, receiptId: event.receiptId, receiptKey: event.receiptKey }]
            : state.receipts;
        return {
          state: { ...after, contributions, receipts, setback: undefined, standing: contributions >= rules.contributionsPerIdentity ? { status: 'contributed' } : { status: 'idle' } },
          effects: none,
        };
      }
      const struck = event.kind === 'rejected' || event.kind === 'start-missed' || event.kind === 'compute-timeout';
      const penaltyMs = struck ? timing.rejoinPenaltyMs : event.kind === 'aborted' ? timing.abortPenaltyMs : 0;
      const failed = event.failedCheck === undefined ? undefined : `${event.failedCheck.code}: ${event.failedCheck.message}`;
      const setback = event.kind === 'cancelled' && byAdministrator(state.setback) ? state.setback : setbackOf(event.kind, event.at, failed);
      return {
        state: { ...after, setback, standing: { status: 'idle' }, strikes: state.strikes + (struck ? 1 : 0), penaltyUntil: penaltyMs > 0 ? event.at + penaltyMs : state.penaltyUntil },
        effects: none,
      };
    }
    case 'ban':
      if (event.banned) {
        return {
          state: { ...state, standing: { status: 'banned', reason: event.reason }, removedReason: 'banned', setback: setbackOf('banned', event.at, event.reason) },
          effects: [...(inLobby(standing) ? [{ type: 'leaveQueue' as const, reason: 'banned' as const }] : []), { type: 'record', kind: 'banned', detail: event.reason }],
        };
      }
      if (standing.status !== 'banned') return { state, effects: none };
      return {
        state: { ...state, standing: state.contributions >= rules.contributionsPerIdentity ? { status: 'contributed' } : { status: 'idle' }, removedReason: undefined, setback: undefined },
        effects: [{ type: 'record', kind: 'unbanned', detail: event.reason }],
      };
  }
}

/** The participant as the API shows it. */
export function participantView(state: ParticipantState): ParticipantView {
  const { standing } = state;
  return {
    participantId: state.participantId,
    identity: state.identity,
    status: standing.status,
    contributions: state.contributions,
    strikes: state.strikes,
    penaltyUntil: state.penaltyUntil,
    removedReason: standing.status === 'banned' ? standing.reason : state.removedReason,
    setback: state.setback,
    turnId: standing.status === 'ready' ? standing.turnId : undefined,
    checkinDeadline: inLobby(standing) || standing.status === 'ready' ? standing.deadline : undefined,
    checkinIntervalMs: inLobby(standing) || standing.status === 'ready' ? standing.intervalMs : undefined,
    lastCheckinAt: inLobby(standing) ? standing.answeredAt : undefined,
    receipts: state.receipts,
    lastOutcome: state.lastOutcome,
  };
}
