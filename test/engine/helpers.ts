// Shared fixtures of the engine tests: engines per backend, valid ceremonies of
// small sizes, and crafted invalid points.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import {
  applyVerifiedContribution,
  contribute,
  createEngine,
  newTranscript,
  verifyContribution,
  type BatchContribution,
  type BatchTranscript,
  type Engine,
  type SubCeremonySize,
} from '../../engine/index.js';
import type { BackendName } from '../../engine/curve/backend.js';

export const BACKENDS: readonly BackendName[] = ['fast', 'wasm', 'noble'];
export const SMALL_SIZES: SubCeremonySize[] = [
  { numG1Powers: 8, numG2Powers: 3 },
  { numG1Powers: 16, numG2Powers: 4 },
];

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

export function hex(bytes: Uint8Array): string {
  return '0x' + Buffer.from(bytes).toString('hex');
}

export const G1 = bls12_381.G1.Point;
export const G2 = bls12_381.G2.Point;

export function g1Hex(k: bigint): string {
  return hex(G1.BASE.multiply(k).toBytes(true));
}

export function g2Hex(k: bigint): string {
  return hex(G2.BASE.multiply(k).toBytes(true));
}

/** A transcript after `count` contributions with secrets derived from `seed`. */
export async function transcriptWith(engine: Engine, count: number, sizes = SMALL_SIZES, seed = 3n): Promise<BatchTranscript> {
  let transcript = newTranscript(sizes);
  for (let k = 0; k < count; k++) {
    const secrets = sizes.map((_, j) => seed * 1000n + BigInt(k) * 10n + BigInt(j) + 2n);
    const contribution = await contribute(engine, transcript, { secrets });
    transcript = await applyVerifiedContribution(await verifyContribution(engine, transcript, contribution));
  }
  return transcript;
}

export async function contributionOn(engine: Engine, transcript: BatchTranscript, seed = 7n): Promise<BatchContribution> {
  return contribute(engine, transcript, { secrets: transcript.transcripts.map((_, j) => seed * 100n + BigInt(j) + 2n) });
}

export function clone<T>(value: T): T {
  return structuredClone(value);
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

function g2Compressed(c0: bigint, c1: bigint): string {
  const bytes = new Uint8Array(96);
  bytes.set(Fp.toBytes(c1), 0);
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

function g2RightSide(x: ReturnType<typeof Fp2.create>): ReturnType<typeof Fp2.create> {
  return Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2);
}

export function g2OffCurve(): string {
  for (let k = 1n; ; k++) if (!isSquare((v: ReturnType<typeof Fp2.create>) => Fp2.sqrt(v), g2RightSide(Fp2.create({ c0: k, c1: 0n })))) return g2Compressed(k, 0n);
}

export function g2OutsideSubgroup(): string {
  for (let k = 1n; ; k++) if (isSquare((v: ReturnType<typeof Fp2.create>) => Fp2.sqrt(v), g2RightSide(Fp2.create({ c0: k, c1: 0n })))) return g2Compressed(k, 0n);
}

export const G1_INFINITY = '0xc0' + '00'.repeat(47);
export const G2_INFINITY = '0xc0' + '00'.repeat(95);
