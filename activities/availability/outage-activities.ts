// Reads the coordinator's pulse for the deadline owners, through the worker's own client.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AvailabilityActivities } from '../../workflows/availability/activities-api.js';
import { pulseStateQuery, pulseWorkflowId } from '../../workflows/availability/coordinator-pulse.js';
import { outagesSince } from '../../workflows/availability/outages.js';

export function createAvailabilityActivities(): AvailabilityActivities {
  return {
    async coordinatorOutages({ ceremonyId, since, settings }) {
      try {
        const state = await Context.current().client.workflow.getHandle(pulseWorkflowId(ceremonyId)).query(pulseStateQuery);
        // The real clock: when no beat has been taken for a while, the outage is still going on.
        return outagesSince(state, since, Date.now(), settings);
      } catch (err) {
        // No pulse yet (no API replica has beaten): no outage is known.
        if (err instanceof WorkflowNotFoundError) return [];
        throw err;
      }
    },
  };
}
