// Workflow-side: when a deadline's timer fires, whether it really passed (outages.ts). Read from the
// coordinator's pulse through a local activity, only when a timer fires (removals are rare; check-ins
// never pay for this).
import { condition, proxyLocalActivities } from '@temporalio/workflow';
import type { AvailabilityActivities } from './activities-api.js';
import { deadlineVerdict, type DeadlineVerdict, type PulseSettings } from './outages.js';

const availability = proxyLocalActivities<AvailabilityActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

export interface FairCheck {
  ceremonyId: string;
  pulse: PulseSettings;
  /** Outages before this moment do not move the deadline (when it was set, or last looked at). */
  since: number;
  /** When it falls due, the grace allowance included. */
  expiry: number;
  graceMs: number;
}

/**
 * Call when the timer for `check.expiry` fired: reads the coordinator's outages since `check.since`
 * from its pulse (a local activity) and returns the verdict (outages.ts, deadlineVerdict). When the
 * deadline moved, look again at `verdict.next.expiry` with `verdict.next` as the check.
 */
export async function fairDeadline(check: FairCheck): Promise<DeadlineVerdict> {
  const firedAt = Date.now();
  const seen = await availability.coordinatorOutages({ ceremonyId: check.ceremonyId, since: check.since, settings: check.pulse });
  // A bare array is an answer recorded before the recovery came with it (a replayed history): none then.
  const { outages, recoveryMs } = Array.isArray(seen) ? { outages: seen, recoveryMs: check.pulse.recoveryMs } : seen;
  return deadlineVerdict({ since: check.since, expiry: check.expiry, scheduledFor: check.expiry, firedAt, graceMs: check.graceMs }, outages, { ...check.pulse, recoveryMs });
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
  onExcused: (verdict: DeadlineVerdict & { original: number }) => void;
}

/**
 * Waits until the deadline really passes ('passed') or what it guards happens first ('ended'), moving
 * it back by the coordinator's outages each time its timer fires (fairDeadline). A change of the
 * deadline itself (expiry() returns another value) starts the count afresh.
 */
export async function waitOutDeadline(wait: DeadlineWait): Promise<'passed' | 'ended'> {
  let moved: { since: number; expiry: number; of: number } | undefined;
  let told = false;
  while (wait.waiting()) {
    const expiry = wait.expiry();
    if (moved !== undefined && moved.of !== expiry) {
      moved = undefined;
      told = false;
    }
    const check = moved ?? { since: wait.since, expiry };
    if (Date.now() < check.expiry) {
      await condition(() => !wait.waiting() || wait.expiry() !== expiry, Math.max(1, check.expiry - Date.now()));
      continue;
    }
    const verdict = await fairDeadline({ ceremonyId: wait.ceremonyId, pulse: wait.pulse, since: check.since, expiry: check.expiry, graceMs: wait.graceMs });
    if (!wait.waiting()) break;
    if (verdict.next === undefined) return 'passed';
    if (!told) wait.onExcused({ ...verdict, original: expiry });
    told = true;
    moved = { ...verdict.next, of: expiry };
  }
  return 'ended';
}
