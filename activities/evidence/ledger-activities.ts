// The records ledger's activities (workflows/evidence/records-ledger.ts), and the note every writer of
// a record sends it: a signal-with-start, so the ledger exists from the first record on.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Config } from '../../common/config.js';
import type { ObjectStore } from '../../store/index.js';
import { recordsLedgerWorkflow, recordsLedgerWorkflowId, recordWrittenSignal, type LedgerActivities, type RecordNote } from '../../workflows/evidence/records-ledger.js';
import { LEDGER_PAGE_PREFIX, LEDGER_PREFIX } from '../../store/keys.js';

export function createLedgerActivities(store: ObjectStore): LedgerActivities {
  return {
    async storeLedgerEntry({ entry }) {
      const { key } = await store.put(LEDGER_PREFIX, Buffer.from(JSON.stringify(entry)), { contentType: 'application/json' });
      return { key };
    },
    async storeLedgerPage({ from, items }) {
      const { key } = await store.put(LEDGER_PAGE_PREFIX, Buffer.from(JSON.stringify({ from, items })), { contentType: 'application/json' });
      return { key };
    },
  };
}

export interface LedgerSettings {
  ceremonyId: string;
  taskQueue: string;
  pageSize: number;
}

/** What an activity that stored a record calls: the note goes through the worker's own client. */
export type NoteRecord = (ceremonyId: string, note: RecordNote) => Promise<void>;

export function noteRecordFromActivity(cfg: Config): NoteRecord {
  return (ceremonyId, note) => noteRecord(Context.current().client, { ceremonyId, taskQueue: cfg.temporal.taskQueues.workflows, pageSize: cfg.evidence.recordsPageSize }, note);
}

/** Tells the ceremony's ledger that a record was stored (starting the ledger if it is not running). */
export async function noteRecord(client: Client, settings: LedgerSettings, note: RecordNote): Promise<void> {
  await client.workflow.signalWithStart(recordsLedgerWorkflow, {
    workflowId: recordsLedgerWorkflowId(settings.ceremonyId),
    taskQueue: settings.taskQueue,
    args: [{ ceremonyId: settings.ceremonyId, taskQueue: settings.taskQueue, pageSize: settings.pageSize }],
    signal: recordWrittenSignal,
    signalArgs: [note],
    // Never a fresh ledger under the id of one that ended (it would restart the chain at 0): the
    // note fails instead, and the writer retries, so the fault shows.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
}
