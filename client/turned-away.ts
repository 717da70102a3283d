// A contributor turned away by the coordinator: dropped, banned or removed from the queue, its turn
// taken (a drop, a missed deadline), or not let in for now (a penalty, a ban). The coordinator says
// why in the participant view (`reason`); the contributor stops at once, says so, and exits with its
// own exit code (CONTRIBUTOR_EXIT.turnedAway).
import type { ParticipantReason, ParticipantView } from '../api/contracts/ceremony.js';

/** The contributor's exit codes (`ceremony contributor`; documented in its help and the README). */
export const CONTRIBUTOR_EXIT = {
  /** Contributed: the contribution was accepted and its receipt verifies. */
  accepted: 0,
  /** Not accepted: the coordinator refused the contribution (invalid, …) or its receipt does not verify. */
  notAccepted: 1,
  /** Could not run: bad arguments or input, no signature given, the coordinator unreachable for too long. */
  failed: 2,
  /** Turned away: dropped, banned, removed from the queue, the turn taken, or a penalty; the reason is printed. */
  turnedAway: 3,
} as const;

/** The API refusals that mean the participant has no place or turn (any more, or for now). */
export const TURNED_AWAY_CODES: ReadonlySet<string> = new Set(['BANNED', 'PENALTY_ACTIVE', 'DEADLINE_MISSED', 'NOT_IN_QUEUE', 'START_WINDOW_MISSED', 'NOT_YOUR_TURN', 'NO_CONTRIBUTION_IN_PROGRESS']);

export class TurnedAwayError extends Error {
  override readonly name = 'TurnedAwayError';
  constructor(
    /** Why, as the coordinator recorded it (absent when it gave none). */
    readonly reason: ParticipantReason | undefined,
    /** The refusal that told of it, when it came as one (an API error code). */
    readonly refusal?: string,
    /** What the contributor was doing: whether it stopped a running computation. */
    readonly whileComputing = false,
  ) {
    super(reason?.message ?? `the coordinator turned this participant away (${refusal ?? 'no reason given'})`);
  }
}

/**
 * Whether the participant no longer holds the turn `turnId`: its status is not ready, another turn is
 * its, or a reason was recorded while it held it (an administrator's drop, before the cancelled turn
 * reaches the participant). Pure.
 */
/** How often a contributor reads its participant record while its turn runs (CLI and browser). */
export const DEFAULT_TURN_POLL_MS = 3_000;

export function turnGone(view: Pick<ParticipantView, 'status' | 'turnId' | 'reason'>, turnId: string): boolean {
  return view.status !== 'ready' || view.turnId !== turnId || view.reason !== undefined;
}

/** The line a person reads: what happened, and until when. Pure. */
export function describeTurnedAway(err: TurnedAwayError): string {
  const stopped = err.whileComputing ? 'the turn was taken from us and we stopped at once; ' : '';
  return `turned away: ${stopped}${err.message}${err.reason === undefined ? '' : ` [${err.reason.code}]`}`;
}
