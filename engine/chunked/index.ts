// Public API of the chunked powers-of-tau format (rounds mode): one vector split
// into overlapping chunks, each contribution verified and attributed on arrival.
export type { AggregatedChunks, ChunkContribution, ChunkHistory, ChunkState, LadderRung } from './types.js';
export { ChunkError, type ChunkErrorDetails } from './errors.js';
export { assertChunkGeometry, chunkLayout, chunkRange, ladderLength, resolveChunkedLimits, setBits, DEFAULT_MAX_CHUNKS, MAX_PROOF_POINTS, type ChunkRange, type ChunkedLimits } from './layout.js';
export { checkChunkShape, chunkContributionFromJson, chunkStateFromJson, parseChunkContribution, parseChunkState, serializeChunkContribution, serializeChunkState, stateOf } from './format.js';
export { initialChunkStates, splitIntoChunks } from './initial.js';
export { contributeChunk, deriveRoundSecret, type ContributeChunkOptions } from './contribute.js';
export { verifyChunkContribution, G1_INFINITY_HEX, G2_INFINITY_HEX, type VerifyChunkOptions } from './verify.js';
export { aggregateChunks, historyOf, toBatchTranscript, type AggregateOptions } from './aggregate.js';
