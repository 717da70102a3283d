// Records answered check-ins in the lobby shards (workflows/sequential/lobby.ts), in batches: per
// shard at most `batchesInFlight` signals are in flight, and a new one leaves at most every
// `batchMs`, carrying every check-in that came meanwhile (the shard keeps the latest check-in of each
// participant, so batches may land in any order). Each batch is a signal-with-start to the shard's
// workflow for the epoch of the moment; record() resolves once the signal is in that workflow's
// history, so a check-in is answered only after it is durable.
import type { Client } from '@temporalio/client';
import { CeremonyError } from '../../common/errors.js';
import { checkinsSignal, type LivenessEntry } from '../../workflows/sequential/messages.js';
import { lobbyEpochOf, lobbyShardOf, lobbyShardWorkflow, lobbyShardWorkflowId } from '../../workflows/sequential/lobby.js';
import type { SequentialSettings } from '../../workflows/sequential/types.js';
import { viaTemporal } from '../temporal-errors.js';
import { Batcher } from './batcher.js';

/** Most entries one signal carries (about 250 bytes each, far below Temporal's payload limits). */
const MAX_BATCH = 2_000;

export class LivenessRecorder {
  private readonly shards = new Map<number, Batcher<LivenessEntry, void>>();

  constructor(
    private readonly client: Client,
    private readonly settings: SequentialSettings,
    private readonly batchMs: number,
    private readonly batchesInFlight: number,
  ) {}

  record(entry: LivenessEntry): Promise<void> {
    const shard = lobbyShardOf(entry.participantId, this.settings.lobbyShards);
    let batcher = this.shards.get(shard);
    if (batcher === undefined) {
      batcher = new Batcher((entries) => this.send(shard, entries), this.batchMs, MAX_BATCH, this.batchesInFlight);
      this.shards.set(shard, batcher);
    }
    return batcher.submit(entry);
  }

  private async send(shard: number, entries: LivenessEntry[]): Promise<void[]> {
    const epoch = lobbyEpochOf(Date.now(), this.settings.timing);
    await viaTemporal(
      () =>
        this.client.workflow.signalWithStart(lobbyShardWorkflow, {
          workflowId: lobbyShardWorkflowId(this.settings.ceremonyId, shard, epoch),
          taskQueue: this.settings.workflowTaskQueue,
          args: [{ settings: this.settings, shard, epoch }],
          signal: checkinsSignal,
          signalArgs: [entries],
        }),
      () => new CeremonyError('NOT_READY', 'the ceremony is not running'),
    );
    return entries.map(() => undefined);
  }
}
