// Activities the rounds workflows call (implemented in activities/rounds).
export interface VerifyChunkInput {
  ceremonyId: string;
  round: number;
  contributionId: string;
  chunk: number;
  baseStateKey: string;
  uploadKey: string;
  expectedPubkey: string | undefined;
}

export type VerifyChunkResult = { valid: true; pubkey: string; verificationKey: string } | { valid: false; code: string; message: string; verificationKey: string };

export interface AggregateInput {
  ceremonyId: string;
  round: number;
  finalKeys: string[];
  /** Chunk 0's verified contributions in the order it received them: the round's running-product chain. */
  historyKeys: string[];
  /** The identity of each historyKeys contribution's contributor, in the same order (absent from rounds scheduled before it existed). */
  historyIdentities?: string[];
  contributors: Array<{ memberId: string; identity: string; pubkeys: string[] }>;
  previousAggregatedKey: string | undefined;
}

export interface AggregateResult {
  aggregatedKey: string;
  aggregatedSha256: string;
  finalStateKeys: string[];
}

export interface RoundsActivities {
  initialChunks(input: { ceremonyId: string; numG1Powers: number; numG2Powers: number; chunkCount: number }): Promise<string[]>;
  verifyChunk(input: VerifyChunkInput): Promise<VerifyChunkResult>;
  aggregateRound(input: AggregateInput): Promise<AggregateResult>;
  issueRoundReceipt(input: {
    ceremonyId: string;
    round: number;
    memberId: string;
    identity: string;
    contributions: Array<{ chunk: number; uploadKey: string; pubkey: string | undefined }>;
    aggregatedSha256: string;
  }): Promise<{ receiptId: string }>;
  writeRoundRecord(input: { ceremonyId: string; kind: string; round: number; attempt: number; detail: Record<string, unknown> }): Promise<{ recordKey: string }>;
  deleteObjects(input: { keys: string[] }): Promise<void>;
  backupCeremony(input: { ceremonyId: string; state: unknown }): Promise<{ backupKey: string }>;
}
