// Pairing-product equations, checked together through one random linear
// combination (fresh 64-bit weights, one final exponentiation); when the batch
// fails, equations are checked one by one to name the first failing one.
import type { CurveBackend } from '../curve/backend.js';
import { randomScalar } from '../curve/scalars.js';

/** prod e(P_i, Q_i) == 1 is expected. */
export interface PairingEquation<P1, P2, Label> {
  label: Label;
  pairs: Array<readonly [P1, P2]>;
}

export function equationHolds<P1, P2>(backend: CurveBackend<P1, P2>, pairs: ReadonlyArray<readonly [P1, P2]>): boolean {
  return backend.finalExponentiationIsOne([backend.millerLoopProduct(pairs)]);
}

/** True when every equation holds, except with probability about 2^-64 per bad equation. */
export function allEquationsHold<P1, P2, L>(backend: CurveBackend<P1, P2>, equations: ReadonlyArray<PairingEquation<P1, P2, L>>): boolean {
  const g2 = backend.g2.generator();
  let generatorSide = backend.g1.zero();
  const pairs: Array<readonly [P1, P2]> = [];
  for (const equation of equations) {
    let weight = 0n;
    while (weight === 0n) weight = randomScalar(8);
    for (const [p, q] of equation.pairs) {
      const scaled = backend.g1.multiply(p, weight);
      if (q === g2 || backend.g2.equals(q, g2)) generatorSide = backend.g1.add(generatorSide, scaled);
      else pairs.push([scaled, q]);
    }
  }
  pairs.push([generatorSide, g2]);
  return equationHolds(backend, pairs);
}

/** The label of the first equation that does not hold, or undefined when all hold. */
export function firstFailingEquation<P1, P2, L>(backend: CurveBackend<P1, P2>, equations: ReadonlyArray<PairingEquation<P1, P2, L>>): L | undefined {
  if (equations.length === 0 || allEquationsHold(backend, equations)) return undefined;
  for (const equation of equations) {
    if (!equationHolds(backend, equation.pairs)) return equation.label;
  }
  return undefined;
}
