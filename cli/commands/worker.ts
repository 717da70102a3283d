// `ceremony worker --task-queue NAME`: one worker process for the workflow or verification queue.
// The Temporal worker is loaded only when the command runs.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { requireSharedTemporalSettings, type Config } from '../../common/config.js';
import { exitCode, helpFooter } from '../kit.js';
import { SERVICE_ENVIRONMENT, serviceCommand, serviceConfig, type ServiceFlags } from '../service-flags.js';
import { untilSignal } from '../signals.js';

export function workerCommand(): CommandUnknownOpts {
  const command = serviceCommand('worker')
    .summary('a worker for one task queue, against an existing Temporal server')
    .description('Runs one worker for the workflow or the verification task queue, against the Temporal frontend at TEMPORAL_ADDRESS.')
    .requiredOption('--task-queue <name>', 'the task queue: temporal.taskQueues.workflows or temporal.taskQueues.verification')
    .action(exitCode((flags) => run(flags)));
  return helpFooter(command, ['worker --task-queue ceremony-workflows --config ceremony.json'], [...SERVICE_ENVIRONMENT, 'Exit codes: 0 stopped cleanly, 2 usage or configuration.']);
}

async function run(flags: ServiceFlags & { taskQueue: string }): Promise<number> {
  let cfg: Config;
  try {
    cfg = serviceConfig(flags);
    // Before connecting anywhere: a replica with a key or a store of its own must not join a live queue.
    requireSharedTemporalSettings(cfg);
  } catch (err) {
    process.stderr.write(`ceremony worker: ${(err as Error).message}\n`);
    return 2;
  }
  const queues = cfg.temporal.taskQueues;
  const queue = flags.taskQueue;
  const role = queue === queues.workflows ? 'workflows' : queue === queues.verification ? 'verification' : undefined;
  if (role === undefined) {
    process.stderr.write(`ceremony worker: --task-queue must be ${queues.workflows} or ${queues.verification}\n`);
    return 2;
  }
  const address = cfg.temporal.address;
  if (address === undefined) {
    process.stderr.write('ceremony worker: set TEMPORAL_ADDRESS (or temporal.address) to the Temporal frontend\n');
    return 2;
  }
  const [{ createLogger }, { openStore }, { connectWorker }, { installTemporalRuntime }, { createWorker }] = await Promise.all([
    import('../../common/logger.js'),
    import('../../store/index.js'),
    import('../../runtime/temporal.js'),
    import('../../runtime/temporal-runtime.js'),
    import('../../runtime/workers.js'),
  ]);
  const log = createLogger(cfg.log.level, `ceremony-worker-${role}`);
  installTemporalRuntime(log, cfg.temporal.workerMetricsPort);
  const store = await openStore(cfg);
  const connection = await connectWorker(address);
  const worker = await createWorker(role, { cfg, log, store, connection });
  const running = worker.run();
  log.info({ taskQueue: queue, temporal: address, metricsPort: cfg.temporal.workerMetricsPort }, 'worker running');
  await Promise.race([untilSignal(), running]);
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection.close();
  return 0;
}
