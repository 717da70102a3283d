// Transcript work of the sequential mode: the initial transcript, and verify-then-apply of an upload.
import { ApplicationFailure } from '@temporalio/activity';
import { InvalidInputError } from '../../engine/errors.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { serializeBatchContribution, serializeBatchTranscript } from '../../engine/format/serialize.js';
import type { BatchContribution, BatchTranscript } from '../../engine/format/types.js';
import { transcriptParticipantId } from '../../engine/format/identity-patterns.js';
import { pruneInvalidSignatures } from '../../engine/identity/prune.js';
import { applyVerifiedContribution } from '../../engine/ops/apply-contribution.js';
import { newTranscript } from '../../engine/ops/new-transcript.js';
import { verifyContribution } from '../../engine/ops/verify-contribution.js';
import type { ObjectStore } from '../../store/index.js';
import type { FinaliseInput, FinaliseResult, SequentialActivities, VerifyAndApplyInput, VerifyAndApplyResult } from '../../workflows/sequential/activities-api.js';
import type { SubCeremonySize, TranscriptHead } from '../../workflows/sequential/types.js';
import { sharedEngine } from '../engine-instance.js';
import { withHeartbeat } from '../heartbeat.js';
import { beaconContribution } from '../../engine/beacon/beacon.js';
import type { NoteRecord } from '../evidence/ledger-activities.js';
import { storeRecord } from './evidence-activities.js';
import { POWERS_PREFIX, TRANSCRIPT_PREFIX } from '../../store/keys.js';

/** Bounds on what is read back from the store into memory. */
export const MAX_TRANSCRIPT_BYTES = 512 * 1024 * 1024;

/** The current powers as a BatchContribution: what `contribution/start` hands to the contributor. */
export function powersOf(transcript: BatchTranscript): BatchContribution {
  return {
    contributions: transcript.transcripts.map((sub) => ({
      numG1Powers: sub.numG1Powers,
      numG2Powers: sub.numG2Powers,
      powersOfTau: sub.powersOfTau,
      potPubkey: sub.witness.potPubkeys[sub.witness.potPubkeys.length - 1] as string,
    })),
  };
}

async function storeTranscript(store: ObjectStore, transcript: BatchTranscript, sequence: number): Promise<TranscriptHead> {
  const stored = await store.put(TRANSCRIPT_PREFIX, Buffer.from(serializeBatchTranscript(transcript)), { contentType: 'application/json' });
  const powers = await store.put(POWERS_PREFIX, Buffer.from(serializeBatchContribution(powersOf(transcript))), { contentType: 'application/json' });
  return { sequence, transcriptKey: stored.key, transcriptSha256: stored.sha256, powersKey: powers.key };
}

export function createTranscriptActivities(
  store: ObjectStore,
  maxUploadBytes: number,
  noteRecord: NoteRecord,
): Pick<SequentialActivities, 'initialTranscript' | 'verifyAndApply' | 'finaliseWithBeacon'> {
  return {
    // The beacon's contribution: computed from the announced parameters and the value, verified like
    // any other, applied (unattributed: no person made it), recorded with the beacon's derivation.
    async finaliseWithBeacon(input: FinaliseInput): Promise<FinaliseResult> {
      return withHeartbeat(async () => {
        const transcript = parseBatchTranscript(Buffer.from(await store.getBytes(input.base.transcriptKey, MAX_TRANSCRIPT_BYTES)).toString('utf8'));
        const engine = await sharedEngine();
        let beacon;
        try {
          beacon = await beaconContribution(engine, transcript, { beaconValueHex: input.beaconValueHex, iterations: input.iterations });
        } catch (err) {
          if (err instanceof InvalidInputError) throw ApplicationFailure.create({ type: 'VALIDATION_FAILED', message: err.message, nonRetryable: true });
          throw err;
        }
        const verified = await verifyContribution(engine, transcript, beacon.contribution);
        const head = await storeTranscript(store, await applyVerifiedContribution(verified, { participantId: '' }), input.base.sequence + 1);
        const recordKey = await storeRecord(store, noteRecord, {
          ceremonyId: input.ceremonyId,
          kind: 'beacon',
          participantId: '',
          identity: '',
          sequence: head.sequence,
          previousRecordKey: input.previousRecordKey,
          transcriptSha256Before: input.base.transcriptSha256,
          transcriptSha256After: head.transcriptSha256,
          data: { beacon: beacon.record, announcementRecordKey: input.announcementRecordKey },
          at: Date.now(),
        });
        return { head, recordKey, digestHex: beacon.record.digestHex ?? '' };
      });
    },

    async initialTranscript({ sizes }: { ceremonyId: string; sizes: SubCeremonySize[] }): Promise<TranscriptHead> {
      return storeTranscript(store, newTranscript(sizes), 0);
    },

    async verifyAndApply(input: VerifyAndApplyInput): Promise<VerifyAndApplyResult> {
      return withHeartbeat(async () => {
        const transcriptText = Buffer.from(await store.getBytes(input.base.transcriptKey, MAX_TRANSCRIPT_BYTES)).toString('utf8');
        const transcript = parseBatchTranscript(transcriptText);
        let uploadText: string;
        try {
          uploadText = Buffer.from(await store.getBytes(input.uploadKey, maxUploadBytes)).toString('utf8');
        } catch (err) {
          throw ApplicationFailure.nonRetryable(`upload ${input.uploadKey} cannot be read: ${(err as Error).message}`, 'UPLOAD_MISSING');
        }
        const engine = await sharedEngine();
        let next: BatchTranscript;
        let potPubkeys: string[];
        const pruned: string[] = [];
        try {
          const contribution = parseBatchContribution(uploadText);
          const verified = await verifyContribution(engine, transcript, contribution);
          potPubkeys = [...verified.potPubkeys];
          const participantId = transcriptParticipantId(input.identity);
          next = await applyVerifiedContribution(verified, {
            participantId,
            pruneSignatures: (c) => {
              const result = pruneInvalidSignatures(
                { contributions: c.contributions.map((s) => ({ ...s, potPubkey: s.potPubkey ?? '' })), ecdsaSignature: c.ecdsaSignature ?? '' },
                participantId === '' ? input.identity : participantId,
              );
              for (const p of result.pruned) pruned.push(p.kind === 'bls' ? `bls[${p.index}]: ${p.reason}` : `ecdsa: ${p.reason}`);
              return { blsSignatures: result.contributions.map((s) => s.blsSignature), ecdsaSignature: result.ecdsaSignature };
            },
          });
        } catch (err) {
          if (err instanceof InvalidInputError) return { valid: false, code: err.code, message: err.message };
          throw err;
        }
        const head = await storeTranscript(store, next, input.base.sequence + 1);
        return { valid: true, head, potPubkeys, prunedSignatures: pruned };
      });
    },
  };
}
