// The running-product chain of a transcript witness: for every contribution k,
// e(r_k, g2) == e(r_{k-1}, x_k), i.e. r_k = x_k * r_{k-1} where x_k is the secret
// behind potPubkey k. All steps of all sub-ceremonies are batched with fresh
// 64-bit weights into one final exponentiation; points are decoded, validated
// and Miller-looped in parallel chunks.
import type { CurveBackend } from '../curve/backend.js';
import { randomScalars } from '../curve/scalars.js';
import type { Engine } from '../context.js';
import { G2_GENERATOR_HEX } from '../curve/constants.js';
import { InvalidInputError } from '../errors.js';
import { packHexPoints, G1_BYTES, G2_BYTES } from '../format/hex.js';
import type { Witness } from '../format/types.js';
import type { ChainFailure } from '../pool/tasks.js';
import { firstBadPosition } from './bisect.js';
import { decodeTrusted } from './bulk-points.js';
import { chunkRanges } from './chunks.js';
import { ProgressCounter } from './progress-counter.js';

const CHAIN_CHUNK = 256;

interface PackedWitness {
  runningProducts: Uint8Array;
  pubkeys: Uint8Array;
  /** Number of contributions (entries after the initial one). */
  steps: number;
}

export function packWitness(witness: Witness): PackedWitness {
  return {
    runningProducts: packHexPoints(witness.runningProducts, G1_BYTES),
    pubkeys: packHexPoints(witness.potPubkeys, G2_BYTES),
    steps: witness.potPubkeys.length - 1,
  };
}

interface ChainPart {
  productSum: Uint8Array;
  millerLoop: Uint8Array;
}

type PartOutcome = { ok: true; part: ChainPart } | { ok: false; failure: ChainFailure; step: number };

/** Steps [from, to) (1-based contribution numbers) of one witness. */
async function runSteps(engine: Engine, packed: PackedWitness, from: number, to: number, validate: boolean, progress?: ProgressCounter): Promise<PartOutcome[]> {
  const ranges = chunkRanges(to - from, CHAIN_CHUNK).map((r) => ({ start: r.start + from, end: r.end + from }));
  return Promise.all(
    ranges.map(async ({ start, end }): Promise<PartOutcome> => {
      const result = await engine.runner.run({
        kind: 'chain',
        runningProducts: packed.runningProducts.subarray((start - 1) * G1_BYTES, end * G1_BYTES),
        pubkeys: packed.pubkeys.subarray(start * G2_BYTES, end * G2_BYTES),
        validate,
        weights: randomScalars(end - start),
      });
      progress?.add(end - start);
      if (!result.ok) {
        // runningProducts in the task start at r_{start-1}; pubkeys at x_start.
        const step = result.failure.list === 'runningProducts' ? start - 1 + result.failure.index : start + result.failure.index;
        return { ok: false, failure: result.failure, step };
      }
      return { ok: true, part: result };
    }),
  );
}

function chainHolds<P1, P2>(backend: CurveBackend<P1, P2>, parts: readonly ChainPart[]): boolean {
  let sum = backend.g1.zero();
  for (const part of parts) sum = backend.g1.add(sum, decodeTrusted(backend.g1, part.productSum));
  const loops = parts.map((part) => part.millerLoop);
  loops.push(backend.millerLoopProduct([[sum, backend.g2.generator()]]));
  return backend.finalExponentiationIsOne(loops);
}

function chainFailureError(failure: ChainFailure, step: number, subCeremony: number): InvalidInputError {
  const what = failure.list === 'runningProducts' ? 'running product' : 'potPubkey';
  if (failure.reason === 'AT_INFINITY') {
    return new InvalidInputError('PUBKEY_AT_INFINITY', `sub-ceremony ${subCeremony}: potPubkey ${step} is the point at infinity`, { subCeremony, pointIndex: step, input: 'transcript' });
  }
  const text = failure.reason === 'NOT_IN_SUBGROUP' ? 'is not in the prime-order subgroup' : 'is not a valid compressed point on the curve';
  return new InvalidInputError(failure.reason, `sub-ceremony ${subCeremony}: ${what} ${step} ${text} (${failure.detail})`, { subCeremony, pointIndex: step, input: 'transcript' });
}

/** Verifies the witness chains of all sub-ceremonies; throws the first failure. */
export async function verifyWitnessChains(engine: Engine, witnesses: readonly Witness[]): Promise<void> {
  // A step whose pubkey is the generator (a secret of 1) passes the chain and adds nothing: it would
  // let a transcript pad its contributions, so it is refused like a no-op contribution.
  witnesses.forEach((witness, j) => {
    const step = witness.potPubkeys.findIndex((pubkey, k) => k > 0 && pubkey.toLowerCase() === G2_GENERATOR_HEX);
    if (step > 0) {
      throw new InvalidInputError('NO_OP_CONTRIBUTION', `sub-ceremony ${j}: potPubkey ${step} is the G2 generator (a secret of 1): that step changes nothing`, {
        subCeremony: j,
        pointIndex: step,
        input: 'transcript',
      });
    }
  });
  const backend = engine.backend;
  const packed = witnesses.map(packWitness);
  const total = packed.reduce((sum, p) => sum + p.steps, 0);
  const progress = new ProgressCounter(engine, 'witness', total);
  const outcomes = await Promise.all(packed.map((p) => runSteps(engine, p, 1, p.steps + 1, true, progress)));
  outcomes.forEach((parts, j) => {
    let first: { failure: ChainFailure; step: number } | undefined;
    for (const outcome of parts) {
      if (!outcome.ok && (first === undefined || outcome.step < first.step)) first = outcome;
    }
    if (first !== undefined) throw chainFailureError(first.failure, first.step, j);
  });
  const okParts = outcomes.map((parts) => parts.flatMap((o) => (o.ok ? [o.part] : [])));
  if (chainHolds(backend, okParts.flat())) return;
  for (let j = 0; j < packed.length; j++) {
    if (chainHolds(backend, okParts[j] as ChainPart[])) continue;
    const p = packed[j] as PackedWitness;
    const step = await firstBadPosition(1, p.steps + 1, async (a, b) => {
      const parts = await runSteps(engine, p, a, b, false);
      return chainHolds(
        backend,
        parts.flatMap((o) => (o.ok ? [o.part] : [])),
      );
    });
    throw new InvalidInputError(
      'RUNNING_PRODUCT_MISMATCH',
      step === undefined
        ? `sub-ceremony ${j}: the running products do not follow from the pubkeys`
        : `sub-ceremony ${j}: running product ${step} is not running product ${step - 1} times the secret of potPubkey ${step}`,
      { subCeremony: j, pointIndex: step, input: 'transcript' },
    );
  }
}
