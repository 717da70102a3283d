import type { DropEntry, Member } from './types.js';

export interface RoundHistoryEntry {
  round: number;
  attempts: number;
  aggregatedKey: string;
  aggregatedSha256: string;
  finalStateKeys: string[];
  contributors: Member[];
  receipts: Array<{ memberId: string; identity: string; receiptId: string }>;
  drops: DropEntry[];
  backupKey: string | undefined;
  completedAt: number;
}

export interface RoundsCeremonyStatus {
  ceremonyId: string;
  phase: 'initialising' | 'waiting-for-contributors' | 'round-running' | 'finished';
  queue: Member[];
  banned: string[];
  completedRounds: number;
  current: { round: number; attempt: number; workflowId: string; contributors: Member[] } | null;
  baseStateKeys: string[];
  history: RoundHistoryEntry[];
  restarts: Array<{ round: number; attempt: number; reason: string; at: number }>;
  lastBackupKey: string | undefined;
}
