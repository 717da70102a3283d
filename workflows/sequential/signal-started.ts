// Signals a workflow that may not have started yet (a turn is started in the same workflow task
// that calls its participant): a failed signal is retried a few times, briefly, then given up.
import { getExternalWorkflowHandle, sleep, type SignalDefinition } from '@temporalio/workflow';

const ATTEMPTS = 8;

export async function signalStarted<Args extends unknown[]>(workflowId: string, signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await getExternalWorkflowHandle(workflowId).signal(signal, ...args);
      return;
    } catch {
      if (attempt >= ATTEMPTS) return;
      await sleep(50 * attempt);
    }
  }
}
