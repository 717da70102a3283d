// Workers: one for workflows (plus light activities), one for verification activities.
import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { ObjectStore } from '../store/index.js';
import { verificationActivities, workflowQueueActivities } from '../activities/index.js';
import { bundleNow, PREBUILT_DIR, prebuiltWorkflowBundle } from './workflow-bundle.js';

export type WorkerRole = 'workflows' | 'verification';

let cachedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The workflow code, once per process: the bundle `npm run setup` prebuilt when it matches the
 * sources, else bundled now (and `log` says why it took longer).
 */
export function workflowBundle(log?: Logger): Promise<WorkflowBundleWithSourceMap> {
  cachedBundle ??= prebuiltWorkflowBundle().then((prebuilt) => {
    if (prebuilt !== undefined) return prebuilt;
    log?.info({ prebuilt: PREBUILT_DIR }, 'no prebuilt workflow bundle matches the sources; bundling the workflow code now (npm run setup prebuilds it)');
    return bundleNow();
  });
  return cachedBundle;
}

export interface WorkerDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
  connection: NativeConnection;
}

export interface WorkerOverrides {
  /** Workflow code to run instead of workflowBundle() (the upgrade test runs a worker on earlier code). */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

export async function createWorker(role: WorkerRole, deps: WorkerDeps, overrides: WorkerOverrides = {}): Promise<Worker> {
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
      workflowBundle: overrides.workflowBundle ?? (await workflowBundle(deps.log)),
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
