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
//   hands its table and recent departures to the next epoch (starting it, or signalling it when
//   check-ins already started it), forwards whatever came meanwhile, and completes. An empty table
//   does not start the next epoch; a running one is still told.
// - Exactly one epoch removes people at any moment, and it sees every check-in: an epoch sweeps
//   until it hands over, and its successor from when the table is in. Batches that reach the
//   successor before that (replicas whose clocks run ahead) are forwarded back to the sweeping
//   predecessor (within a quarter of the grace allowance); batches that reach the predecessor after
//   the hand-over (clocks that lag) are forwarded on. An epoch with no predecessor learns so when
//   its first forward fails, and sweeps at once.
//
// A sweep tells each participant's workflow that it missed its deadline plus the grace allowance.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { allHandlersFinished, condition, getExternalWorkflowHandle, ParentClosePolicy, setHandler, sleep, startChild } from '@temporalio/workflow';
import { checkinDueSignal, checkinsSignal, livenessQuery, lobbyHandoverSignal, lobbyLeftSignal, missedCheckinSignal, type LivenessEntry, type LobbyDeparture, type LobbyHandover } from './messages.js';
import { participantWorkflowIdFor } from './ids.js';
import { signalStarted } from './signal-started.js';
import type { SequentialSettings, SequentialTiming } from './types.js';

export interface LobbyShardInput {
  settings: SequentialSettings;
  shard: number;
  epoch: number;
  /** The previous epoch's table, when it started this one. */
  entries?: LivenessEntry[];
  /** The previous epoch's recent departures, when it started this one. */
  departures?: LobbyDeparture[];
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
 * The epochs that may hold a participant's latest entry at `at`: the epoch of the moment and its
 * neighbours within the overlap (a replica whose clock differs may have recorded there).
 */
export function lobbyEpochsAround(at: number, timing: Pick<SequentialTiming, 'lobbyEpochMs' | 'lobbyEpochOverlapMs'>): number[] {
  return epochsOf([at - timing.lobbyEpochOverlapMs, at, at + timing.lobbyEpochOverlapMs], timing);
}

/**
 * The epochs a departure at `at` must reach: those around the moment, and the previous one up to
 * `2 x overlap` after the boundary, while it may still be handing its table over.
 */
export function lobbyEpochsForDeparture(at: number, timing: Pick<SequentialTiming, 'lobbyEpochMs' | 'lobbyEpochOverlapMs'>): number[] {
  return epochsOf([at - 2 * timing.lobbyEpochOverlapMs, at, at + timing.lobbyEpochOverlapMs], timing);
}

function epochsOf(moments: number[], timing: Pick<SequentialTiming, 'lobbyEpochMs'>): number[] {
  return [...new Set(moments.map((t) => lobbyEpochOf(t, timing)))];
}

/** The latest of the entries several epochs hold for one participant (null where one holds none). */
export function latestEntry(held: ReadonlyArray<LivenessEntry | null>): LivenessEntry | undefined {
  let latest: LivenessEntry | undefined;
  for (const entry of held) if (entry !== null && (latest === undefined || entry.at > latest.at)) latest = entry;
  return latest;
}

export function lobbyShardWorkflowId(ceremonyId: string, shard: number, epoch: number): string {
  return `ceremony-${ceremonyId}-lobby-${shard}-e${epoch}`;
}

export interface EpochPhases {
  /** Late batches are taken until here; then the table goes to the next epoch. */
  handOverAt: number;
  /**
   * A predecessor that exists but has not handed over by here (its worker far behind) is no longer
   * waited for: this epoch sweeps with what it has.
   */
  predecessorGivenUpAt: number;
}

export function epochPhases(epoch: number, timing: Pick<SequentialTiming, 'lobbyEpochMs' | 'lobbyEpochOverlapMs'>): EpochPhases {
  const startsAt = epoch * timing.lobbyEpochMs;
  const overlap = timing.lobbyEpochOverlapMs;
  return { handOverAt: startsAt + timing.lobbyEpochMs + overlap, predecessorGivenUpAt: startsAt + 3 * overlap };
}

/**
 * How often batches are forwarded back to the predecessor (one signal carries all that came
 * meanwhile). A check-in made by its deadline must reach the sweeping predecessor before the grace
 * runs out: a quarter of the grace, at most 1 s (each forward costs three workflow tasks; at 100 ms
 * the check-in p99 of bench/sequential.ts rose from 82 to 110–151 ms).
 */
export function forwardBackEveryMs(timing: Pick<SequentialTiming, 'checkinGraceMs'>): number {
  return Math.min(1_000, Math.max(50, Math.floor(timing.checkinGraceMs / 4)));
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
  /** Who left lately: an older entry of theirs, handed over or late, is not taken. */
  const departed = new Map<string, Departure>();
  let predecessorIn = input.entries !== undefined;
  const expiry = (e: LivenessEntry): number => e.deadline + grace;
  /** When the armed timer fires; an entry expiring sooner must wake the loop. */
  let armedFor = Number.POSITIVE_INFINITY;
  let wake = false;
  /** Once the hand-over has begun: what came since, still to be forwarded. */
  let handingOver = false;
  /** Check-ins from replicas taken before the predecessor's table came in, for the predecessor (it sweeps). */
  const forwardBack: LivenessEntry[] = [];
  /** Without a table at the start, the first forward goes at once, empty or not: it finds out whether a predecessor runs. */
  let probePending = !predecessorIn;
  let forwardInFlight = false;
  let lastForwardAt = Number.NEGATIVE_INFINITY;
  const late: LobbyHandover = { entries: [], departures: [] };

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
    if (handingOver) late.entries.push(e);
    if (expiry(e) < armedFor) wake = true;
  };

  const depart = ({ participantId, at, turnWorkflowId }: LobbyDeparture): void => {
    const known = table.get(participantId);
    // A check-in after the departure (the participant came back) stays.
    const removes = known !== undefined && known.at <= at;
    if (removes) table.delete(participantId);
    const previous = departed.get(participantId);
    if (previous === undefined || previous.at < at) departed.set(participantId, { at, ...(turnWorkflowId === undefined ? {} : { turnWorkflowId }), told: removes });
    if (removes && turnWorkflowId !== undefined) tellTurn(turnWorkflowId, known);
    if (handingOver) late.departures.push({ participantId, at, ...(turnWorkflowId === undefined || removes ? {} : { turnWorkflowId }) });
  };

  const receive = (handover: LobbyHandover): void => {
    for (const d of handover.departures) depart(d);
    for (const e of handover.entries) take(e);
  };
  receive({ entries: input.entries ?? [], departures: input.departures ?? [] });

  setHandler(checkinsSignal, (entries) => {
    for (const e of entries) take(e);
    if (!predecessorIn && !handingOver) {
      // Wake only to schedule a forward: one already due or on its way takes these too.
      if (forwardBack.length === 0 && !forwardInFlight) wake = true;
      forwardBack.push(...entries);
    }
  });

  setHandler(lobbyHandoverSignal, (handover) => {
    receive(handover);
    predecessorIn = true;
    forwardBack.length = 0;
    wake = true;
  });

  setHandler(lobbyLeftSignal, depart);

  setHandler(livenessQuery, (participantId) => table.get(participantId) ?? null);

  const sendForwardBack = (): void => {
    const entries = forwardBack.splice(0);
    probePending = false;
    forwardInFlight = true;
    lastForwardAt = Date.now();
    getExternalWorkflowHandle(lobbyShardWorkflowId(settings.ceremonyId, input.shard, epoch - 1))
      .signal(checkinsSignal, entries)
      .catch(() => {
        // No predecessor runs: none will hand over (one that completed already has).
        predecessorIn = true;
        forwardBack.length = 0;
      })
      .finally(() => {
        forwardInFlight = false;
        wake = true;
      });
  };

  // Sweep once this epoch is the one that removes people (its predecessor's table is in, or there is
  // none); until then forward check-ins back to the predecessor, which still sweeps. Take late batches
  // until the overlap has passed, and hand over.
  const { handOverAt, predecessorGivenUpAt } = epochPhases(epoch, settings.timing);
  const forwardEvery = forwardBackEveryMs(settings.timing);
  for (;;) {
    const now = Date.now();
    if (now >= handOverAt) break;
    if (!predecessorIn && now >= predecessorGivenUpAt) {
      predecessorIn = true;
      forwardBack.length = 0;
    }
    const forwardDueAt = !predecessorIn && !forwardInFlight && (probePending || forwardBack.length > 0) ? lastForwardAt + forwardEvery : Number.POSITIVE_INFINITY;
    if (forwardDueAt <= now) sendForwardBack();
    const sweeping = predecessorIn;
    let earliest = Number.POSITIVE_INFINITY;
    if (sweeping) for (const e of table.values()) earliest = Math.min(earliest, expiry(e));
    if (sweeping && earliest <= now) {
      // Everyone whose deadline and grace have passed is told, and forgotten; the successor, which
      // may hold an older copy of the entry, learns it as a departure.
      const missed = [...table.values()].filter((e) => expiry(e) <= now);
      for (const e of missed) {
        table.delete(e.participantId);
        const previous = departed.get(e.participantId);
        if (previous === undefined || previous.at < e.at) departed.set(e.participantId, { at: e.at, told: true });
      }
      await Promise.all(
        missed.map((e) => getExternalWorkflowHandle(participantWorkflowIdFor(settings.ceremonyId, e.participantId)).signal(missedCheckinSignal, { deadline: e.deadline, at: e.at }).catch(ignore)),
      );
      continue;
    }
    // Wake at the earliest expiry while sweeping, when a forward is due, when the predecessor is
    // given up, or when the hand-over is due.
    const next = Math.min(earliest, forwardDueAt > now ? forwardDueAt : Number.POSITIVE_INFINITY, predecessorIn ? Number.POSITIVE_INFINITY : predecessorGivenUpAt, handOverAt);
    wake = false;
    armedFor = sweeping ? earliest : Number.NEGATIVE_INFINITY;
    await condition(() => wake, Math.max(1, next - now));
  }

  // Hand over: the table and the recent departures. An empty table does not start the next epoch,
  // but a running one still learns that it has everything (it may then sweep at once).
  await condition(allHandlersFinished);
  handingOver = true;
  const recentSince = epoch * settings.timing.lobbyEpochMs - settings.timing.lobbyEpochOverlapMs;
  const everything = (): LobbyHandover => ({
    entries: [...table.values()],
    departures: [...departed.entries()]
      .filter(([, d]) => d.at >= recentSince)
      .map(([participantId, d]) => ({ participantId, at: d.at, ...(d.told || d.turnWorkflowId === undefined ? {} : { turnWorkflowId: d.turnWorkflowId }) })),
  });
  await handOver(input, everything, table.size > 0);
  // Check-ins and departures that came while handing over (a replica far behind, a retried batch)
  // follow, until an activation brings nothing new.
  for (;;) {
    await condition(allHandlersFinished);
    if (late.entries.length === 0 && late.departures.length === 0) return;
    const more: LobbyHandover = { entries: late.entries.splice(0), departures: late.departures.splice(0) };
    await handOver(input, () => more, more.entries.length > 0);
  }
}

/**
 * Gives the next epoch `handover()`: starts it with it (when `start`), or signals it when it runs.
 * Never gives up while it must deliver: a table lost would leave its participants unwatched.
 */
async function handOver(input: LobbyShardInput, handover: () => LobbyHandover, start: boolean): Promise<void> {
  const nextEpoch = input.epoch + 1;
  const workflowId = lobbyShardWorkflowId(input.settings.ceremonyId, input.shard, nextEpoch);
  for (let attempt = 0; ; attempt += 1) {
    if (start) {
      try {
        await startChild(lobbyShardWorkflow, {
          workflowId,
          taskQueue: input.settings.workflowTaskQueue,
          args: [{ settings: input.settings, shard: input.shard, epoch: nextEpoch, ...handover() }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    try {
      await getExternalWorkflowHandle(workflowId).signal(lobbyHandoverSignal, handover());
      return;
    } catch {
      // Not running: nothing to tell when there is nothing to start; else it completed between a
      // refused start and the signal (only when this epoch runs very late), and the next attempt
      // starts a new run of it.
      if (!start) return;
    }
    await sleep(Math.min(HAND_OVER_MAX_BACKOFF_MS, 1_000 * 2 ** attempt));
  }
}

const HAND_OVER_MAX_BACKOFF_MS = 30_000;
