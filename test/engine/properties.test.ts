// Property tests over random small sizes and secrets: a contribution verifies,
// both backends produce the same bytes, and any single-point mutation is rejected
// with an error in the mutated sub-ceremony.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, CURVE_ORDER, contribute, newTranscript, serializeBatchContribution, verifyContribution, type BatchContribution, type SubCeremonySize } from '../../engine/index.js';
import { BACKENDS, clone, engineFor, g1OffCurve, g2OutsideSubgroup } from './helpers.js';

const sizesArb = fc.array(
  fc.integer({ min: 2, max: 4 }).chain((g2) => fc.integer({ min: g2, max: 10 }).map((g1): SubCeremonySize => ({ numG1Powers: g1, numG2Powers: g2 }))),
  { minLength: 1, maxLength: 3 },
);
const secretArb = fc.bigInt({ min: 2n, max: CURVE_ORDER - 1n });

type Mutation = { sub: number; list: 'g1' | 'g2' | 'pubkey'; index: number; kind: 'swapIn' | 'invalid' | 'nibble'; nibble: number };

function mutationArb(sizes: SubCeremonySize[]): fc.Arbitrary<Mutation> {
  return fc
    .record({
      sub: fc.integer({ min: 0, max: sizes.length - 1 }),
      list: fc.constantFrom<Mutation['list']>('g1', 'g2', 'pubkey'),
      where: fc.nat(),
      kind: fc.constantFrom<Mutation['kind']>('swapIn', 'invalid', 'nibble'),
      nibble: fc.nat(),
    })
    .map(({ sub, list, where, kind, nibble }) => {
      const size = sizes[sub] as SubCeremonySize;
      const length = list === 'g1' ? size.numG1Powers : list === 'g2' ? size.numG2Powers : 1;
      return { sub, list, index: where % length, kind, nibble };
    });
}

function mutate(contribution: BatchContribution, other: BatchContribution, m: Mutation): BatchContribution {
  const out = clone(contribution);
  const sub = out.contributions[m.sub];
  const otherSub = other.contributions[m.sub];
  if (sub === undefined || otherSub === undefined) throw new Error('bad mutation');
  const read = (): string => (m.list === 'g1' ? sub.powersOfTau.g1Powers[m.index] : m.list === 'g2' ? sub.powersOfTau.g2Powers[m.index] : sub.potPubkey) as string;
  const write = (value: string): void => {
    if (m.list === 'g1') sub.powersOfTau.g1Powers[m.index] = value;
    else if (m.list === 'g2') sub.powersOfTau.g2Powers[m.index] = value;
    else sub.potPubkey = value;
  };
  const current = read();
  if (m.kind === 'swapIn') {
    // The same position from a contribution with another secret: a valid point.
    const replacement = (m.list === 'g1' ? otherSub.powersOfTau.g1Powers[m.index] : m.list === 'g2' ? otherSub.powersOfTau.g2Powers[m.index] : otherSub.potPubkey) as string;
    // Position 0 holds the generator in every contribution: use power 1 instead.
    write(replacement !== current ? replacement : ((m.list === 'g1' ? otherSub.powersOfTau.g1Powers[1] : otherSub.powersOfTau.g2Powers[1]) as string));
  } else if (m.kind === 'invalid') {
    write(m.list === 'g1' ? g1OffCurve() : g2OutsideSubgroup());
  } else {
    const position = 2 + (m.nibble % (current.length - 2));
    const digit = current[position] as string;
    const next = ((parseInt(digit, 16) + 1 + (m.nibble % 15)) % 16).toString(16);
    write(current.slice(0, position) + next + current.slice(position + 1));
  }
  return out;
}

describe('properties', () => {
  it.each(BACKENDS)('contribute then verify accepts; any single-point mutation is rejected (%s)', async (backend) => {
    const engine = await engineFor(backend);
    const runs = backend === 'fast' ? 25 : 6;
    await fc.assert(
      fc.asyncProperty(
        sizesArb.chain((sizes) => fc.tuple(fc.constant(sizes), fc.array(secretArb, { minLength: sizes.length, maxLength: sizes.length }), mutationArb(sizes))),
        async ([sizes, secrets, mutation]) => {
          const transcript = newTranscript(sizes);
          const contribution = await contribute(engine, transcript, { secrets });
          await verifyContribution(engine, transcript, contribution);
          const other = await contribute(engine, transcript, { secrets: secrets.map((s) => (s * 3n) % CURVE_ORDER || 5n) });
          const bad = mutate(contribution, other, mutation);
          let error: unknown;
          try {
            await verifyContribution(engine, transcript, bad);
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(InvalidInputError);
          expect((error as InvalidInputError).subCeremony).toBe(mutation.sub);
        },
      ),
      { numRuns: runs },
    );
  });

  it('every backend produces identical contributions for the same secrets', async () => {
    const [fast, wasm, noble] = await Promise.all(BACKENDS.map((name) => engineFor(name)));
    await fc.assert(
      fc.asyncProperty(
        sizesArb.chain((sizes) => fc.tuple(fc.constant(sizes), fc.array(secretArb, { minLength: sizes.length, maxLength: sizes.length }))),
        async ([sizes, secrets]) => {
          const transcript = newTranscript(sizes);
          const a = serializeBatchContribution(await contribute(fast!, transcript, { secrets }));
          const b = serializeBatchContribution(await contribute(noble!, transcript, { secrets }));
          const c = serializeBatchContribution(await contribute(wasm!, transcript, { secrets }));
          expect(a).toBe(b);
          expect(c).toBe(b);
        },
      ),
      { numRuns: 5 },
    );
  });
});
