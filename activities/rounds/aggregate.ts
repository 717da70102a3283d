// REQ-37: joins a round's final chunks (every seam checked, the joined vector fully verified), writes
// the cumulative transcript (the previous rounds' witness plus this round's chunk-0 history), and
// stores each chunk's pure state as the next round's challenge.
import { aggregateChunks, historyOf, toBatchTranscript } from '../../engine/chunked/aggregate.js';
import { parseChunkContribution } from '../../engine/chunked/format.js';
import type { ChunkContribution, ChunkHistory } from '../../engine/chunked/types.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { serializeBatchTranscript } from '../../engine/format/serialize.js';
import { transcriptParticipantId } from '../../engine/format/identity-patterns.js';
import type { ObjectStore } from '../../store/index.js';
import type { AggregateInput, AggregateResult } from '../../workflows/rounds/activities-api.js';
import { sharedEngine } from '../engine-instance.js';
import { loadChunkState, MAX_CHUNK_DOCUMENT_BYTES, storeChunkState } from './chunk-store.js';
import { AGGREGATE_PREFIX } from '../../store/keys.js';

const MAX_TRANSCRIPT_BYTES = 512 * 1024 * 1024;

async function previousHistory(store: ObjectStore, key: string | undefined): Promise<ChunkHistory> {
  if (key === undefined) return { runningProducts: [], potPubkeys: [], participantIds: [] };
  const transcript = parseBatchTranscript(Buffer.from(await store.getBytes(key, MAX_TRANSCRIPT_BYTES)).toString('utf8'));
  const sub = transcript.transcripts[0];
  if (sub === undefined) return { runningProducts: [], potPubkeys: [], participantIds: [] };
  // Index 0 of the witness is the generators' entry; the history is what follows.
  return { runningProducts: sub.witness.runningProducts.slice(1), potPubkeys: sub.witness.potPubkeys.slice(1), participantIds: transcript.participantIds.slice(1) };
}

export async function aggregateRoundChunks(store: ObjectStore, input: AggregateInput): Promise<AggregateResult> {
  const engine = await sharedEngine();
  const states = [];
  for (const key of input.finalKeys) states.push(await loadChunkState(store, key));
  const aggregated = await aggregateChunks(engine, states);
  const earlier = await previousHistory(store, input.previousAggregatedKey);
  const contributions: ChunkContribution[] = [];
  for (const key of input.historyKeys) contributions.push(parseChunkContribution(Buffer.from(await store.getBytes(key, MAX_CHUNK_DOCUMENT_BYTES)).toString('utf8')));
  // Each step of the witness is attributed to its contributor, as the KZG transcript writes identities.
  // (A round scheduled by an older worker names no identities: its steps stay unattributed.)
  const identities = contributions.map((_, i) => transcriptParticipantId(input.historyIdentities?.[i] ?? ''));
  const thisRound = historyOf(contributions, identities);
  const history: ChunkHistory = {
    runningProducts: [...earlier.runningProducts, ...thisRound.runningProducts],
    potPubkeys: [...earlier.potPubkeys, ...thisRound.potPubkeys],
    participantIds: [...(earlier.participantIds ?? []), ...(thisRound.participantIds ?? [])],
  };
  const transcript = toBatchTranscript(aggregated, history);
  const stored = await store.put(AGGREGATE_PREFIX, Buffer.from(serializeBatchTranscript(transcript)), { contentType: 'application/json' });
  const finalStateKeys: string[] = [];
  for (const state of states) finalStateKeys.push(await storeChunkState(store, state));
  return { aggregatedKey: stored.key, aggregatedSha256: stored.sha256, finalStateKeys };
}
