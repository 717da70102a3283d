// Evidence of the sequential mode: signed receipts and a record of every outcome. Turn outcomes form
// a hash chain: each record names the previous record's key (its SHA-256) and the transcript hashes.
import { log } from '@temporalio/activity';
import type { ObjectStore } from '../../store/index.js';
import { signReceipt, type ReceiptPayload } from '../../evidence/receipt.js';
import type { ReceiptKey } from '../../evidence/receipt-key.js';
import type { ReceiptInput, RecordInput, SequentialActivities } from '../../workflows/sequential/activities-api.js';
import { isTurnUploadKey } from '../../workflows/sequential/upload-keys.js';
import type { NoteRecord } from '../evidence/ledger-activities.js';
import { RECEIPT_PREFIX, RECORD_PREFIX } from '../../store/keys.js';

/** Stores a record (records/<sha256>) and chains it in the ceremony's records ledger. */
export async function storeRecord(store: ObjectStore, noteRecord: NoteRecord, input: RecordInput): Promise<string> {
  const record = { version: 1, ...input, at: new Date(input.at).toISOString() };
  const stored = await store.put(RECORD_PREFIX, Buffer.from(JSON.stringify(record)), { contentType: 'application/json' });
  await noteRecord(input.ceremonyId, { key: stored.key, kind: input.kind });
  return stored.key;
}

export function createEvidenceActivities(store: ObjectStore, receiptKey: ReceiptKey, noteRecord: NoteRecord): Pick<SequentialActivities, 'issueReceipt' | 'writeRecord' | 'deleteObject'> {
  return {
    async issueReceipt(input: ReceiptInput) {
      const payload: ReceiptPayload = {
        version: 1,
        ceremonyId: input.ceremonyId,
        identity: input.identity,
        sequence: input.sequence,
        transcriptSha256Before: input.transcriptSha256Before,
        transcriptSha256After: input.transcriptSha256After,
        potPubkeys: input.potPubkeys,
        acceptedAt: new Date(input.acceptedAt).toISOString(),
      };
      const receipt = await signReceipt(payload, receiptKey);
      const stored = await store.put(RECEIPT_PREFIX, Buffer.from(JSON.stringify(receipt)), { contentType: 'application/json' });
      return { receiptId: stored.sha256, receiptKey: stored.key };
    },

    async writeRecord(input: RecordInput) {
      return { recordKey: await storeRecord(store, noteRecord, input) };
    },

    async deleteObject({ key, within }: { key: string; within?: string }) {
      // A turn deletes only its own staged upload: never a key outside its prefix (an accepted
      // contribution's, or one staged under the older shared `uploads/<sha256>` layout).
      if (within !== undefined && !isTurnUploadKey(key, within)) {
        log.warn("not deleting an object outside the turn's upload prefix", { key, within });
        return;
      }
      await store.delete(key);
    },
  };
}
