// A contribution to one chunk: the chunk's G1 powers [tau^(start+i)]_1 become
// [(x tau)^(start+i)]_1, chunk 0's G2 powers likewise, the running product and
// [tau]_2 are multiplied by x, plus the proofs: K = [x]_2, the ladder
// [x^(2^k)]_1, [x^(2^k)]_2 and the start chain from the previous first power.
// The secret x is the caller's (one per contributor and round, the same for every
// chunk: see deriveRoundSecret); the bulk scaling runs on the worker pool.
import type { CurveBackend, GroupBackend } from '../curve/backend.js';
import { CURVE_ORDER } from '../curve/constants.js';
import type { Engine } from '../context.js';
import { InvalidInputError } from '../errors.js';
import { bytesToHex, hexToBytes, packHexPoints, unpackHexPoints, G1_BYTES, G2_BYTES } from '../format/hex.js';
import { decodeOne, scaleByPowers } from '../ops/bulk-points.js';
import { deriveSecrets } from '../ops/derive-secrets.js';
import { ProgressCounter } from '../ops/progress-counter.js';
import { chunkPointError } from './errors.js';
import { checkChunkShape } from './format.js';
import { ladderLength, resolveChunkedLimits, setBits, type ChunkedLimits } from './layout.js';
import type { ChunkContribution, ChunkState, LadderRung } from './types.js';

/**
 * One fresh secret for one contributor in one round: 64 CSPRNG bytes mixed with
 * the optional entropy through HKDF-SHA256 (engine/ops/derive-secrets.ts), in
 * (1, r). Use it for every chunk of that round, then drop it.
 */
export function deriveRoundSecret(entropy?: string | Uint8Array): bigint {
  const [secret] = deriveSecrets(1, entropy);
  if (secret === undefined) throw new Error('internal: no secret derived');
  return secret;
}

export interface ContributeChunkOptions {
  limits?: Partial<ChunkedLimits>;
}

export async function contributeChunk(engine: Engine, state: ChunkState, secret: bigint, options: ContributeChunkOptions = {}): Promise<ChunkContribution> {
  checkChunkShape(state, resolveChunkedLimits(options.limits), false, 'input');
  if (secret <= 1n || secret >= CURVE_ORDER) {
    throw new InvalidInputError('INVALID_SECRET', 'the secret must be greater than 1 and below the group order');
  }
  return contributeWith(engine, engine.backend, state, secret);
}

function decodeInput<P>(group: GroupBackend<P>, hex: string, chunkIndex: number, what: string, path: string): P {
  const decoded = decodeOne(group, hexToBytes(hex));
  if (!decoded.ok) throw chunkPointError(decoded.failure, chunkIndex, 'input', what, path, undefined);
  return decoded.point;
}

async function contributeWith<P1, P2>(engine: Engine, backend: CurveBackend<P1, P2>, state: ChunkState, secret: bigint): Promise<ChunkContribution> {
  const c = state.chunkIndex;
  const progress = new ProgressCounter(engine, 'contribute', state.g1Powers.length + state.g2Powers.length);
  const [g1Out, g2Out] = await Promise.all([
    scaleByPowers(engine, 'G1', packHexPoints(state.g1Powers, G1_BYTES), secret, { validate: true, startExponent: state.start, progress }),
    scaleByPowers(engine, 'G2', packHexPoints(state.g2Powers, G2_BYTES), secret, { validate: true, startExponent: 0, progress }),
  ]);
  if (!g1Out.ok) throw chunkPointError(g1Out.failure, c, 'input', 'G1 power', '$.g1Powers', g1Out.failure.index);
  if (!g2Out.ok) throw chunkPointError(g2Out.failure, c, 'input', 'G2 power', '$.g2Powers', g2Out.failure.index);

  const g1 = backend.g1;
  const g2 = backend.g2;
  const runningProduct = decodeInput(g1, state.runningProduct, c, 'runningProduct', '$.runningProduct');
  const tauG2 = decodeInput(g2, state.tauG2, c, 'tauG2', '$.tauG2');
  const firstPower = decodeInput(g1, state.g1Powers[0] as string, c, 'G1 power', '$.g1Powers[0]');
  const encode1 = (p: P1): string => bytesToHex(g1.encode([p]));
  const encode2 = (p: P2): string => bytesToHex(g2.encode([p]));

  // Ladder: x^(2^k) for k = 0..L.
  const rungs = ladderLength(state.numG1Powers, state.chunkCount);
  const ladder: LadderRung[] = [];
  let power = secret;
  for (let k = 0; k < rungs; k++) {
    ladder.push({ g1: encode1(g1.multiply(g1.generator(), power)), g2: encode2(g2.multiply(g2.generator(), power)) });
    power = (power * power) % CURVE_ORDER;
  }
  // Start chain: W_0 = previous first power, W_{j+1} = x^(2^b_j) W_j.
  const startChain: string[] = [];
  let w = firstPower;
  for (const bit of setBits(state.start)) {
    let factor = secret;
    for (let k = 0; k < bit; k++) factor = (factor * factor) % CURVE_ORDER;
    w = g1.multiply(w, factor);
    startChain.push(encode1(w));
  }
  power = 0n;

  return {
    chunkIndex: state.chunkIndex,
    chunkCount: state.chunkCount,
    numG1Powers: state.numG1Powers,
    numG2Powers: state.numG2Powers,
    start: state.start,
    end: state.end,
    g1Powers: unpackHexPoints(g1Out.points, G1_BYTES),
    g2Powers: unpackHexPoints(g2Out.points, G2_BYTES),
    runningProduct: encode1(g1.multiply(runningProduct, secret)),
    tauG2: encode2(g2.multiply(tauG2, secret)),
    potPubkey: encode2(g2.multiply(g2.generator(), secret)),
    ladder,
    startChain,
  };
}
