// Aggregation of a round's chunks into one vector, and its KZG-format
// transcript. Each chunk was verified on arrival; aggregation checks that the
// chunks form one layout (each index once), that neighbours agree on their
// shared point (SEAM_MISMATCH) and that every chunk reached the same tau
// (CHUNK_TAU_MISMATCH), then runs the engine's full powers verification on the
// joined vector (points, generators, consecutive G1 powers, same tau in G2).
// The tau check runs before the seam check: chunks that missed a contribution
// differ at their seams too, and CHUNK_TAU_MISMATCH names the cause.
import type { CurveBackend } from '../curve/backend.js';
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX } from '../curve/constants.js';
import type { Engine } from '../context.js';
import { InvalidInputError, type InputErrorCode } from '../errors.js';
import { G1_BYTES, G2_BYTES } from '../format/hex.js';
import { isValidParticipantId } from '../format/identity-patterns.js';
import type { BatchTranscript } from '../format/types.js';
import { locateConsecutiveBreak } from '../ops/consecutive-powers.js';
import { firstFailingEquation } from '../ops/pairing-batch.js';
import { checkGeneratorPowers, packPowers, powersEquations, runPowersPass, tauPoints } from '../ops/powers-check.js';
import { ProgressCounter } from '../ops/progress-counter.js';
import { locateSameTauBreak } from '../ops/same-tau.js';
import { ChunkError, chunkPointError, toChunkError } from './errors.js';
import { checkChunkShape } from './format.js';
import { resolveChunkedLimits, type ChunkedLimits } from './layout.js';
import type { AggregatedChunks, ChunkContribution, ChunkHistory, ChunkState } from './types.js';

function aggregationError(code: InputErrorCode, chunkIndex: number | undefined, message: string, pointIndex?: number, path?: string): ChunkError {
  return new ChunkError(code, chunkIndex === undefined ? message : `chunk ${chunkIndex}: ${message}`, { chunkIndex, pointIndex, path, input: 'input' });
}

/** The chunk that holds global G1 power `index` (the later one at a seam). */
function chunkOf(states: readonly ChunkState[], index: number): ChunkState {
  let found = states[0] as ChunkState;
  for (const state of states) if (state.start <= index) found = state;
  return found;
}

export interface AggregateOptions {
  limits?: Partial<ChunkedLimits>;
}

export async function aggregateChunks(engine: Engine, states: readonly ChunkState[], options: AggregateOptions = {}): Promise<AggregatedChunks> {
  const limits = resolveChunkedLimits(options.limits);
  if (states.length === 0) throw aggregationError('CHUNK_MISSING', undefined, 'no chunks to aggregate');
  states.forEach((state) => checkChunkShape(state, limits, false, 'input'));
  const first = states[0] as ChunkState;
  const { chunkCount, numG1Powers, numG2Powers } = first;
  for (const state of states) {
    for (const key of ['chunkCount', 'numG1Powers', 'numG2Powers'] as const) {
      if (state[key] !== first[key]) {
        throw aggregationError('CHUNK_LAYOUT_MISMATCH', state.chunkIndex, `${key} is ${state[key]}, chunk ${first.chunkIndex} says ${first[key]}`, undefined, `$.${key}`);
      }
    }
  }
  const byIndex = new Array<ChunkState | undefined>(chunkCount).fill(undefined);
  for (const state of states) {
    if (byIndex[state.chunkIndex] !== undefined) throw aggregationError('CHUNK_DUPLICATE', state.chunkIndex, 'the chunk is given more than once');
    byIndex[state.chunkIndex] = state;
  }
  const missing = byIndex.findIndex((state) => state === undefined);
  if (missing >= 0) throw aggregationError('CHUNK_MISSING', missing, `the chunk is missing (${states.length} of ${chunkCount} given)`);
  const ordered = byIndex as ChunkState[];

  // Same tau everywhere.
  const reference = ordered[0] as ChunkState;
  for (const state of ordered) {
    if (state.runningProduct !== reference.runningProduct || state.tauG2 !== reference.tauG2) {
      const what = state.runningProduct !== reference.runningProduct ? 'runningProduct' : 'tauG2';
      throw aggregationError('CHUNK_TAU_MISMATCH', state.chunkIndex, `${what} differs from chunk 0's: the chunks did not receive the same contributions`, undefined, `$.${what}`);
    }
  }

  // Seams: the last point of chunk c is the first point of chunk c + 1.
  for (let c = 0; c + 1 < chunkCount; c++) {
    const left = ordered[c] as ChunkState;
    const right = ordered[c + 1] as ChunkState;
    if (left.g1Powers[left.g1Powers.length - 1] !== right.g1Powers[0]) {
      throw aggregationError('SEAM_MISMATCH', c + 1, `G1 power ${right.start} differs between chunk ${c} (its last point) and chunk ${c + 1} (its first point)`, 0, '$.g1Powers[0]');
    }
  }
  const g1Powers = reference.g1Powers.slice();
  for (const state of ordered.slice(1)) for (let i = 1; i < state.g1Powers.length; i++) g1Powers.push(state.g1Powers[i] as string);
  const aggregated: AggregatedChunks = {
    numG1Powers,
    numG2Powers,
    powers: { g1Powers, g2Powers: reference.g2Powers.slice() },
    runningProduct: reference.runningProduct,
    tauG2: reference.tauG2,
  };
  await verifyJoined(engine, engine.backend, aggregated, ordered);
  return aggregated;
}

/** The engine's powers checks on the joined vector, with failures mapped to chunks. */
async function verifyJoined<P1, P2>(engine: Engine, backend: CurveBackend<P1, P2>, aggregated: AggregatedChunks, ordered: readonly ChunkState[]): Promise<void> {
  const packed = packPowers(aggregated.powers);
  const progress = new ProgressCounter(engine, 'aggregate', aggregated.numG1Powers + aggregated.numG2Powers);
  const pass = await runPowersPass<P1, P2>(engine, packed, progress);
  if (pass.g1Failure !== undefined) {
    const chunk = chunkOf(ordered, pass.g1Failure.index);
    throw chunkPointError(pass.g1Failure, chunk.chunkIndex, 'input', 'G1 power', '$.g1Powers', pass.g1Failure.index - chunk.start);
  }
  if (pass.g2Failure !== undefined) throw chunkPointError(pass.g2Failure, 0, 'input', 'G2 power', '$.g2Powers', pass.g2Failure.index);
  try {
    checkGeneratorPowers(packed, 0, 'input');
  } catch (err) {
    throw toChunkError(err, 0, 'input');
  }
  if (aggregated.powers.g1Powers[1] !== aggregated.runningProduct) {
    throw aggregationError('CHUNK_TAU_MISMATCH', 0, 'G1 power 1 is not the running product', 1, '$.g1Powers[1]');
  }
  if (aggregated.powers.g2Powers[1] !== aggregated.tauG2) {
    throw aggregationError('CHUNK_TAU_MISMATCH', 0, 'G2 power 1 is not tauG2', 1, '$.g2Powers[1]');
  }
  const { tauG2 } = tauPoints(backend, packed);
  const failed = firstFailingEquation(backend, powersEquations(backend, pass, tauG2, 0));
  if (failed === undefined) return;
  if (failed.code === 'G1_POWERS_NOT_CONSECUTIVE') {
    const index = await locateConsecutiveBreak(engine, packed.g1, tauG2);
    const chunk = index === undefined ? undefined : chunkOf(ordered, index);
    throw aggregationError(
      failed.code,
      chunk?.chunkIndex,
      index === undefined ? 'the joined G1 powers are not consecutive' : `G1 power ${index} is not the previous power times tau`,
      chunk === undefined || index === undefined ? undefined : index - chunk.start,
    );
  }
  const m = aggregated.numG2Powers;
  const index = await locateSameTauBreak(engine, packed.g1.subarray(0, m * G1_BYTES), packed.g2.subarray(0, m * G2_BYTES));
  throw aggregationError(
    'G2_POWERS_MISMATCH',
    0,
    index === undefined ? 'the G2 powers do not match the G1 powers' : `G2 power ${index} does not hold the same power of tau as G1 power ${index}`,
    index,
  );
}

/** The witness of one chunk's history, from the contributions it accepted in order. */
export function historyOf(contributions: readonly ChunkContribution[], participantIds?: readonly string[]): ChunkHistory {
  const history: ChunkHistory = {
    runningProducts: contributions.map((c) => c.runningProduct),
    potPubkeys: contributions.map((c) => c.potPubkey),
  };
  if (participantIds !== undefined) history.participantIds = [...participantIds];
  return history;
}

/**
 * A one-sub-ceremony BatchTranscript of the aggregated vector, which the engine's
 * verifyTranscript accepts. The witness is `history` (one chunk's running products
 * and pubkeys in the order that chunk received them, across all rounds) after the
 * generators; without a history it collapses to one step [g1, T1], [g2, T2] (valid,
 * but it no longer attributes tau to contributors), or to the generators alone
 * while tau is still 1. Participant ids and BLS signatures default to ''.
 */
export function toBatchTranscript(aggregated: AggregatedChunks, history?: ChunkHistory): BatchTranscript {
  let steps: ChunkHistory;
  if (history !== undefined) {
    steps = history;
  } else if (aggregated.runningProduct === G1_GENERATOR_HEX) {
    steps = { runningProducts: [], potPubkeys: [] };
  } else {
    steps = { runningProducts: [aggregated.runningProduct], potPubkeys: [aggregated.tauG2] };
  }
  const count = steps.runningProducts.length;
  const ids = steps.participantIds ?? new Array<string>(count).fill('');
  const signatures = steps.blsSignatures ?? new Array<string>(count).fill('');
  for (const [name, list] of [
    ['potPubkeys', steps.potPubkeys],
    ['participantIds', ids],
    ['blsSignatures', signatures],
  ] as const) {
    if (list.length !== count) {
      throw new InvalidInputError('WRONG_COUNT', `history.${name} has ${list.length} entries, history.runningProducts ${count}`, { input: 'input', path: `history.${name}` });
    }
  }
  ids.forEach((id, i) => {
    if (!isValidParticipantId(id)) {
      throw new InvalidInputError('INVALID_SCHEMA', `history.participantIds[${i}] is not an eth|0x… or git|id|@handle identity`, { input: 'input', path: `history.participantIds[${i}]` });
    }
  });
  const last = count === 0 ? G1_GENERATOR_HEX : steps.runningProducts[count - 1];
  if (last !== aggregated.runningProduct) {
    throw new InvalidInputError('RUNNING_PRODUCT_MISMATCH', "the history's last running product is not the aggregate's running product", {
      input: 'input',
      pointIndex: count,
      path: 'history.runningProducts',
    });
  }
  return {
    transcripts: [
      {
        numG1Powers: aggregated.numG1Powers,
        numG2Powers: aggregated.numG2Powers,
        powersOfTau: { g1Powers: [...aggregated.powers.g1Powers], g2Powers: [...aggregated.powers.g2Powers] },
        witness: {
          runningProducts: [G1_GENERATOR_HEX, ...steps.runningProducts],
          potPubkeys: [G2_GENERATOR_HEX, ...steps.potPubkeys],
          blsSignatures: ['', ...signatures],
        },
      },
    ],
    participantIds: ['', ...ids],
    participantEcdsaSignatures: new Array<string>(count + 1).fill(''),
  };
}
