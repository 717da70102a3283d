// The activity deadline owners call when a deadline passes (implemented in activities/availability).
import type { Outage, PulseSettings } from './outages.js';

/**
 * What the pulse says: the outages, and the recovery owed after each as the worker is configured now
 * (so a ceremony started before the setting existed gets it too). Histories written before this
 * answer existed hold a bare array of outages: no recovery.
 */
export interface CoordinatorOutages {
  outages: Outage[];
  recoveryMs: number;
}

export interface AvailabilityActivities {
  /** The coordinator's outages that touch [since, now] (none when the pulse does not run). */
  coordinatorOutages(input: { ceremonyId: string; since: number; settings: PulseSettings }): Promise<CoordinatorOutages | Outage[]>;
}
