// The rounds-mode contributor: join the round queue (or stand by as a replacement), heartbeat, and
// work the tasks the coordinator hands out: download the chunk, contribute with one secret per
// round, upload. A replacement waits idle until it takes over a dropped contributor's slot.
import { chunkStateFromText } from '../engine/chunked/any-document.js';
import { contributeChunk, deriveRoundSecret } from '../engine/chunked/contribute.js';
import { serializeChunkContribution } from '../engine/chunked/format.js';
import type { Engine } from '../engine/context.js';
import { verifyReceipt } from '../evidence/receipt.js';
import { ApiError, isTransient } from './http.js';
import { RoundsClient } from './rounds-client.js';

export type RoundsContributorEvent =
  | { kind: 'joined'; position: number; round: number }
  | { kind: 'standing-by' }
  | { kind: 'contributed'; round: number; chunk: number; ms: number }
  | { kind: 'rejected-upload'; chunk: number; code: string }
  /** The coordinator could not answer this time (502/503/504, network): the contributor asks again. */
  | { kind: 'retrying'; message: string }
  | { kind: 'done'; round: number }
  /** The round's signed receipt, checked against the coordinator's published key. */
  | { kind: 'receipt'; round: number; receiptId: string; valid: boolean }
  | { kind: 'dropped'; reason: string };

export interface RoundsContributorOptions {
  url: string;
  engine: Engine;
  name: string;
  replacement?: boolean;
  entropy?: string;
  heartbeatMs?: number;
  onEvent?: (event: RoundsContributorEvent) => void;
  /** Stop when this resolves (a replacement otherwise stands by for ever). */
  stop?: Promise<void>;
  /** Abort work: for tests that kill a contributor mid-round. */
  signal?: AbortSignal;
  /** Benchmarks: sleep this long per chunk after the real contribution, to simulate a larger one. */
  simulatedComputeMs?: number;
}

export interface RoundsContributorResult {
  outcome: 'done' | 'dropped' | 'stopped';
  rounds: number[];
  chunks: number;
  /** done: the receipt of the round it finished, and whether it verified against the published key. */
  receipt?: { round: number; receiptId: string; receipt: unknown; valid: boolean };
}

/**
 * The receipt of the identity's finished round, from the round history, checked against the keys at
 * /ceremony/info. The round is recorded a moment after it tells its contributors they are done.
 */
async function roundReceipt(client: RoundsClient, identity: string, round: number): Promise<NonNullable<RoundsContributorResult['receipt']>> {
  const giveUp = Date.now() + RECEIPT_WAIT_MS;
  while (Date.now() < giveUp) {
    const entry = (await client.status()).history.find((h) => h.round === round);
    const mine = entry?.receipts.find((r) => r.identity === identity);
    if (mine !== undefined) {
      const receipt = await client.receipt(mine.receiptId);
      const check = await verifyReceipt(receipt, (await client.info()).receiptKeys.keys);
      return { round, receiptId: mine.receiptId, receipt, valid: check.valid && check.kind === 'round' && check.payload.identity === identity && check.payload.round === round };
    }
    await sleep(250);
  }
  // The round told this contributor it was done but lists no receipt for it: that is the coordinator's
  // failure, reported as a receipt that does not verify.
  return { round, receiptId: '', receipt: undefined, valid: false };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** How long a finished contributor looks for its round's receipt in the round history. */
const RECEIPT_WAIT_MS = 120_000;

export async function runRoundsContributor(options: RoundsContributorOptions): Promise<RoundsContributorResult> {
  const client = new RoundsClient(options.url);
  const emit = options.onEvent;
  const identity = await client.loginDev(options.name);
  if (options.replacement === true) emit?.({ kind: 'standing-by' });
  else {
    try {
      const joined = await client.join();
      emit?.({ kind: 'joined', ...joined });
    } catch (err) {
      // A join repeated after an answer was lost, once the round it joined has started: already in.
      if (!(err instanceof ApiError && err.code === 'ALREADY_IN_QUEUE')) throw err;
    }
  }
  let stopped = false;
  void options.stop?.then(() => (stopped = true));
  const aborted = (): boolean => stopped || options.signal?.aborted === true;
  const beat = setInterval(() => {
    if (!aborted()) client.heartbeat().catch(() => undefined);
  }, options.heartbeatMs ?? 2_000);
  const rounds: number[] = [];
  let chunks = 0;
  let secret: { round: number; value: bigint } | undefined;
  /** One task: undefined to go on, or the result when the contributor is finished. */
  const step = async (): Promise<RoundsContributorResult | undefined> => {
    const task = await client.nextTask();
    if (task.action === 'contribute') {
      if (secret?.round !== task.round) secret = { round: task.round, value: deriveRoundSecret(options.entropy) };
      const began = Date.now();
      const state = chunkStateFromText(await client.object(task.baseStateKey));
      const contribution = await contributeChunk(options.engine, state, secret.value);
      if (options.simulatedComputeMs !== undefined && options.simulatedComputeMs > 0) await sleep(options.simulatedComputeMs);
      if (aborted()) return undefined;
      try {
        await client.submitChunk(task.chunk, task.baseStateKey, serializeChunkContribution(contribution));
        chunks += 1;
        if (!rounds.includes(task.round)) rounds.push(task.round);
        emit?.({ kind: 'contributed', round: task.round, chunk: task.chunk, ms: Date.now() - began });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500) throw err;
        emit?.({ kind: 'rejected-upload', chunk: task.chunk, code: err.code });
      }
    } else if (task.action === 'wait') {
      await sleep(Math.min(task.retryAfterMs, 1_000));
    } else if (task.action === 'done') {
      emit?.({ kind: 'done', round: task.round });
      if (options.replacement !== true) {
        const receipt = await roundReceipt(client, identity, task.round);
        emit?.({ kind: 'receipt', round: receipt.round, receiptId: receipt.receiptId, valid: receipt.valid });
        return { outcome: 'done', rounds, chunks, receipt };
      }
      await sleep(1_000);
    } else if (task.action === 'dropped') {
      emit?.({ kind: 'dropped', reason: task.reason });
      return { outcome: 'dropped', rounds, chunks };
    } else {
      await sleep(1_000);
    }
    return undefined;
  };
  try {
    while (!aborted()) {
      try {
        const next = await step();
        if (next !== undefined) return next;
      } catch (err) {
        // Whatever the coordinator could not answer, it still knows: the next task says where things stand.
        if (!isTransient(err)) throw err;
        emit?.({ kind: 'retrying', message: err instanceof Error ? err.message : String(err) });
        await sleep(1_000);
      }
    }
    return { outcome: 'stopped', rounds, chunks };
  } finally {
    clearInterval(beat);
  }
}
