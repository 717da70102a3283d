// Workflow-side: when a deadline's timer fires, whether it really passed (outages.ts). Read from the
// coordinator's pulse through a local activity, only when a timer fires (removals are rare; check-ins
// never pay for this).
import { condition, proxyLocalActivities } from '@temporalio/workflow';
import type { AvailabilityActivities } from './activities-api.js';
import { fairExpiry, type Outage, type PulseSettings } from './outages.js';

const availability = proxyLocalActivities<AvailabilityActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

export interface DeadlineCheck {
  ceremonyId: string;
  pulse: PulseSettings;
  /** When the deadline was set: outages before it do not move it. */
  since: number;
  /** When it falls due, the grace allowance included. */
  expiry: number;
  graceMs: number;
}

export interface FairVerdict {
  /** When the deadline really passes (the expiry, or later when the coordinator had outages). */
  expiry: number;
  /** The outages that moved it (empty when none did). */
  outages: Outage[];
}

/**
 * Call when the timer for `expiry` fired. A timer that fired late by more than the outage threshold
 * is itself evidence that the workflow could not run, from some moment unknown before the expiry: it
 * counts as an outage from the deadline proper (the expiry less the grace) to when the timer fired.
 */
export async function fairDeadline(check: DeadlineCheck): Promise<FairVerdict> {
  const firedAt = Date.now();
  const seen = await availability.coordinatorOutages({ ceremonyId: check.ceremonyId, since: check.since, settings: check.pulse });
  const late: Outage[] = firedAt - check.expiry > check.pulse.outageAfterMs ? [{ from: check.expiry - check.graceMs, to: firedAt }] : [];
  const outages = [...seen, ...late];
  const expiry = fairExpiry(check.expiry, check.since, outages, check.graceMs);
  return { expiry, outages: expiry > check.expiry ? outages : [] };
}

export interface DeadlineWait {
  ceremonyId: string;
  pulse: PulseSettings;
  graceMs: number;
  /** When the deadline was set. */
  since: number;
  /** When it falls due, the grace included; read again whenever something changes. */
  expiry: () => number;
  /** False once what the deadline guards has happened (then the wait ends at once). */
  waiting: () => boolean;
  /** Told once when an outage moves the deadline back (to record it). */
  onExcused: (verdict: FairVerdict & { original: number }) => void;
}

/**
 * Waits until the deadline really passes ('passed') or what it guards happens first ('ended'), moving
 * it back by the coordinator's outages (fairDeadline) each time its timer fires.
 */
export async function waitOutDeadline(wait: DeadlineWait): Promise<'passed' | 'ended'> {
  let excusedUntil: number | undefined;
  while (wait.waiting()) {
    const expiry = wait.expiry();
    const wakeAt = Math.max(expiry, excusedUntil ?? 0);
    if (Date.now() < wakeAt) {
      await condition(() => !wait.waiting() || wait.expiry() !== expiry, Math.max(1, wakeAt - Date.now()));
      continue;
    }
    const verdict = await fairDeadline({ ceremonyId: wait.ceremonyId, pulse: wait.pulse, since: wait.since, expiry, graceMs: wait.graceMs });
    if (!wait.waiting()) break;
    if (verdict.expiry > Date.now()) {
      if (excusedUntil === undefined) wait.onExcused({ ...verdict, original: expiry });
      excusedUntil = verdict.expiry;
      continue;
    }
    return 'passed';
  }
  return 'ended';
}
