// The activities the sequential workflows call, as types (implemented in activities/sequential).
import type { SubCeremonySize, TranscriptHead, TurnOutcomeKind } from './types.js';

export interface VerifyAndApplyInput {
  ceremonyId: string;
  base: TranscriptHead;
  uploadKey: string;
  participantId: string;
  identity: string;
  turnId: string;
}

export type VerifyAndApplyResult = { valid: true; head: TranscriptHead; potPubkeys: string[]; prunedSignatures: string[] } | { valid: false; code: string; message: string };

export interface ReceiptInput {
  ceremonyId: string;
  participantId: string;
  identity: string;
  turnId: string;
  sequence: number;
  transcriptSha256Before: string;
  transcriptSha256After: string;
  potPubkeys: string[];
  acceptedAt: number;
}

export interface RecordInput {
  ceremonyId: string;
  kind: TurnOutcomeKind | 'left' | 'missed-checkin' | 'deadline-excused' | 'banned' | 'unbanned' | 'admin' | 'lobby-closed' | 'ceremony-paused' | 'ceremony-resumed' | 'beacon-announced' | 'beacon';
  participantId: string;
  identity: string;
  turnId?: string;
  sequence?: number;
  /** Chained records (turn outcomes) commit to the previous record and the transcript hashes. */
  previousRecordKey?: string;
  transcriptSha256Before?: string;
  transcriptSha256After?: string;
  uploadKey?: string;
  failedCheck?: { code: string; message: string };
  receiptId?: string;
  detail?: string;
  /** Further structured evidence (the beacon's announcement and value). */
  data?: Record<string, unknown>;
  at: number;
}

export interface FinaliseInput {
  ceremonyId: string;
  base: TranscriptHead;
  beaconValueHex: string;
  iterations: number;
  previousRecordKey: string | undefined;
  announcementRecordKey: string;
}

export interface FinaliseResult {
  head: TranscriptHead;
  recordKey: string;
  digestHex: string;
}

export interface SequentialActivities {
  initialTranscript(input: { ceremonyId: string; sizes: SubCeremonySize[] }): Promise<TranscriptHead>;
  verifyAndApply(input: VerifyAndApplyInput): Promise<VerifyAndApplyResult>;
  issueReceipt(input: ReceiptInput): Promise<{ receiptId: string; receiptKey: string }>;
  writeRecord(input: RecordInput): Promise<{ recordKey: string }>;
  /** The last contribution, from an announced beacon: computed, verified, applied, recorded. */
  finaliseWithBeacon(input: FinaliseInput): Promise<FinaliseResult>;
  /** Deletes the key, but only when it is one submission's upload under `within` (else does nothing). */
  deleteObject(input: { key: string; within?: string }): Promise<void>;
}
