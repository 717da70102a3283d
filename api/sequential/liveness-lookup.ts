// Finds a participant's last answered check-in in its lobby shard: the latest entry held by the epoch
// of the moment and its neighbours within the overlap. When none holds one, the previous epoch is
// asked as well: it may have handed its table over a moment ago and the present epoch not have taken
// it yet. (A query on an epoch that has completed replays its history on a worker, so that one is
// asked only then.)
import type { Client } from '@temporalio/client';
import { latestEntry, lobbyEpochOf, lobbyEpochsAround, lobbyShardOf, lobbyShardWorkflowId } from '../../workflows/sequential/lobby.js';
import { livenessQuery, type LivenessEntry } from '../../workflows/sequential/messages.js';
import type { SequentialSettings } from '../../workflows/sequential/types.js';

export async function lookUpLiveness(client: Client, settings: SequentialSettings, participantId: string): Promise<LivenessEntry | undefined> {
  const shard = lobbyShardOf(participantId, settings.lobbyShards);
  const heldBy = (epochs: number[]): Promise<Array<LivenessEntry | null>> =>
    Promise.all(
      epochs.map((epoch) =>
        client.workflow
          .getHandle(lobbyShardWorkflowId(settings.ceremonyId, shard, epoch))
          .query(livenessQuery, participantId)
          .catch(() => null),
      ),
    );
  const now = Date.now();
  const around = lobbyEpochsAround(now, settings.timing);
  const found = latestEntry(await heldBy(around));
  if (found !== undefined) return found;
  const previous = lobbyEpochOf(now, settings.timing) - 1;
  return around.includes(previous) ? undefined : latestEntry(await heldBy([previous]));
}
