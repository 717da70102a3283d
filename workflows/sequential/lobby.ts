// The lobby's liveness table (sequential mode): who checked in, and by when each must check in
// again. It is split into shards by participant id; each shard is one workflow that holds the table
// for its participants, receives check-ins in batches (one update carries many, sent by the API),
// keeps one timer to the earliest expiry, and tells a participant's workflow when it missed its
// deadline (plus the grace allowance). A check-in therefore costs a share of one update and one
// workflow task, not a workflow task of its own.
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { checkinDueSignal, checkinsUpdate, livenessQuery, lobbyLeftSignal, missedCheckinSignal, type LivenessEntry } from './messages.js';
import { participantWorkflowIdFor } from './ids.js';
import { signalStarted } from './signal-started.js';
import type { SequentialSettings } from './types.js';

export interface LobbyShardInput {
  settings: SequentialSettings;
  shard: number;
  /** Carried over by continue-as-new. */
  entries?: LivenessEntry[];
}

/** Which lobby shard holds a participant (participant ids are hex digests). */
export function lobbyShardOf(participantId: string, shards: number): number {
  const n = Number.parseInt(participantId.slice(0, 8), 16);
  return Number.isFinite(n) ? n % Math.max(1, shards) : 0;
}

export function lobbyShardWorkflowId(ceremonyId: string, shard: number): string {
  return `ceremony-${ceremonyId}-lobby-${shard}`;
}

const ignore = (): void => undefined;

/** Most participants one shard is meant to hold (its continue-as-new input stays well under 2 MB). */
export const LOBBY_SHARD_CAPACITY = 7_000;

export async function lobbyShardWorkflow(input: LobbyShardInput): Promise<void> {
  const grace = input.settings.timing.checkinGraceMs;
  const table = new Map<string, LivenessEntry>();
  for (const e of input.entries ?? []) table.set(e.participantId, e);
  const expiry = (e: LivenessEntry): number => e.deadline + grace;
  /** When the armed timer fires; an entry expiring sooner must wake the loop. */
  let armedFor = Number.POSITIVE_INFINITY;
  let wake = false;

  setHandler(checkinsUpdate, (entries): void => {
    for (const e of entries) {
      const known = table.get(e.participantId);
      // Two writers may race (API replicas): the later check-in wins.
      if (known !== undefined && known.at > e.at) continue;
      table.set(e.participantId, e);
      if (expiry(e) < armedFor) wake = true;
    }
  });

  setHandler(lobbyLeftSignal, ({ participantId, turnWorkflowId }) => {
    const known = table.get(participantId);
    if (known === undefined) return;
    table.delete(participantId);
    // Called: the participant learns of its turn at its next check-in, due by this deadline.
    if (turnWorkflowId !== undefined) void signalStarted(turnWorkflowId, checkinDueSignal, { by: known.deadline });
  });

  setHandler(livenessQuery, (participantId) => table.get(participantId) ?? null);

  const suggested = (): boolean => workflowInfo().continueAsNewSuggested;
  for (;;) {
    let earliest = Number.POSITIVE_INFINITY;
    for (const e of table.values()) earliest = Math.min(earliest, expiry(e));
    wake = false;
    armedFor = earliest;
    const now = Date.now();
    if (earliest > now) {
      const timeout = Number.isFinite(earliest) ? earliest - now : undefined;
      await condition(() => wake || suggested(), timeout);
      if (suggested()) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof lobbyShardWorkflow>({ ...input, entries: [...table.values()] });
      }
      continue;
    }
    // Sweep: everyone whose deadline and grace have passed is told, and forgotten.
    const at = Date.now();
    const missed = [...table.values()].filter((e) => expiry(e) <= at);
    for (const e of missed) table.delete(e.participantId);
    await Promise.all(
      missed.map((e) => getExternalWorkflowHandle(participantWorkflowIdFor(input.settings.ceremonyId, e.participantId)).signal(missedCheckinSignal, { deadline: e.deadline, at: e.at }).catch(ignore)),
    );
  }
}
