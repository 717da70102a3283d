// The random linear combination of the core (engine/ops/pairing-batch.ts), with
// pairs grouped by their G2 point before the Miller loops: a chunk's equations
// reuse few G2 points (g2, K, T2', the ladder's rungs, two G2 sums) across many
// pairs, and a Miller loop costs several G1 scalar multiplications on the fast
// backend. prod_eq prod_pairs e(w_eq P, Q) is regrouped as prod_Q e(sum w_eq P, Q),
// the same element of GT, so soundness is that of the core's batch: a false
// equation passes with probability about 2^-64.
import type { CurveBackend } from '../curve/backend.js';
import { CURVE_ORDER } from '../curve/constants.js';
import { randomScalar } from '../curve/scalars.js';
import { equationHolds, type PairingEquation } from '../ops/pairing-batch.js';

interface Group<P1, P2> {
  q: P2;
  /** Coefficient of the G1 generator on this G2 point. */
  generatorScalar: bigint;
  /** Weighted G1 points other than +-g1. */
  sum: P1;
}

export function groupedEquationsHold<P1, P2, L>(backend: CurveBackend<P1, P2>, equations: ReadonlyArray<PairingEquation<P1, P2, L>>): boolean {
  const g1 = backend.g1;
  const g2 = backend.g2;
  const generator = g1.generator();
  const negatedGenerator = g1.negate(generator);
  const groups: Array<Group<P1, P2>> = [];
  const groupOf = (q: P2): Group<P1, P2> => {
    let group = groups.find((g) => g.q === q) ?? groups.find((g) => g2.equals(g.q, q));
    if (group === undefined) {
      group = { q, generatorScalar: 0n, sum: g1.zero() };
      groups.push(group);
    }
    return group;
  };
  for (const equation of equations) {
    let weight = 0n;
    while (weight === 0n) weight = randomScalar(8);
    for (const [p, q] of equation.pairs) {
      const group = groupOf(q);
      if (p === generator || g1.equals(p, generator)) group.generatorScalar += weight;
      else if (g1.equals(p, negatedGenerator)) group.generatorScalar -= weight;
      else group.sum = g1.add(group.sum, g1.multiply(p, weight));
    }
  }
  const pairs = groups.map((group): readonly [P1, P2] => {
    const scalar = ((group.generatorScalar % CURVE_ORDER) + CURVE_ORDER) % CURVE_ORDER;
    return [scalar === 0n ? group.sum : g1.add(group.sum, g1.multiply(generator, scalar)), group.q];
  });
  return equationHolds(backend, pairs);
}
