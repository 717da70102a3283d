// Verification of one chunk contribution against the verified state of that
// chunk. Every check names itself (a stable code), the chunk and the point:
//   shape, counts and indices (same layout as the previous state);
//   every point decodes, is on the curve and in the subgroup, none is infinity;
//   K = potPubkey equals the contributor's expected pubkey when given;
//   tau update      e(T1', g2) = e(T1, K)                 T1' = x * T1
//   same tau'       e(T1', g2) = e(g1, T2')
//   ladder          l_0.g2 = K, e(l_k.g1, g2) = e(g1, l_k.g2), e(l_k.g1, l_k.g2) = e(g1, l_{k+1}.g2)
//   start chain     e(W_{j+1}, g2) = e(W_j, l_{b_j}.g2), W_0 = previous first G1 power
//   chunk start     first G1 power = last W (= g1 for start 0)
//   consecutive     e(sum r_i P_{i+1}, g2) = e(sum r_i P_i, T2')
//   chunk 0 G2      Q_0 = g2, e(T1', sum s_j Q_j) = e(g1, sum s_j Q_{j+1})
// All pairing equations are batched by one random linear combination (fresh
// 64-bit weights, pairs grouped by G2 point: see pairing.ts); when the batch
// fails, the checks are replayed in the order above to name the first failing
// one, and the bulk checks bisect to the first bad point.
import type { CurveBackend, GroupBackend } from '../curve/backend.js';
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX } from '../curve/constants.js';
import { zeroScalars } from '../curve/scalars.js';
import type { Engine } from '../context.js';
import type { InputErrorCode, InputRole } from '../errors.js';
import { assertHex, hexToBytes, packHexPoints, G1_BYTES, G2_BYTES } from '../format/hex.js';
import { firstBadPosition } from '../ops/bisect.js';
import { decodeAndCombine, decodeOne } from '../ops/bulk-points.js';
import { consecutivePairs, consecutiveScalars, locateConsecutiveBreak } from '../ops/consecutive-powers.js';
import { equationHolds, type PairingEquation } from '../ops/pairing-batch.js';
import { ProgressCounter } from '../ops/progress-counter.js';
import { sameTauPairs } from '../ops/same-tau.js';
import { ChunkError, chunkPointError, toChunkError } from './errors.js';
import { checkChunkShape, stateOf } from './format.js';
import { resolveChunkedLimits, setBits, type ChunkedLimits } from './layout.js';
import { groupedEquationsHold } from './pairing.js';
import type { ChunkContribution, ChunkState } from './types.js';

export interface VerifyChunkOptions {
  /**
   * The contributor's K from its first chunk of the round: every chunk of one
   * contributor must carry the same secret (PUBKEY_MISMATCH otherwise).
   */
  expectedPubkey?: string;
  limits?: Partial<ChunkedLimits>;
}

export const G1_INFINITY_HEX = '0xc0' + '00'.repeat(47);
export const G2_INFINITY_HEX = '0xc0' + '00'.repeat(95);

type Pairs<P1, P2> = Array<readonly [P1, P2]>;

type Check<P1, P2> = { kind: 'hex'; ok: boolean; error: () => ChunkError } | { kind: 'pairing'; pairs: Pairs<P1, P2>; error: () => Promise<ChunkError> | ChunkError };

/** Verifies `contribution` as the next state of `previous`; returns that state. Throws ChunkError. */
export async function verifyChunkContribution(engine: Engine, previous: ChunkState, contribution: ChunkContribution, options: VerifyChunkOptions = {}): Promise<ChunkState> {
  const limits = resolveChunkedLimits(options.limits);
  checkChunkShape(previous, limits, false, 'transcript');
  checkChunkShape(contribution, limits, true, 'contribution');
  return verifyWith(engine, engine.backend, previous, contribution, options.expectedPubkey);
}

function fail(code: InputErrorCode, chunkIndex: number, message: string, path: string | undefined, pointIndex?: number, input: InputRole = 'contribution'): ChunkError {
  return new ChunkError(code, `chunk ${chunkIndex}: ${message}`, { chunkIndex, pointIndex, path, input });
}

function checkSameLayout(previous: ChunkState, next: ChunkState): void {
  const c = previous.chunkIndex;
  for (const key of ['numG1Powers', 'numG2Powers'] as const) {
    if (previous[key] !== next[key]) throw fail('WRONG_COUNT', c, `${key} is ${next[key]}, the chunk's state has ${previous[key]}`, `$.${key}`);
  }
  for (const key of ['chunkIndex', 'chunkCount', 'start', 'end'] as const) {
    if (previous[key] !== next[key]) throw fail('CHUNK_LAYOUT_MISMATCH', c, `${key} is ${next[key]}, the chunk's state has ${previous[key]}`, `$.${key}`);
  }
}

function checkNoInfinity(contribution: ChunkContribution, previous: ChunkState): void {
  const c = contribution.chunkIndex;
  if (contribution.potPubkey === G2_INFINITY_HEX) throw fail('PUBKEY_AT_INFINITY', c, 'potPubkey is the point at infinity', '$.potPubkey');
  // A secret of 1 passes every other check and adds no randomness: its pubkey is the generator.
  if (contribution.potPubkey.toLowerCase() === G2_GENERATOR_HEX) {
    throw fail('NO_OP_CONTRIBUTION', c, 'potPubkey is the G2 generator (a secret of 1): the chunk is the previous one, unchanged', '$.potPubkey');
  }
  const atInfinity = (list: readonly string[], path: string, what: string, infinity: string, input: InputRole = 'contribution'): void => {
    const index = list.indexOf(infinity);
    if (index >= 0) throw fail('POINT_AT_INFINITY', c, `${what} ${index} is the point at infinity`, `${path}[${index}]`, index, input);
  };
  const single = (value: string, path: string, infinity: string, input: InputRole = 'contribution'): void => {
    if (value === infinity) throw fail('POINT_AT_INFINITY', c, `${path.slice(2)} is the point at infinity`, path, undefined, input);
  };
  single(previous.runningProduct, '$.runningProduct', G1_INFINITY_HEX, 'transcript');
  atInfinity(previous.g1Powers.slice(0, 1), '$.g1Powers', 'G1 power', G1_INFINITY_HEX, 'transcript');
  atInfinity(contribution.g1Powers, '$.g1Powers', 'G1 power', G1_INFINITY_HEX);
  atInfinity(contribution.g2Powers, '$.g2Powers', 'G2 power', G2_INFINITY_HEX);
  single(contribution.runningProduct, '$.runningProduct', G1_INFINITY_HEX);
  single(contribution.tauG2, '$.tauG2', G2_INFINITY_HEX);
  atInfinity(
    contribution.ladder.map((rung) => rung.g1),
    '$.ladder',
    'ladder rung (g1)',
    G1_INFINITY_HEX,
  );
  atInfinity(
    contribution.ladder.map((rung) => rung.g2),
    '$.ladder',
    'ladder rung (g2)',
    G2_INFINITY_HEX,
  );
  atInfinity(contribution.startChain, '$.startChain', 'start chain point', G1_INFINITY_HEX);
}

async function verifyWith<P1, P2>(engine: Engine, backend: CurveBackend<P1, P2>, previous: ChunkState, contribution: ChunkContribution, expectedPubkey: string | undefined): Promise<ChunkState> {
  const c = contribution.chunkIndex;
  checkSameLayout(previous, contribution);
  const g1 = backend.g1;
  const g2 = backend.g2;

  // Point decoding and subgroup checks: the bulk lists on the pool (with the
  // sums of the consecutive-powers checks), the few proof points here.
  const n1 = contribution.g1Powers.length;
  const n2 = contribution.g2Powers.length;
  const g1Packed = packHexPoints(contribution.g1Powers, G1_BYTES);
  const g2Packed = packHexPoints(contribution.g2Powers, G2_BYTES);
  const s1 = consecutiveScalars(n1);
  const s2 = n2 > 0 ? consecutiveScalars(n2) : { lower: zeroScalars(0), upper: zeroScalars(0) };
  const progress = new ProgressCounter(engine, 'verify', n1 + n2);
  const [bulk1, bulk2] = await Promise.all([
    decodeAndCombine(engine, 'G1', g1, g1Packed, [s1.lower, s1.upper], { validate: true, progress }),
    decodeAndCombine(engine, 'G2', g2, g2Packed, [s2.lower, s2.upper], { validate: true, progress }),
  ]);
  if (!bulk1.ok) throw chunkPointError(bulk1.failure, c, 'contribution', 'G1 power', '$.g1Powers', bulk1.failure.index);
  if (!bulk2.ok) throw chunkPointError(bulk2.failure, c, 'contribution', 'G2 power', '$.g2Powers', bulk2.failure.index);

  const decode = <P>(group: GroupBackend<P>, hex: string, what: string, path: string, index?: number, input: InputRole = 'contribution'): P => {
    const decoded = decodeOne(group, hexToBytes(hex));
    if (!decoded.ok) throw chunkPointError(decoded.failure, c, input, what, path, index);
    return decoded.point;
  };
  const previousProduct = decode(g1, previous.runningProduct, 'runningProduct', '$.runningProduct', undefined, 'transcript');
  const previousFirst = decode(g1, previous.g1Powers[0] as string, 'G1 power', '$.g1Powers', 0, 'transcript');
  const t1 = decode(g1, contribution.runningProduct, 'runningProduct', '$.runningProduct');
  const t2 = decode(g2, contribution.tauG2, 'tauG2', '$.tauG2');
  const pubkey = decode(g2, contribution.potPubkey, 'potPubkey', '$.potPubkey');
  const ladder = contribution.ladder.map((rung, k) => ({
    g1: decode(g1, rung.g1, 'ladder rung (g1)', `$.ladder[${k}].g1`),
    g2: k === 0 && rung.g2 === contribution.potPubkey ? pubkey : decode(g2, rung.g2, 'ladder rung (g2)', `$.ladder[${k}].g2`),
  }));
  const chain = contribution.startChain.map((hex, j) => decode(g1, hex, 'start chain point', '$.startChain', j));

  checkNoInfinity(contribution, previous);
  if (expectedPubkey !== undefined) {
    let expected: P2;
    try {
      assertHex(expectedPubkey, G2_BYTES, 'expectedPubkey');
      expected = decode(g2, expectedPubkey, 'expectedPubkey', 'expectedPubkey', undefined, 'input');
    } catch (err) {
      throw toChunkError(err, c, 'input');
    }
    if (!g2.equals(expected, pubkey)) {
      throw fail('PUBKEY_MISMATCH', c, "potPubkey is not the contributor's pubkey from its other chunks (a different secret)", '$.potPubkey');
    }
  }

  const gen1 = g1.generator();
  const gen2 = g2.generator();
  const checks: Array<Check<P1, P2>> = [];
  checks.push({
    kind: 'pairing',
    pairs: [
      [previousProduct, pubkey],
      [g1.negate(t1), gen2],
    ],
    error: () => fail('TAU_UPDATE_MISMATCH', c, "runningProduct is not the chunk's previous running product times the secret of potPubkey", '$.runningProduct'),
  });
  checks.push({
    kind: 'pairing',
    pairs: sameTauPairs(backend, t1, t2),
    error: () => fail('TAU_G1_G2_MISMATCH', c, 'tauG2 does not hold the same tau as runningProduct', '$.tauG2'),
  });
  checks.push({
    kind: 'hex',
    ok: contribution.ladder[0]?.g2 === contribution.potPubkey,
    error: () => fail('LADDER_MISMATCH', c, 'ladder rung 0 (g2) is not potPubkey', '$.ladder[0].g2', 0),
  });
  ladder.forEach((rung, k) => {
    checks.push({
      kind: 'pairing',
      pairs: sameTauPairs(backend, rung.g1, rung.g2),
      error: () => fail('LADDER_MISMATCH', c, `ladder rung ${k}: g1 and g2 do not hold the same scalar`, `$.ladder[${k}]`, k),
    });
    const next = ladder[k + 1];
    if (next !== undefined) {
      checks.push({
        kind: 'pairing',
        pairs: [
          [rung.g1, rung.g2],
          [g1.negate(gen1), next.g2],
        ],
        error: () => fail('LADDER_MISMATCH', c, `ladder rung ${k + 1} is not the square of rung ${k}`, `$.ladder[${k + 1}]`, k + 1),
      });
    }
  });
  const bits = setBits(contribution.start);
  bits.forEach((bit, j) => {
    const from = j === 0 ? previousFirst : (chain[j - 1] as P1);
    const rung = ladder[bit];
    if (rung === undefined) throw new Error('internal: ladder shorter than the start needs');
    checks.push({
      kind: 'pairing',
      pairs: [
        [chain[j] as P1, gen2],
        [g1.negate(from), rung.g2],
      ],
      error: () => fail('START_CHAIN_MISMATCH', c, `start chain point ${j} is not ${j === 0 ? "the previous state's first G1 power" : `point ${j - 1}`} times x^(2^${bit})`, `$.startChain[${j}]`, j),
    });
  });
  if (contribution.start === 0) {
    checks.push({
      kind: 'hex',
      ok: contribution.g1Powers[0] === G1_GENERATOR_HEX,
      error: () => fail('FIRST_POWER_NOT_GENERATOR', c, 'G1 power 0 is not the G1 generator', '$.g1Powers[0]', 0),
    });
  } else {
    checks.push({
      kind: 'hex',
      ok: contribution.g1Powers[0] === contribution.startChain[contribution.startChain.length - 1],
      error: () => fail('CHUNK_START_MISMATCH', c, `G1 power ${contribution.start} (chunk point 0) is not [tau'^${contribution.start}]_1, the last start chain point`, '$.g1Powers[0]', 0),
    });
  }
  const [lower1, upper1] = bulk1.sums as [P1, P1];
  checks.push({
    kind: 'pairing',
    pairs: consecutivePairs(backend, lower1, upper1, t2),
    error: async () => {
      const j = await locateConsecutiveBreak(engine, g1Packed, t2);
      const where = j === undefined ? 'the G1 powers are' : `G1 power ${contribution.start + j} (chunk point ${j}) is`;
      return fail('G1_POWERS_NOT_CONSECUTIVE', c, `${where} not the previous power times tau' (tau' from tauG2)`, j === undefined ? '$.g1Powers' : `$.g1Powers[${j}]`, j);
    },
  });
  if (n2 > 0) {
    checks.push({
      kind: 'hex',
      ok: contribution.g2Powers[0] === G2_GENERATOR_HEX,
      error: () => fail('FIRST_POWER_NOT_GENERATOR', c, 'G2 power 0 is not the G2 generator', '$.g2Powers[0]', 0),
    });
    const [lower2, upper2] = bulk2.sums as [P2, P2];
    checks.push({
      kind: 'pairing',
      pairs: g2ChainPairs(backend, t1, lower2, upper2),
      error: async () => {
        const j = await locateG2Break(engine, g2Packed, t1);
        const where = j === undefined ? 'the G2 powers are' : `G2 power ${j} is`;
        return fail('G2_POWERS_MISMATCH', c, `${where} not the previous G2 power times tau' (tau' from runningProduct)`, j === undefined ? '$.g2Powers' : `$.g2Powers[${j}]`, j);
      },
    });
  }

  const equations: Array<PairingEquation<P1, P2, number>> = [];
  checks.forEach((check, i) => {
    if (check.kind === 'pairing') equations.push({ label: i, pairs: check.pairs });
  });
  const hexOk = checks.every((check) => check.kind === 'pairing' || check.ok);
  if (hexOk && groupedEquationsHold(backend, equations)) return stateOf(contribution);
  for (const check of checks) {
    if (check.kind === 'hex') {
      if (!check.ok) throw check.error();
    } else if (!equationHolds(backend, check.pairs)) {
      throw await check.error();
    }
  }
  throw new Error(`internal: chunk ${c}: the batched pairing check failed, but no single check did`);
}

/** Pairs whose product is 1 when upper = tau' * lower in G2, given T1' = [tau']_1. */
function g2ChainPairs<P1, P2>(backend: CurveBackend<P1, P2>, t1: P1, lower: P2, upper: P2): Pairs<P1, P2> {
  return [
    [t1, lower],
    [backend.g1.negate(backend.g1.generator()), upper],
  ];
}

/** Index j >= 1 of the first G2 power with Q_j != tau' Q_{j-1}. */
async function locateG2Break<P1, P2>(engine: Engine, g2Packed: Uint8Array, t1: P1): Promise<number | undefined> {
  const backend = engine.backend as CurveBackend<P1, P2>;
  const pairCount = g2Packed.byteLength / G2_BYTES - 1;
  const pair = await firstBadPosition(0, pairCount, async (a, b) => {
    const slice = g2Packed.subarray(a * G2_BYTES, (b + 1) * G2_BYTES);
    const { lower, upper } = consecutiveScalars(b - a + 1);
    const sums = await decodeAndCombine(engine, 'G2', backend.g2, slice, [lower, upper], { validate: false });
    if (!sums.ok) return false;
    return equationHolds(backend, g2ChainPairs(backend, t1, sums.sums[0] as P2, sums.sums[1] as P2));
  });
  return pair === undefined ? undefined : pair + 1;
}
