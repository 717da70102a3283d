// In-memory model of the chunked powers-of-tau documents (rounds mode). Points
// are lowercase 0x-hex compressed encodings (G1: 48 bytes, G2: 96 bytes), as in
// the KZG format, so a parsed document serialises back byte for byte.
import type { PowersOfTau } from '../format/types.js';

/** The verified state of one chunk of one powers-of-tau vector. */
export interface ChunkState {
  chunkIndex: number;
  chunkCount: number;
  /** Size of the whole vector: n G1 powers tau^0..tau^(n-1), m G2 powers, 2 <= m <= n. */
  numG1Powers: number;
  numG2Powers: number;
  /** Global indices of the chunk's first and last G1 power (inclusive). */
  start: number;
  end: number;
  /** [tau^start]_1 .. [tau^end]_1. */
  g1Powers: string[];
  /** Chunk 0: [tau^0]_2 .. [tau^(m-1)]_2; other chunks: []. */
  g2Powers: string[];
  /** [tau]_1, tau = product of the secrets applied to this chunk so far. */
  runningProduct: string;
  /** [tau]_2. */
  tauG2: string;
}

/** [x^(2^k)]_1 and [x^(2^k)]_2 of the contributor's secret x. */
export interface LadderRung {
  g1: string;
  g2: string;
}

/** What a contributor uploads for one chunk: the next state plus its proofs. */
export interface ChunkContribution extends ChunkState {
  /** K = [x]_2, the same for every chunk of one contributor in one round. */
  potPubkey: string;
  /** k = 0..L (L = bit length of the layout's largest start): [x^(2^k)]_1, [x^(2^k)]_2. */
  ladder: LadderRung[];
  /**
   * One G1 point per set bit b_0 < b_1 < ... of `start`: W_{j+1} = x^(2^b_j) * W_j with
   * W_0 the previous state's first G1 power, so the last one is [tau'^start]_1. Empty for start 0.
   */
  startChain: string[];
}

/** The joined vector after every chunk of a round was verified. */
export interface AggregatedChunks {
  numG1Powers: number;
  numG2Powers: number;
  powers: PowersOfTau;
  runningProduct: string;
  tauG2: string;
}

/**
 * The witness of one chunk's history, in the order that chunk received its
 * contributions (after the initial entry): any single chunk's history is a valid
 * running-product chain for the aggregated vector, since every chunk ends at the same tau.
 */
export interface ChunkHistory {
  runningProducts: string[];
  potPubkeys: string[];
  /** One per contribution ('' for anonymous); default all ''. */
  participantIds?: string[];
  /** One per contribution (BLS signature G1 hex or ''); default all ''. */
  blsSignatures?: string[];
}
