// The queue's capacity follows from the lobby shards: each shard carries its table through
// continue-as-new, whose input Temporal refuses above 2 MB.
import { describe, expect, it } from 'vitest';
import { queueCapacity } from '../../workflows/sequential/ceremony.js';
import { LOBBY_SHARD_CAPACITY, lobbyShardOf } from '../../workflows/sequential/lobby.js';
import type { LivenessEntry } from '../../workflows/sequential/messages.js';
import { participantIdOf } from '../../api/sequential/settings.js';

describe('lobby capacity', () => {
  it('a full shard (the longest ceremony id, the largest numbers) carries well under 2 MB', () => {
    const entries: LivenessEntry[] = Array.from({ length: LOBBY_SHARD_CAPACITY }, (_, i) => {
      const participantId = participantIdOf(`eth|0x${i.toString(16).padStart(40, '0')}`);
      return {
        participantId,
        at: 9_999_999_999_999,
        deadline: 9_999_999_999_999,
        intervalMs: 3_600_000,
        ticket: 99_999_999,
        status: 'waiting',
      };
    });
    const bytes = Buffer.byteLength(JSON.stringify({ settings: { padding: 'x'.repeat(4_096) }, shard: 255, entries }));
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('is lobbyShards x the shard capacity, never above the ceremony bound of 100 000', () => {
    expect(queueCapacity(1)).toBe(LOBBY_SHARD_CAPACITY);
    expect(queueCapacity(4)).toBe(4 * LOBBY_SHARD_CAPACITY);
    expect(queueCapacity(256)).toBe(100_000);
  });

  it('spreads participant ids evenly enough over the shards that a full queue fits them', () => {
    const shards = 4;
    const counts = new Array<number>(shards).fill(0);
    const n = queueCapacity(shards);
    for (let i = 0; i < n; i += 1) counts[lobbyShardOf(participantIdOf(`dev|p${i}`), shards)] = (counts[lobbyShardOf(participantIdOf(`dev|p${i}`), shards)] ?? 0) + 1;
    // 7 000 expected per shard; a shard may exceed its nominal capacity by a little and stay far below 2 MB.
    for (const c of counts) expect(c).toBeLessThan(LOBBY_SHARD_CAPACITY * 1.05);
  });
});
