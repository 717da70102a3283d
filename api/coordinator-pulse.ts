// This replica's beat to the coordinator's pulse (workflows/availability): while the API serves, it
// tells the pulse every `beatMs` that participants can be heard. A beat that fails is an outage the
// pulse will see as a gap; it is logged at debug level only (it is expected during one).
import type { Client } from '@temporalio/client';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { beatSignal, coordinatorPulseWorkflow, pulseWorkflowId } from '../workflows/availability/coordinator-pulse.js';

export interface PulseBeats {
  stop(): void;
}

export function startPulseBeats(client: Client, cfg: Config, log: Logger): PulseBeats {
  const { beatMs } = cfg.ceremony.pulse;
  let inFlight = false;
  const beat = (): void => {
    if (inFlight) return;
    inFlight = true;
    client.workflow
      .signalWithStart(coordinatorPulseWorkflow, {
        workflowId: pulseWorkflowId(cfg.ceremony.id),
        taskQueue: cfg.temporal.taskQueues.workflows,
        args: [{ ceremonyId: cfg.ceremony.id, settings: cfg.ceremony.pulse }],
        signal: beatSignal,
        signalArgs: [],
      })
      .catch((err: unknown) => log.debug({ err }, 'pulse beat failed'))
      .finally(() => {
        inFlight = false;
      });
  };
  beat();
  const timer = setInterval(beat, beatMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
