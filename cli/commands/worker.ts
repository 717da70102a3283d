// `ceremony worker --task-queue NAME`: one worker process for the workflow or verification queue.
import { createLogger } from '../../common/logger.js';
import { openStore } from '../../store/index.js';
import { connectWorker } from '../../runtime/temporal.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { createWorker, type WorkerRole } from '../../runtime/workers.js';
import { parseServiceArgs, untilSignal } from '../service-flags.js';

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseServiceArgs(argv, { 'task-queue': { type: 'string' } });
  } catch (err) {
    process.stderr.write(`ceremony worker: ${(err as Error).message}\n`);
    return 2;
  }
  const { cfg, extra } = parsed;
  const queues = cfg.temporal.taskQueues;
  const queue = extra['task-queue'];
  const role: WorkerRole | undefined = queue === queues.workflows ? 'workflows' : queue === queues.verification ? 'verification' : undefined;
  if (role === undefined) {
    process.stderr.write(`ceremony worker: --task-queue must be ${queues.workflows} or ${queues.verification}\n`);
    return 2;
  }
  const address = cfg.temporal.address;
  if (address === undefined) {
    process.stderr.write('ceremony worker: set TEMPORAL_ADDRESS (or temporal.address) to the Temporal frontend\n');
    return 2;
  }
  const log = createLogger(cfg.log.level, `ceremony-worker-${role}`);
  installTemporalRuntime(log);
  const store = await openStore(cfg);
  const connection = await connectWorker(address);
  const worker = await createWorker(role, { cfg, log, store, connection });
  const running = worker.run();
  log.info({ taskQueue: queue, temporal: address }, 'worker running');
  await Promise.race([untilSignal(), running]);
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection.close();
  return 0;
}
