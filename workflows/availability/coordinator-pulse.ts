// The coordinator's pulse: one small workflow per ceremony that takes a beat from every API replica
// every `beatMs` and remembers the gaps (outages.ts). Deadline owners (participants, turns) read it
// through an activity, only when a deadline passes, to move the deadline back by any outage.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { takeBeat, type PulseSettings, type PulseState } from './outages.js';
import { describedBy, describedQuery, describedSignal } from '../message-descriptions.js';

export interface PulseInput {
  ceremonyId: string;
  settings: PulseSettings;
  /** Carried over by continue-as-new. */
  state?: PulseState;
}

/** A beat from an API replica: a signal (no answer needed), taken by the pulse's workflow time. */
export const beatSignal = describedSignal('beat', 'A beat from an API replica: the coordinator is answering (taken by the pulse’s workflow time).');
export const pulseStateQuery = describedQuery<PulseState>('pulseState', 'The last beat and the outages (gaps between beats) the pulse remembers.');

export function pulseWorkflowId(ceremonyId: string): string {
  return `ceremony-${ceremonyId}-pulse`;
}

export async function coordinatorPulseWorkflow(input: PulseInput): Promise<void> {
  let state: PulseState = input.state ?? { lastBeatAt: undefined, outages: [] };
  // Beats that arrive while no worker runs are taken together when one comes back: the first of them
  // sees the whole gap.
  setHandler(
    beatSignal,
    () => {
      state = takeBeat(state, Date.now(), input.settings);
    },
    describedBy(beatSignal),
  );
  setHandler(pulseStateQuery, () => state, describedBy(pulseStateQuery));
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof coordinatorPulseWorkflow>({ ...input, state });
}
