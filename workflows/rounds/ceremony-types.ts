import type { CeremonyPhaseView } from '../sequential/types.js';
import type { DropEntry, Member } from './types.js';

/**
 * Who may join the round queue (#13 item 6), the sequential phases without finalisation: open; paused
 * (no joins, no new round; a round under way, restarts included, runs to its end; waiters keep their
 * places); closed (no joins; the queue drains, each round starting as soon as it can, and then the
 * ceremony is finished).
 */
export type RoundsAdmission = Omit<CeremonyPhaseView, 'phase' | 'beacon'> & { phase: Exclude<CeremonyPhaseView['phase'], 'final'> };

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
  admission: RoundsAdmission;
}
