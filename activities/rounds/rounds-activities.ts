// Activities of rounds mode: initial challenges, chunk verification, aggregation, receipts, records,
// clean-up and backups.
import { CompactSign } from 'jose';
import { signRoundReceipt } from '../../evidence/receipt.js';
import { InvalidInputError } from '../../engine/errors.js';
import { parseChunkContribution } from '../../engine/chunked/format.js';
import { initialChunkStates } from '../../engine/chunked/initial.js';
import { verifyChunkContribution } from '../../engine/chunked/verify.js';
import type { ReceiptKey } from '../../evidence/receipt-key.js';
import type { ObjectStore } from '../../store/index.js';
import type { RoundsActivities, VerifyChunkInput, VerifyChunkResult } from '../../workflows/rounds/activities-api.js';
import { sharedEngine } from '../engine-instance.js';
import type { NoteRecord } from '../evidence/ledger-activities.js';
import { withHeartbeat } from '../heartbeat.js';
import { loadChunkState, MAX_CHUNK_DOCUMENT_BYTES, storeChunkState } from './chunk-store.js';
import { aggregateRoundChunks } from './aggregate.js';
import { BACKUP_PREFIX, RECEIPT_PREFIX as ROUND_RECEIPT_PREFIX, RECORD_PREFIX as ROUND_RECORD_PREFIX, VERIFICATION_PREFIX } from '../../store/keys.js';

async function putJson(store: ObjectStore, prefix: string, value: unknown): Promise<{ key: string; sha256: string }> {
  return store.put(prefix, Buffer.from(JSON.stringify(value)), { contentType: 'application/json' });
}

export function createRoundsActivities(store: ObjectStore, receiptKey: ReceiptKey, noteRecord: NoteRecord): RoundsActivities {
  const signed = async (payload: Record<string, unknown>): Promise<{ jws: string; payload: Record<string, unknown> }> => {
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'EdDSA', kid: receiptKey.kid, typ: 'ceremony-verification+jws' })
      .sign(receiptKey.privateKey);
    return { jws, payload };
  };

  return {
    async initialChunks({ numG1Powers, numG2Powers, chunkCount }) {
      const states = initialChunkStates({ numG1Powers, numG2Powers }, chunkCount);
      const keys: string[] = [];
      for (const state of states) keys.push(await storeChunkState(store, state));
      return keys;
    },

    async verifyChunk(input: VerifyChunkInput): Promise<VerifyChunkResult> {
      return withHeartbeat(async () => {
        const previous = await loadChunkState(store, input.baseStateKey);
        const engine = await sharedEngine();
        const base = { contributionId: input.contributionId, chunk: input.chunk, uploadKey: input.uploadKey, baseStateKey: input.baseStateKey, verifier: 'coordinator', at: new Date().toISOString() };
        try {
          const text = Buffer.from(await store.getBytes(input.uploadKey, MAX_CHUNK_DOCUMENT_BYTES)).toString('utf8');
          const contribution = parseChunkContribution(text);
          if (contribution.chunkIndex !== input.chunk) throw new InvalidInputError('WRONG_COUNT', `the upload is for chunk ${contribution.chunkIndex}, the task was chunk ${input.chunk}`);
          await verifyChunkContribution(engine, previous, contribution, input.expectedPubkey === undefined ? {} : { expectedPubkey: input.expectedPubkey });
          const { key } = await putJson(store, VERIFICATION_PREFIX, await signed({ ...base, valid: true, pubkey: contribution.potPubkey }));
          return { valid: true, pubkey: contribution.potPubkey, verificationKey: key };
        } catch (err) {
          if (!(err instanceof InvalidInputError)) throw err;
          const { key } = await putJson(store, VERIFICATION_PREFIX, await signed({ ...base, valid: false, code: err.code, message: err.message }));
          return { valid: false, code: err.code, message: err.message, verificationKey: key };
        }
      });
    },

    async aggregateRound(input) {
      return withHeartbeat(() => aggregateRoundChunks(store, input));
    },

    async issueRoundReceipt(input) {
      const receipt = await signRoundReceipt(
        {
          version: 1,
          kind: 'round-contribution',
          ceremonyId: input.ceremonyId,
          round: input.round,
          identity: input.identity,
          contributions: input.contributions,
          aggregatedSha256: input.aggregatedSha256,
          issuedAt: new Date().toISOString(),
        },
        receiptKey,
      );
      const { sha256 } = await putJson(store, ROUND_RECEIPT_PREFIX, receipt);
      return { receiptId: sha256 };
    },

    async writeRoundRecord(input) {
      const { key } = await putJson(store, ROUND_RECORD_PREFIX, { version: 1, ...input, at: new Date().toISOString() });
      await noteRecord(input.ceremonyId, { key, kind: input.kind });
      return { recordKey: key };
    },

    async deleteObjects({ keys }) {
      for (const key of keys) await store.delete(key);
    },

    async backupCeremony({ ceremonyId, state }) {
      const { key } = await putJson(store, BACKUP_PREFIX, { version: 1, ceremonyId, takenAt: new Date().toISOString(), state });
      return { backupKey: key };
    },
  };
}
