// Workers: one for workflows (plus light activities), one for verification activities.
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { repoRoot } from '../common/tools.js';
import type { ObjectStore } from '../store/index.js';
import { verificationActivities, workflowQueueActivities } from '../activities/index.js';

export type WorkerRole = 'workflows' | 'verification';

export const workflowsPath = path.join(repoRoot, 'workflows', 'index.ts');

let cachedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cachedBundle ??= bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return cachedBundle;
}

const noop = (): void => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export interface WorkerDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
  connection: NativeConnection;
}

export async function createWorker(role: WorkerRole, deps: WorkerDeps): Promise<Worker> {
  const { cfg, connection } = deps;
  const common = {
    connection,
    namespace: cfg.temporal.namespace,
    shutdownGraceTime: Math.max(1_000, cfg.shutdownTimeoutMs - 3_000),
  };
  if (role === 'workflows') {
    return Worker.create({
      ...common,
      taskQueue: cfg.temporal.taskQueues.workflows,
      workflowBundle: await workflowBundle(),
      activities: await workflowQueueActivities(deps),
    });
  }
  return Worker.create({
    ...common,
    taskQueue: cfg.temporal.taskQueues.verification,
    activities: await verificationActivities(deps),
    maxConcurrentActivityTaskExecutions: 4,
  });
}
