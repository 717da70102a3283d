// When the coordinator could not hear participants, and what that does to their deadlines: pure rules
// (no I/O, no clock), used by the pulse workflow, the activity that reads it, and every deadline owner.
//
// "Could not hear" is defined by the coordinator's pulse: every API replica sends the pulse workflow a
// beat every `beatMs`. The pulse takes a beat only when the Temporal server, a workflow worker and an API
// replica all run, which is exactly what a check-in, a start or an upload needs. A gap of more than
// `outageAfterMs` between two beats it took (or since the last one, while none comes) is an outage,
// from the last beat before it to the first one after it. Shorter gaps are what the grace allowance is for.

export interface Outage {
  from: number;
  to: number;
}

export interface PulseSettings {
  beatMs: number;
  /** A gap between beats longer than this is an outage. */
  outageAfterMs: number;
  /**
   * After an outage ends, how long the coordinator is still owed to the participants (beyond the grace
   * allowance): a patient client is still between two tries, and the first answers are slow while the
   * workers catch up. Absent in settings made before it existed: 0 (those workflows replay as they ran).
   */
  recoveryMs?: number;
}

export interface PulseState {
  /** When the pulse last took a beat (its workflow time). */
  lastBeatAt: number | undefined;
  /** Outages seen, oldest first (bounded: MAX_OUTAGES_KEPT). */
  outages: Outage[];
}

export const MAX_OUTAGES_KEPT = 1_000;

/** The pulse takes a beat at `at`: a gap since the previous one longer than the threshold was an outage. */
export function takeBeat(state: PulseState, at: number, settings: PulseSettings): PulseState {
  const last = state.lastBeatAt;
  if (last !== undefined && at <= last) return state;
  const gap = last !== undefined && at - last > settings.outageAfterMs ? [{ from: last, to: at }] : [];
  return { lastBeatAt: at, outages: [...state.outages, ...gap].slice(-MAX_OUTAGES_KEPT) };
}

/**
 * The outages that touch [since, now], `now` by a real clock: those recorded, and the one still going
 * on when no beat has been taken for longer than the threshold (the pulse itself is not being heard).
 */
export function outagesSince(state: PulseState, since: number, now: number, settings: PulseSettings): Outage[] {
  // An outage that ended before `since` still counts while its recovery lasts.
  const recorded = state.outages.filter((o) => o.to + (settings.recoveryMs ?? 0) > since);
  const last = state.lastBeatAt;
  const ongoing = last !== undefined && now - last > settings.outageAfterMs ? [{ from: last, to: now }] : [];
  return [...recorded, ...ongoing];
}

/** Overlapping or touching outages as one, sorted. */
export function mergeOutages(outages: readonly Outage[]): Outage[] {
  const sorted = [...outages].filter((o) => o.to > o.from).sort((a, b) => a.from - b.from);
  const merged: Outage[] = [];
  for (const o of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && o.from <= last.to) last.to = Math.max(last.to, o.to);
    else merged.push({ ...o });
  }
  return merged;
}

/**
 * The moment a deadline really passes, when it was set at `since` and falls due at `expiry` (the grace
 * allowance included): every outage after `since` pushes it back by its length, and after an outage the
 * participant always has at least `recoveryMs` plus `graceMs` of a coordinator that hears it (also when
 * the deadline was set during that recovery). No one pays for the coordinator's faults; with no outage
 * the expiry is unchanged.
 */
export function fairExpiry(expiry: number, since: number, outages: readonly Outage[], graceMs: number, recoveryMs = 0): number {
  let fair = expiry;
  for (const o of mergeOutages(outages)) {
    if (o.to + recoveryMs <= since) continue;
    if (o.from >= fair) break;
    if (o.to > since) fair += o.to - Math.max(o.from, since);
    fair = Math.max(fair, o.to + recoveryMs + graceMs);
  }
  return fair;
}

/** One look at a deadline when its timer fired. */
export interface DeadlineCheck {
  /** Outages before this moment are already accounted for (the deadline was set, or last re-checked, then). */
  since: number;
  /** When the deadline falls due as it stands (the grace allowance included). */
  expiry: number;
  /** When the timer was due to fire (the expiry, or a moved one). */
  scheduledFor: number;
  /** When it did fire (workflow time). */
  firedAt: number;
  graceMs: number;
}

export interface DeadlineVerdict {
  /** When the deadline really passes: the expiry, or later when the coordinator had outages. */
  expiry: number;
  /** The outages that moved it (empty when none did). */
  outages: Outage[];
  /** For the next look, if the deadline moved: only outages after this one count. */
  next: { since: number; expiry: number } | undefined;
}

/**
 * The verdict on a deadline whose timer fired, given the outages the pulse saw since `since`. A timer
 * that fired late by more than the outage threshold is itself evidence that the workflow could not run,
 * from some moment unknown before it was due: it counts as an outage from the deadline proper (the
 * scheduled moment less the grace) to when it fired, so the participant is owed the recovery and the
 * grace after that moment. A moved deadline is looked at again at its new
 * expiry, counting only outages after this look, so each look either passes the deadline or is owed
 * by a new outage: an absent participant is removed once the coordinator has heard nothing from it for
 * the deadline plus the grace, however many outages came between.
 */
export function deadlineVerdict(check: DeadlineCheck, seen: readonly Outage[], settings: PulseSettings): DeadlineVerdict {
  const late: Outage[] = check.firedAt - check.scheduledFor > settings.outageAfterMs ? [{ from: check.scheduledFor - check.graceMs, to: check.firedAt }] : [];
  const outages = [...seen, ...late];
  const expiry = fairExpiry(check.expiry, check.since, outages, check.graceMs, settings.recoveryMs ?? 0);
  if (expiry <= check.firedAt) return { expiry, outages: [], next: undefined };
  return { expiry, outages, next: { since: check.firedAt, expiry } };
}
