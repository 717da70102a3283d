// The API's side of the records ledger (workflows/evidence/records-ledger.ts): it notes the records
// it writes itself (admin actions, refusals), and reads the ledger's index for GET /records.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Config } from '../common/config.js';
import { CeremonyError } from '../common/errors.js';
import type { ObjectStore } from '../store/index.js';
import { noteRecord } from '../activities/evidence/ledger-activities.js';
import { RECORD_PREFIX } from '../store/keys.js';
import { recordsIndexQuery, recordsLedgerWorkflowId, type RecordsIndex } from '../workflows/evidence/records-ledger.js';
import { translateTemporalError, viaTemporal } from './temporal-errors.js';

export class RecordsLedger {
  private readonly settings: { ceremonyId: string; taskQueue: string; pageSize: number };

  constructor(
    private readonly client: Client,
    cfg: Config,
  ) {
    this.settings = { ceremonyId: cfg.ceremony.id, taskQueue: cfg.temporal.taskQueues.workflows, pageSize: cfg.evidence.recordsPageSize };
  }

  /** Stores a record (records/<sha256>) and chains it in the ledger. */
  async write(store: ObjectStore, record: { kind: string } & Record<string, unknown>): Promise<string> {
    const { key } = await store.put(RECORD_PREFIX, Buffer.from(JSON.stringify(record)), { contentType: 'application/json' });
    await viaTemporal(
      () => noteRecord(this.client, this.settings, { key, kind: record.kind }),
      () => new CeremonyError('TEMPORAL_UNAVAILABLE', 'the records ledger could not be reached'),
    );
    return key;
  }

  /** The ledger's index; an empty one before the first record. */
  async index(): Promise<RecordsIndex> {
    const empty: RecordsIndex = { count: 0, pageSize: this.settings.pageSize, pages: [], current: [] };
    try {
      return await this.client.workflow.getHandle(recordsLedgerWorkflowId(this.settings.ceremonyId)).query(recordsIndexQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return empty;
      throw translateTemporalError(err, () => new CeremonyError('NOT_FOUND', 'no records yet'));
    }
  }
}
