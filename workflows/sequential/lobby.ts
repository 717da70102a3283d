// The lobby's liveness table (sequential mode): who checked in, and by when each must check in
// again. It is split into shards by participant id, and each shard's table lives in one workflow per
// time epoch (`lobbyEpochMs`, by the clocks of the API replicas that send the check-ins):
//
// - The API sends check-ins in batches as signals to the epoch of the moment (signal-with-start).
//   A signal is answered once it is in the workflow's history, without waiting for a workflow task:
//   a check-in is durable before it is answered, at the cost of one history append.
// - An epoch never continues as new (a signal arriving while a run continues as new fails that
//   workflow task, and under a steady stream of batches the run could not finish for seconds). When
//   its epoch is over, plus `lobbyEpochOverlapMs` for late batches from replicas whose clocks lag, it
//   hands its table to the next epoch (starting it, or signalling it when check-ins already started
//   it) and completes; an empty table is not handed over.
// - Only one epoch removes people at a time: an epoch sweeps once it has its predecessor's table
//   (or `2 x overlap` after its start, when there was none to wait for) and stops sweeping `overlap`
//   before its end, when replicas whose clocks run ahead may already send to the next one.
//
// A sweep tells each participant's workflow that it missed its deadline plus the grace allowance.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { allHandlersFinished, ApplicationFailure, condition, getExternalWorkflowHandle, ParentClosePolicy, setHandler, startChild } from '@temporalio/workflow';
import { checkinDueSignal, checkinsSignal, livenessQuery, lobbyHandoverSignal, lobbyLeftSignal, missedCheckinSignal, type LivenessEntry } from './messages.js';
import { participantWorkflowIdFor } from './ids.js';
import { signalStarted } from './signal-started.js';
import type { SequentialSettings, SequentialTiming } from './types.js';

export interface LobbyShardInput {
  settings: SequentialSettings;
  shard: number;
  epoch: number;
  /** The previous epoch's table, when it started this one. */
  entries?: LivenessEntry[];
}

/** Which lobby shard holds a participant (participant ids are hex digests). */
export function lobbyShardOf(participantId: string, shards: number): number {
  const n = Number.parseInt(participantId.slice(0, 8), 16);
  return Number.isFinite(n) ? n % Math.max(1, shards) : 0;
}

/** The lobby epoch a moment falls in. */
export function lobbyEpochOf(at: number, timing: Pick<SequentialTiming, 'lobbyEpochMs'>): number {
  return Math.floor(at / timing.lobbyEpochMs);
}

/**
 * The epochs a message about a participant leaving, sent at `at`, must reach: the epoch of the moment
 * and its neighbours within the overlap (a replica whose clock differs may have recorded there).
 */
export function lobbyEpochsAround(at: number, timing: Pick<SequentialTiming, 'lobbyEpochMs' | 'lobbyEpochOverlapMs'>): number[] {
  const epochs = [at - timing.lobbyEpochOverlapMs, at, at + timing.lobbyEpochOverlapMs].map((t) => lobbyEpochOf(t, timing));
  return [...new Set(epochs)];
}

export function lobbyShardWorkflowId(ceremonyId: string, shard: number, epoch: number): string {
  return `ceremony-${ceremonyId}-lobby-${shard}-e${epoch}`;
}

export interface EpochPhases {
  /** The epoch removes people from here (once it has its predecessor's table, or has waited for it)… */
  sweepFrom: number;
  /** …to here, when replicas whose clocks run ahead may already send to the next epoch. */
  sweepUntil: number;
  /** Late batches are taken until here; then the table goes to the next epoch. */
  handOverAt: number;
}

export function epochPhases(epoch: number, timing: Pick<SequentialTiming, 'lobbyEpochMs' | 'lobbyEpochOverlapMs'>, predecessorIn: boolean): EpochPhases {
  const startsAt = epoch * timing.lobbyEpochMs;
  const endsAt = startsAt + timing.lobbyEpochMs;
  const overlap = timing.lobbyEpochOverlapMs;
  return { sweepFrom: predecessorIn ? startsAt : startsAt + 2 * overlap, sweepUntil: endsAt - overlap, handOverAt: endsAt + overlap };
}

const ignore = (): void => undefined;

/** Most participants one shard is meant to hold (the table handed to the next epoch stays well under 2 MB). */
export const LOBBY_SHARD_CAPACITY = 7_000;

interface Departure {
  at: number;
  turnWorkflowId?: string;
  /** The turn has been told the participant's check-in deadline. */
  told: boolean;
}

export async function lobbyShardWorkflow(input: LobbyShardInput): Promise<void> {
  const { settings, epoch } = input;
  const grace = settings.timing.checkinGraceMs;
  const table = new Map<string, LivenessEntry>();
  /** Who left during this epoch: an older entry of theirs, handed over or late, is not taken. */
  const departed = new Map<string, Departure>();
  let predecessorIn = input.entries !== undefined;
  const expiry = (e: LivenessEntry): number => e.deadline + grace;
  /** When the armed timer fires; an entry expiring sooner must wake the loop. */
  let armedFor = Number.POSITIVE_INFINITY;
  let wake = false;

  const tellTurn = (turnWorkflowId: string, entry: LivenessEntry): void => {
    // Called: the participant learns of its turn at its next check-in, due by this deadline.
    void signalStarted(turnWorkflowId, checkinDueSignal, { by: entry.deadline });
  };

  const take = (e: LivenessEntry): void => {
    const gone = departed.get(e.participantId);
    if (gone !== undefined && gone.at >= e.at) {
      if (!gone.told && gone.turnWorkflowId !== undefined) {
        gone.told = true;
        tellTurn(gone.turnWorkflowId, e);
      }
      return;
    }
    const known = table.get(e.participantId);
    // Two writers may race (API replicas, an epoch and its predecessor): the later check-in wins.
    if (known !== undefined && known.at > e.at) return;
    table.set(e.participantId, e);
    if (expiry(e) < armedFor) wake = true;
  };
  for (const e of input.entries ?? []) take(e);

  setHandler(checkinsSignal, (entries) => {
    for (const e of entries) take(e);
  });

  setHandler(lobbyHandoverSignal, ({ entries }) => {
    for (const e of entries) take(e);
    predecessorIn = true;
    wake = true;
  });

  setHandler(lobbyLeftSignal, ({ participantId, turnWorkflowId, at }) => {
    const known = table.get(participantId);
    table.delete(participantId);
    departed.set(participantId, { at, turnWorkflowId, told: known !== undefined });
    if (known !== undefined && turnWorkflowId !== undefined) tellTurn(turnWorkflowId, known);
  });

  setHandler(livenessQuery, (participantId) => table.get(participantId) ?? null);

  // Sweep while this epoch is the one that removes people; then take late batches until the overlap
  // has passed, and hand over.
  const sweepFrom = (): number => epochPhases(epoch, settings.timing, predecessorIn).sweepFrom;
  const { sweepUntil, handOverAt } = epochPhases(epoch, settings.timing, predecessorIn);
  for (;;) {
    const now = Date.now();
    if (now >= handOverAt) break;
    const sweeping = now >= sweepFrom() && now < sweepUntil;
    let earliest = Number.POSITIVE_INFINITY;
    if (sweeping) for (const e of table.values()) earliest = Math.min(earliest, expiry(e));
    if (sweeping && earliest <= now) {
      // Everyone whose deadline and grace have passed is told, and forgotten.
      const missed = [...table.values()].filter((e) => expiry(e) <= now);
      for (const e of missed) table.delete(e.participantId);
      await Promise.all(
        missed.map((e) => getExternalWorkflowHandle(participantWorkflowIdFor(settings.ceremonyId, e.participantId)).signal(missedCheckinSignal, { deadline: e.deadline, at: e.at }).catch(ignore)),
      );
      continue;
    }
    // Wake at the earliest expiry while sweeping, or when sweeping starts, stops, or the hand-over is due.
    const next = Math.min(earliest, now < sweepFrom() ? sweepFrom() : Number.POSITIVE_INFINITY, now < sweepUntil ? sweepUntil : handOverAt, handOverAt);
    wake = false;
    armedFor = sweeping ? earliest : Number.NEGATIVE_INFINITY;
    await condition(() => wake, Math.max(1, next - now));
  }

  await condition(allHandlersFinished);
  if (table.size === 0) return;
  await handOver(input, [...table.values()]);
}

/** Starts the next epoch with the table, or signals it the table when check-ins already started it. */
async function handOver(input: LobbyShardInput, entries: LivenessEntry[]): Promise<void> {
  const next: LobbyShardInput = { settings: input.settings, shard: input.shard, epoch: input.epoch + 1, entries };
  const workflowId = lobbyShardWorkflowId(input.settings.ceremonyId, input.shard, next.epoch);
  // The next epoch may complete between a refused start and the signal (only when this one runs very
  // late): then the next attempt starts a new run of it.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await startChild(lobbyShardWorkflow, { workflowId, taskQueue: input.settings.workflowTaskQueue, args: [next], parentClosePolicy: ParentClosePolicy.ABANDON });
      return;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    try {
      await getExternalWorkflowHandle(workflowId).signal(lobbyHandoverSignal, { entries });
      return;
    } catch (err) {
      if (attempt >= HAND_OVER_ATTEMPTS) throw ApplicationFailure.nonRetryable(`could not hand the lobby table to ${workflowId}: ${String(err)}`, 'LOBBY_HAND_OVER_FAILED');
    }
  }
}

const HAND_OVER_ATTEMPTS = 5;
