// Activity sets, grouped by the task queue whose worker runs them.
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { ObjectStore } from '../store/index.js';
import { createSmokeActivities } from './smoke.js';

export interface ActivityDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
}

/** Heavy work (verification, aggregation, hashing of large objects): the verification task queue. */
export function verificationActivities(deps: ActivityDeps) {
  return { ...createSmokeActivities(deps.store) };
}

/** Light work that sits beside the workflows (records, receipts, publication). */
export function workflowQueueActivities(_deps: ActivityDeps) {
  return {};
}
