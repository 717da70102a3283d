// The checks every powers vector must pass, for many sub-ceremonies at once:
// decoding, curve and subgroup checks of every point, generator first powers,
// and the scalar sums feeding the consecutive-powers and same-tau pairing
// equations, all computed in one parallel pass over the points.
import type { CurveBackend, PointFailure } from '../curve/backend.js';
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX } from '../curve/constants.js';
import { randomScalars } from '../curve/scalars.js';
import type { Engine } from '../context.js';
import { InvalidInputError, type InputRole } from '../errors.js';
import { hexToBytes, packHexPoints, G1_BYTES, G2_BYTES } from '../format/hex.js';
import type { PowersOfTau } from '../format/types.js';
import { decodeAndCombine, decodeTrusted } from './bulk-points.js';
import { consecutivePairs, consecutiveScalars, locateConsecutiveBreak } from './consecutive-powers.js';
import type { PairingEquation } from './pairing-batch.js';
import { pointError } from './point-errors.js';
import type { ProgressCounter } from './progress-counter.js';
import { locateSameTauBreak, sameTauPairs } from './same-tau.js';

export interface PackedPowers {
  g1: Uint8Array;
  g2: Uint8Array;
}

export function packPowers(powers: PowersOfTau): PackedPowers {
  return { g1: packHexPoints(powers.g1Powers, G1_BYTES), g2: packHexPoints(powers.g2Powers, G2_BYTES) };
}

/** Outcome of the single pass over one sub-ceremony's powers. */
export interface PowersPass<P1, P2> {
  g1Failure: PointFailure | undefined;
  g2Failure: PointFailure | undefined;
  /** sum r_i P_i, sum r_i P_{i+1}, sum s_i P_i (i < numG2Powers), sum s_i Q_i. */
  sums: { lower: P1; upper: P1; sameTauG1: P1; sameTauG2: P2 } | undefined;
}

export async function runPowersPass<P1, P2>(engine: Engine, packed: PackedPowers, progress: ProgressCounter | undefined): Promise<PowersPass<P1, P2>> {
  const backend = engine.backend as CurveBackend<P1, P2>;
  const n1 = packed.g1.byteLength / G1_BYTES;
  const n2 = packed.g2.byteLength / G2_BYTES;
  const { lower, upper } = consecutiveScalars(n1);
  const s = randomScalars(n2);
  const sPadded = { width: s.width, bytes: new Uint8Array(n1 * s.width) };
  sPadded.bytes.set(s.bytes);
  const [g1, g2] = await Promise.all([
    decodeAndCombine(engine, 'G1', backend.g1, packed.g1, [lower, upper, sPadded], { validate: true, progress }),
    decodeAndCombine(engine, 'G2', backend.g2, packed.g2, [s], { validate: true, progress }),
  ]);
  if (!g1.ok || !g2.ok) {
    return { g1Failure: g1.ok ? undefined : g1.failure, g2Failure: g2.ok ? undefined : g2.failure, sums: undefined };
  }
  const [lowerSum, upperSum, sameTauG1] = g1.sums as [P1, P1, P1];
  return { g1Failure: undefined, g2Failure: undefined, sums: { lower: lowerSum, upper: upperSum, sameTauG1, sameTauG2: g2.sums[0] as P2 } };
}

/** Throws the first point failure of a pass (G1 powers before G2 powers). */
export function throwPointFailures(pass: PowersPass<unknown, unknown>, subCeremony: number, input: InputRole): void {
  if (pass.g1Failure !== undefined) throw pointError(pass.g1Failure, 'G1 power', subCeremony, input);
  if (pass.g2Failure !== undefined) throw pointError(pass.g2Failure, 'G2 power', subCeremony, input);
}

const G1_GENERATOR = hexToBytes(G1_GENERATOR_HEX);
const G2_GENERATOR = hexToBytes(G2_GENERATOR_HEX);

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/** The first G1 and G2 powers must be the generators (tau^0 = 1). */
export function checkGeneratorPowers(packed: PackedPowers, subCeremony: number, input: InputRole): void {
  if (!startsWith(packed.g1, G1_GENERATOR)) {
    throw new InvalidInputError('FIRST_POWER_NOT_GENERATOR', `sub-ceremony ${subCeremony}: G1 power 0 is not the G1 generator`, { subCeremony, pointIndex: 0, input });
  }
  if (!startsWith(packed.g2, G2_GENERATOR)) {
    throw new InvalidInputError('FIRST_POWER_NOT_GENERATOR', `sub-ceremony ${subCeremony}: G2 power 0 is not the G2 generator`, { subCeremony, pointIndex: 0, input });
  }
}

export type PowersCheckCode = 'G1_POWERS_NOT_CONSECUTIVE' | 'G2_POWERS_MISMATCH';

export interface EquationLabel {
  code: 'TAU_UPDATE_MISMATCH' | PowersCheckCode | 'RUNNING_PRODUCT_MISMATCH';
  subCeremony: number;
}

/** [tau]_1 (G1 power 1) and [tau]_2 (G2 power 1) of already validated powers. */
export function tauPoints<P1, P2>(backend: CurveBackend<P1, P2>, packed: PackedPowers): { tauG1: P1; tauG2: P2 } {
  return {
    tauG1: decodeTrusted(backend.g1, packed.g1.subarray(G1_BYTES, 2 * G1_BYTES)),
    tauG2: decodeTrusted(backend.g2, packed.g2.subarray(G2_BYTES, 2 * G2_BYTES)),
  };
}

/** Same-tau then consecutive-powers equations of one sub-ceremony, in diagnosis order. */
export function powersEquations<P1, P2>(backend: CurveBackend<P1, P2>, pass: PowersPass<P1, P2>, tauG2: P2, subCeremony: number): Array<PairingEquation<P1, P2, EquationLabel>> {
  const sums = pass.sums;
  if (sums === undefined) throw new Error('internal: pairing equations of powers that failed decoding');
  return [
    { label: { code: 'G2_POWERS_MISMATCH', subCeremony }, pairs: sameTauPairs(backend, sums.sameTauG1, sums.sameTauG2) },
    { label: { code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony }, pairs: consecutivePairs(backend, sums.lower, sums.upper, tauG2) },
  ];
}

/** Builds the error of a failed powers equation, locating the first bad point by bisection. */
export async function powersEquationError<P2>(engine: Engine, code: PowersCheckCode, packed: PackedPowers, tauG2: P2, subCeremony: number, input: InputRole): Promise<InvalidInputError> {
  if (code === 'G1_POWERS_NOT_CONSECUTIVE') {
    const index = await locateConsecutiveBreak(engine, packed.g1, tauG2);
    const where = index === undefined ? 'the G1 powers' : `G1 power ${index}`;
    return new InvalidInputError(code, `sub-ceremony ${subCeremony}: ${where} is not the previous G1 power times tau (tau taken from G2 power 1)`, {
      subCeremony,
      pointIndex: index,
      input,
    });
  }
  const n2 = packed.g2.byteLength / G2_BYTES;
  const index = await locateSameTauBreak(engine, packed.g1.subarray(0, n2 * G1_BYTES), packed.g2);
  const where = index === undefined ? 'the G2 powers' : `G2 power ${index}`;
  return new InvalidInputError(code, `sub-ceremony ${subCeremony}: ${where} does not hold the same power of tau as the G1 power with that index`, {
    subCeremony,
    pointIndex: index,
    input,
  });
}
