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

export type VerifyAndApplyResult =
  | { valid: true; head: TranscriptHead; potPubkeys: string[]; prunedSignatures: string[] }
  | { valid: false; code: string; message: string };

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
  kind: TurnOutcomeKind | 'left' | 'missed-checkin' | 'banned' | 'unbanned' | 'admin';
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
  at: number;
}

export interface SequentialActivities {
  initialTranscript(input: { ceremonyId: string; sizes: SubCeremonySize[] }): Promise<TranscriptHead>;
  verifyAndApply(input: VerifyAndApplyInput): Promise<VerifyAndApplyResult>;
  issueReceipt(input: ReceiptInput): Promise<{ receiptId: string; receiptKey: string }>;
  writeRecord(input: RecordInput): Promise<{ recordKey: string }>;
  /** Deletes the key, but only when it is one submission's upload under `within` (else does nothing). */
  deleteObject(input: { key: string; within?: string }): Promise<void>;
}
