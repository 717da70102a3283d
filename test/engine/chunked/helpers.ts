// Fixtures of the chunked-format tests: engines per backend, the rounds
// schedule, and point arithmetic through @noble/curves (an independent path).
import type { Engine } from '../../../engine/index.js';
import { contributeChunk, initialChunkStates, verifyChunkContribution, type ChunkContribution, type ChunkState } from '../../../engine/chunked/index.js';
import type { SubCeremonySize } from '../../../engine/format/types.js';
import { G1, G2, hex } from '../helpers.js';

export { clone, engineFor, G1, G1_INFINITY, g1Hex, g1OffCurve, g1OutsideSubgroup, G2, G2_INFINITY, g2Hex, g2OutsideSubgroup, hex } from '../helpers.js';

export function g1Times(point: string, k: bigint): string {
  return hex(
    G1.fromBytes(Buffer.from(point.slice(2), 'hex'))
      .multiply(k)
      .toBytes(true),
  );
}

export function g2Times(point: string, k: bigint): string {
  return hex(
    G2.fromBytes(Buffer.from(point.slice(2), 'hex'))
      .multiply(k)
      .toBytes(true),
  );
}

/**
 * Another valid point than `point`: P + g, or P + 2g when P + g is the point at
 * infinity (P = -g, which a secret of r - 1 produces), never infinity.
 */
function bumped<P extends { add(other: P): P; is0(): boolean; toBytes(compressed: boolean): Uint8Array }>(point: P, base: P): string {
  const once = point.add(base);
  return hex((once.is0() ? once.add(base) : once).toBytes(true));
}

/** A different valid point: P + g1 (P + 2·g1 when that is infinity). */
export function g1Bump(point: string): string {
  return bumped(G1.fromBytes(Buffer.from(point.slice(2), 'hex')), G1.BASE);
}

/** A different valid point: Q + g2 (Q + 2·g2 when that is infinity). */
export function g2Bump(point: string): string {
  return bumped(G2.fromBytes(Buffer.from(point.slice(2), 'hex')), G2.BASE);
}

export interface RoundResult {
  states: ChunkState[];
  /** Per chunk, the contributions it accepted in order. */
  history: ChunkContribution[][];
  /** Per chunk, the contributor indices in the order the chunk saw them. */
  order: number[][];
  /** Per contributor, its K. */
  pubkeys: string[];
}

/**
 * One round of the rounds schedule: contributor i starts on chunk i and moves on
 * cyclically (step s: chunk (i + s) mod C), so each chunk sees the contributors
 * in a different order; every contribution is verified on arrival with the
 * contributor's pubkey from its first chunk.
 */
export async function runRound(engine: Engine, start: readonly ChunkState[], secrets: readonly bigint[]): Promise<RoundResult> {
  const chunkCount = start.length;
  if (secrets.length > chunkCount) throw new Error('more contributors than chunks');
  const states = [...start];
  const history: ChunkContribution[][] = start.map(() => []);
  const order: number[][] = start.map(() => []);
  const pubkeys: string[] = [];
  for (let step = 0; step < chunkCount; step++) {
    for (let i = 0; i < secrets.length; i++) {
      const c = (i + step) % chunkCount;
      const contribution = await contributeChunk(engine, states[c] as ChunkState, secrets[i] as bigint);
      states[c] = await verifyChunkContribution(engine, states[c] as ChunkState, contribution, { expectedPubkey: pubkeys[i] });
      pubkeys[i] ??= contribution.potPubkey;
      history[c]?.push(contribution);
      order[c]?.push(i);
    }
  }
  return { states, history, order, pubkeys };
}

/** A chunk state after `count` honest contributions with secrets from `seed`. */
export async function chunkAfter(engine: Engine, size: SubCeremonySize, chunkCount: number, chunkIndex: number, count: number, seed = 5n): Promise<ChunkState> {
  let state = initialChunkStates(size, chunkCount)[chunkIndex] as ChunkState;
  for (let k = 0; k < count; k++) {
    const contribution = await contributeChunk(engine, state, seed * 1000n + BigInt(k) + 2n);
    state = await verifyChunkContribution(engine, state, contribution);
  }
  return state;
}
