// Types of the rounds-mode workflows (seed 000), shared with the activities and the API. Pure data.

export interface RoundsSettings {
  ceremonyId: string;
  numG1Powers: number;
  numG2Powers: number;
  chunkCount: number;
  /** REQ-3: most contributors in one round. */
  contributorsPerRound: number;
  /** A round starts once this many wait, or when the oldest has waited roundFillWaitMs. */
  roundFillWaitMs: number;
  verification: 'coordinator' | 'external';
  verifierIdentities: string[];
  replacementIdentities: string[];
  /** REQ-20: no heartbeat for this long drops a participant. */
  heartbeatTimeoutMs: number;
  /** REQ-35: holding one task longer than this drops a contributor. */
  slowTaskTimeoutMs: number;
  /** REQ-33: this many failed verifications drop a contributor. */
  maxVerificationFailures: number;
  /** An external verifier must answer a verification within this long. */
  verificationLeaseMs: number;
  /** A verifier that lets this many leases expire (or errs) is dropped. */
  maxVerifierFailures: number;
  /** How often the round looks for unresponsive and slow participants. */
  sweepIntervalMs: number;
  /** Stop after this many completed rounds (0: no limit). */
  maxRounds: number;
  workflowTaskQueue: string;
  verificationTaskQueue: string;
  /** Whether the custom search attributes exist on the cluster (common/search-attributes.ts); absent in older inputs: off. */
  searchAttributes?: boolean;
}

export interface Member {
  id: string;
  identity: string;
}

export type SlotStatus = 'active' | 'dropped' | 'finished';

/** A place in the round's schedule; a replacement takes over a dropped contributor's slot. */
export interface Slot {
  slot: number;
  /** Who works this slot now. */
  member: Member;
  /** Everyone who worked it, oldest first (a replacement adds itself). */
  history: string[];
  isReplacement: boolean;
  /** The chunks this slot contributes to, in order: its bucket first, then cyclically. */
  chunkOrder: number[];
  status: SlotStatus;
  /** [x]_2 of the slot's current member, fixed by its first verified chunk (same secret everywhere). */
  pubkey: string | undefined;
  failures: number;
  lastSeen: number;
}

export type ContributionStatus = 'verifying' | 'verified';

export interface ChunkContributionEntry {
  id: string;
  slot: number;
  contributorId: string;
  uploadKey: string;
  baseStateKey: string;
  status: ContributionStatus;
  submittedAt: number;
  verifierId?: string;
  verificationKey?: string;
  pubkey?: string;
}

export interface ChunkSlotState {
  index: number;
  /** The verified state this round started from (the previous round's final, or the initial). */
  baseStateKey: string;
  contributions: ChunkContributionEntry[];
  lock: { slot: number; contributorId: string; since: number } | undefined;
}

export interface VerifierState {
  id: string;
  identity: string;
  failures: number;
  lastSeen: number;
  status: 'active' | 'dropped';
}

export interface VerificationLease {
  contributionId: string;
  verifierId: string;
  since: number;
}

export interface DropEntry {
  memberId: string;
  identity: string;
  role: 'contributor' | 'verifier';
  reason: 'unresponsive' | 'slow' | 'verification-failures' | 'admin' | 'banned' | 'verifier-failures';
  at: number;
  removedContributions: string[];
  replacedBy: string | undefined;
}

export interface RoundPhaseView {
  phase: 'contributing' | 'aggregating' | 'complete' | 'restarting' | 'cancelled';
}

export type TaskAnswer =
  | { action: 'contribute'; round: number; chunk: number; baseStateKey: string; contributionIndex: number }
  | { action: 'wait'; retryAfterMs: number; reason: string }
  | { action: 'done'; round: number }
  | { action: 'dropped'; reason: string }
  | { action: 'not-in-round' };

export type VerificationTask =
  | { action: 'verify'; contributionId: string; chunk: number; baseStateKey: string; uploadKey: string; expectedPubkey: string | undefined }
  | { action: 'wait'; retryAfterMs: number }
  | { action: 'dropped'; reason: string };

export interface RoundResult {
  kind: 'complete' | 'restart';
  round: number;
  attempt: number;
  /** complete: the final state of each chunk, the aggregated parameters, receipts. */
  finalStateKeys?: string[];
  aggregatedKey?: string;
  aggregatedSha256?: string;
  receipts?: Array<{ memberId: string; identity: string; receiptId: string }>;
  /** restart: who carries over, and whether fresh contributors come from the queue. */
  reason?: string;
  carryOver?: Member[];
  takeFromQueue?: boolean;
  contributors: Member[];
  drops: DropEntry[];
}

export interface RoundStatus {
  round: number;
  attempt: number;
  phase: RoundPhaseView['phase'];
  slots: Array<{ slot: number; memberId: string; identity: string; status: SlotStatus; isReplacement: boolean; done: number; total: number; failures: number }>;
  chunks: Array<{ index: number; verified: number; verifying: number; lockedBySlot: number | undefined }>;
  verifiers: VerifierState[];
  pendingVerifications: number;
  drops: DropEntry[];
  replacementsAvailable: number;
  progress: { verifiedContributions: number; totalContributions: number };
}
