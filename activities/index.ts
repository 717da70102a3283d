// Activity sets, grouped by the task queue whose worker runs them.
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { loadReceiptKey } from '../evidence/receipt-key.js';
import type { ObjectStore } from '../store/index.js';
import { createEvidenceActivities } from './sequential/evidence-activities.js';
import { createTranscriptActivities } from './sequential/transcript-activities.js';
import { createSmokeActivities } from './smoke.js';
import { createRoundsActivities } from './rounds/rounds-activities.js';
import { createLedgerActivities, noteRecordFromActivity } from './evidence/ledger-activities.js';
import { createAvailabilityActivities } from './availability/outage-activities.js';

export interface ActivityDeps {
  cfg: Config;
  log: Logger;
  store: ObjectStore;
}

/** Heavy work (verification, aggregation, transcripts): the verification task queue. */
export async function verificationActivities(deps: ActivityDeps) {
  const receiptKey = await loadReceiptKey(deps.cfg);
  return {
    ...createSmokeActivities(deps.store),
    ...createTranscriptActivities(deps.store, deps.cfg.api.maxUploadBytes, noteRecordFromActivity(deps.cfg)),
    ...createRoundsActivities(deps.store, receiptKey, noteRecordFromActivity(deps.cfg)),
  };
}

/** Light work beside the workflows: receipts, records, clean-up. */
export async function workflowQueueActivities(deps: ActivityDeps) {
  const receiptKey = await loadReceiptKey(deps.cfg);
  return {
    ...createRoundsActivities(deps.store, receiptKey, noteRecordFromActivity(deps.cfg)),
    ...createEvidenceActivities(deps.store, receiptKey, noteRecordFromActivity(deps.cfg)),
    ...createLedgerActivities(deps.store),
    ...createAvailabilityActivities(deps.cfg.ceremony.pulse.recoveryMs),
  };
}
