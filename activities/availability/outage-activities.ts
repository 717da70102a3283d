// Reads the coordinator's pulse for the deadline owners, through the worker's own client.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AvailabilityActivities } from '../../workflows/availability/activities-api.js';
import { pulseStateQuery, pulseWorkflowId } from '../../workflows/availability/coordinator-pulse.js';
import { outagesSince } from '../../workflows/availability/outages.js';

/** `recoveryMs`: ceremony.pulse.recoveryMs as this worker is configured (it reaches running ceremonies too). */
export function createAvailabilityActivities(recoveryMs: number): AvailabilityActivities {
  return {
    async coordinatorOutages({ ceremonyId, since, settings }) {
      const owed = { ...settings, recoveryMs: Math.max(recoveryMs, settings.recoveryMs ?? 0) };
      try {
        const state = await Context.current().client.workflow.getHandle(pulseWorkflowId(ceremonyId)).query(pulseStateQuery);
        // The real clock: when no beat has been taken for a while, the outage is still going on.
        return { outages: outagesSince(state, since, Date.now(), owed), recoveryMs: owed.recoveryMs };
      } catch (err) {
        // No pulse yet (no API replica has beaten): no outage is known.
        if (err instanceof WorkflowNotFoundError) return { outages: [], recoveryMs: owed.recoveryMs };
        throw err;
      }
    },
  };
}
