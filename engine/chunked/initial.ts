// Chunk states to start a round from: the generators (first round), or the
// aggregate of the previous round split again.
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX } from '../curve/constants.js';
import type { SubCeremonySize } from '../format/types.js';
import { toChunkError } from './errors.js';
import { assertChunkGeometry, chunkLayout, resolveChunkedLimits, type ChunkedLimits } from './layout.js';
import type { AggregatedChunks, ChunkState } from './types.js';

function split(size: SubCeremonySize, chunkCount: number, g1Powers: readonly string[], g2Powers: readonly string[], runningProduct: string, tauG2: string): ChunkState[] {
  return chunkLayout(size.numG1Powers, chunkCount).map(({ start, end }, chunkIndex) => ({
    chunkIndex,
    chunkCount,
    numG1Powers: size.numG1Powers,
    numG2Powers: size.numG2Powers,
    start,
    end,
    g1Powers: g1Powers.slice(start, end + 1),
    g2Powers: chunkIndex === 0 ? [...g2Powers] : [],
    runningProduct,
    tauG2,
  }));
}

function checkGeometry(size: SubCeremonySize, chunkCount: number, limits: ChunkedLimits): void {
  try {
    assertChunkGeometry(size, chunkCount, limits);
  } catch (err) {
    throw toChunkError(err, undefined, 'input');
  }
}

/** The chunks of a fresh vector: every power a generator, tau = 1. */
export function initialChunkStates(size: SubCeremonySize, chunkCount: number, limitOverrides?: Partial<ChunkedLimits>): ChunkState[] {
  checkGeometry(size, chunkCount, resolveChunkedLimits(limitOverrides));
  return split(size, chunkCount, new Array<string>(size.numG1Powers).fill(G1_GENERATOR_HEX), new Array<string>(size.numG2Powers).fill(G2_GENERATOR_HEX), G1_GENERATOR_HEX, G2_GENERATOR_HEX);
}

/**
 * The chunks of an aggregated vector (the start of the next round), possibly with
 * another chunk count. The aggregate must come from aggregateChunks (verified).
 */
export function splitIntoChunks(aggregated: AggregatedChunks, chunkCount: number, limitOverrides?: Partial<ChunkedLimits>): ChunkState[] {
  const size = { numG1Powers: aggregated.numG1Powers, numG2Powers: aggregated.numG2Powers };
  checkGeometry(size, chunkCount, resolveChunkedLimits(limitOverrides));
  return split(size, chunkCount, aggregated.powers.g1Powers, aggregated.powers.g2Powers, aggregated.runningProduct, aggregated.tauG2);
}
