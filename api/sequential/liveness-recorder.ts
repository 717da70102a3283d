// Records answered check-ins in the lobby shards (workflows/sequential/lobby.ts), in batches: per
// shard at most one signal is in flight, and a new one leaves at most every `batchMs`, carrying every
// check-in that came meanwhile. record() resolves once the signal holding the entry is in the shard's
// history, so a check-in is answered only after it is durable.
import type { Client } from '@temporalio/client';
import { CeremonyError } from '../../common/errors.js';
import { checkinsSignal, type LivenessEntry } from '../../workflows/sequential/messages.js';
import { lobbyShardOf, lobbyShardWorkflow, lobbyShardWorkflowId } from '../../workflows/sequential/lobby.js';
import type { SequentialSettings } from '../../workflows/sequential/types.js';
import { viaTemporal } from '../temporal-errors.js';

/** Most entries one signal carries (about 150 bytes each, far below Temporal's payload limits). */
const MAX_BATCH = 2_000;

interface Waiting {
  entry: LivenessEntry;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface ShardQueue {
  pending: Waiting[];
  inFlight: boolean;
  lastSentAt: number;
  timer: NodeJS.Timeout | undefined;
}

export class LivenessRecorder {
  private readonly shards = new Map<number, ShardQueue>();

  constructor(
    private readonly client: Client,
    private readonly settings: SequentialSettings,
    private readonly batchMs: number,
  ) {}

  record(entry: LivenessEntry): Promise<void> {
    const shard = lobbyShardOf(entry.participantId, this.settings.lobbyShards);
    let queue = this.shards.get(shard);
    if (queue === undefined) {
      queue = { pending: [], inFlight: false, lastSentAt: 0, timer: undefined };
      this.shards.set(shard, queue);
    }
    const q = queue;
    return new Promise<void>((resolve, reject) => {
      q.pending.push({ entry, resolve, reject });
      this.schedule(shard, q);
    });
  }

  private schedule(shard: number, q: ShardQueue): void {
    if (q.inFlight || q.timer !== undefined || q.pending.length === 0) return;
    // Gather whatever else arrives in this turn of the event loop, and keep the spacing.
    const wait = Math.max(0, q.lastSentAt + this.batchMs - Date.now());
    q.timer = setTimeout(() => {
      q.timer = undefined;
      void this.flush(shard, q);
    }, wait);
  }

  private async flush(shard: number, q: ShardQueue): Promise<void> {
    const batch = q.pending.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    q.inFlight = true;
    q.lastSentAt = Date.now();
    try {
      await viaTemporal(
        () =>
          this.client.workflow.signalWithStart(lobbyShardWorkflow, {
            workflowId: lobbyShardWorkflowId(this.settings.ceremonyId, shard),
            taskQueue: this.settings.workflowTaskQueue,
            args: [{ settings: this.settings, shard }],
            signal: checkinsSignal,
            signalArgs: [batch.map((w) => w.entry)],
          }),
        () => new CeremonyError('NOT_READY', 'the ceremony is not running'),
      );
      for (const w of batch) w.resolve();
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      q.inFlight = false;
      this.schedule(shard, q);
    }
  }
}
