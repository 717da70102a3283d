// The activity deadline owners call when a deadline passes (implemented in activities/availability).
import type { Outage, PulseSettings } from './outages.js';

export interface AvailabilityActivities {
  /** The coordinator's outages that touch [since, now] (none when the pulse does not run). */
  coordinatorOutages(input: { ceremonyId: string; since: number; settings: PulseSettings }): Promise<Outage[]>;
}
