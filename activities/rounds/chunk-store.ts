// Chunk documents in the object store: verified states and uploaded contributions. A chunk's state
// may be stored as either document; a contribution is read as the state it produces.
import { chunkStateFromText } from '../../engine/chunked/any-document.js';
import { serializeChunkState } from '../../engine/chunked/format.js';
import type { ChunkState } from '../../engine/chunked/types.js';
import type { ObjectStore } from '../../store/index.js';
import { CHUNK_STATE_PREFIX } from '../../store/keys.js';

export const MAX_CHUNK_DOCUMENT_BYTES = 256 * 1024 * 1024;

export async function loadChunkState(store: ObjectStore, key: string): Promise<ChunkState> {
  return chunkStateFromText(Buffer.from(await store.getBytes(key, MAX_CHUNK_DOCUMENT_BYTES)).toString('utf8'));
}

export async function storeChunkState(store: ObjectStore, state: ChunkState): Promise<string> {
  return (await store.put(CHUNK_STATE_PREFIX, Buffer.from(serializeChunkState(state)), { contentType: 'application/json' })).key;
}
