// Fixtures of the chunked-format tests: engines per backend, the rounds
// schedule, and point arithmetic through @noble/curves (an independent path).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { createEngine, type Engine } from '../../../engine/index.js';
import type { BackendName } from '../../../engine/curve/backend.js';
import {
  contributeChunk,
  initialChunkStates,
  verifyChunkContribution,
  type ChunkContribution,
  type ChunkState,
} from '../../../engine/chunked/index.js';
import type { SubCeremonySize } from '../../../engine/format/types.js';

const engines = new Map<string, Promise<Engine>>();

/** An inline (threads = 0) engine per backend, shared by a test file. */
export function engineFor(backend: BackendName): Promise<Engine> {
  let engine = engines.get(backend);
  if (engine === undefined) {
    engine = createEngine({ backend, threads: 0 });
    engines.set(backend, engine);
  }
  return engine;
}

export const G1 = bls12_381.G1.Point;
export const G2 = bls12_381.G2.Point;

export function hex(bytes: Uint8Array): string {
  return '0x' + Buffer.from(bytes).toString('hex');
}

export function g1Hex(k: bigint): string {
  return hex(G1.BASE.multiply(k).toBytes(true));
}

export function g2Hex(k: bigint): string {
  return hex(G2.BASE.multiply(k).toBytes(true));
}

export function g1Times(point: string, k: bigint): string {
  return hex(G1.fromBytes(Buffer.from(point.slice(2), 'hex')).multiply(k).toBytes(true));
}

export function g2Times(point: string, k: bigint): string {
  return hex(G2.fromBytes(Buffer.from(point.slice(2), 'hex')).multiply(k).toBytes(true));
}

/** A different valid point: P + g1. */
export function g1Bump(point: string): string {
  return hex(G1.fromBytes(Buffer.from(point.slice(2), 'hex')).add(G1.BASE).toBytes(true));
}

/** A different valid point: Q + g2. */
export function g2Bump(point: string): string {
  return hex(G2.fromBytes(Buffer.from(point.slice(2), 'hex')).add(G2.BASE).toBytes(true));
}

export function clone<T>(value: T): T {
  return structuredClone(value);
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

const Fp = bls12_381.fields.Fp;
const Fp2 = bls12_381.fields.Fp2;

function isSquare<T>(sqrt: (x: T) => T, x: T): boolean {
  try {
    sqrt(x);
    return true;
  } catch {
    return false;
  }
}

function g1Compressed(x: bigint): string {
  const bytes = Fp.toBytes(x);
  bytes[0] = (bytes[0] as number) | 0x80;
  return hex(bytes);
}

function g2Compressed(c0: bigint): string {
  const bytes = new Uint8Array(96);
  bytes.set(Fp.toBytes(0n), 0);
  bytes.set(Fp.toBytes(c0), 48);
  bytes[0] = (bytes[0] as number) | 0x80;
  return hex(bytes);
}

/** A compressed G1 encoding whose x has no point on the curve. */
export function g1OffCurve(): string {
  for (let x = 1n; ; x++) if (!isSquare((v: bigint) => Fp.sqrt(v), Fp.add(Fp.pow(x, 3n), 4n))) return g1Compressed(x);
}

/** A compressed G1 point on the curve but outside the prime-order subgroup. */
export function g1OutsideSubgroup(): string {
  for (let x = 1n; ; x++) if (isSquare((v: bigint) => Fp.sqrt(v), Fp.add(Fp.pow(x, 3n), 4n))) return g1Compressed(x);
}

const B2 = Fp2.create({ c0: 4n, c1: 4n });

/** A compressed G2 point on the curve but outside the prime-order subgroup. */
export function g2OutsideSubgroup(): string {
  for (let k = 1n; ; k++) {
    const x = Fp2.create({ c0: k, c1: 0n });
    if (isSquare((v: ReturnType<typeof Fp2.create>) => Fp2.sqrt(v), Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2))) return g2Compressed(k);
  }
}

export const G1_INFINITY = '0xc0' + '00'.repeat(47);
export const G2_INFINITY = '0xc0' + '00'.repeat(95);
