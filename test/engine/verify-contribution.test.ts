// One test per check of the sequencer spec: each input fails exactly that check.
import { describe, expect, it } from 'vitest';
import { InvalidInputError, G1_GENERATOR_HEX, newTranscript, verifyContribution, type BatchContribution, type BatchTranscript, type Engine } from '../../engine/index.js';
import { BACKENDS, clone, contributionOn, engineFor, G2_INFINITY, g1Hex, g1OffCurve, g1OutsideSubgroup, g2Hex, g2OffCurve, g2OutsideSubgroup, SMALL_SIZES, transcriptWith } from './helpers.js';

async function rejection(engine: Engine, transcript: BatchTranscript, contribution: BatchContribution): Promise<InvalidInputError> {
  try {
    await verifyContribution(engine, transcript, contribution);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('the contribution was accepted');
}

describe.each(BACKENDS)('verifyContribution (%s backend)', (backend) => {
  let fixture: Promise<{ engine: Engine; transcript: BatchTranscript; contribution: BatchContribution }> | undefined;
  const setup = () => {
    fixture ??= (async () => {
      const engine = await engineFor(backend);
      const transcript = await transcriptWith(engine, 1);
      const contribution = await contributionOn(engine, transcript);
      return { engine, transcript, contribution };
    })();
    return fixture;
  };

  it('accepts a valid contribution and returns its pubkeys', async () => {
    const { engine, transcript, contribution } = await setup();
    const verified = await verifyContribution(engine, transcript, contribution);
    expect(verified.potPubkeys).toEqual(contribution.contributions.map((c) => c.potPubkey));
  });

  it('WRONG_COUNT: a different number of sub-ceremonies', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions.pop();
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'WRONG_COUNT' });
  });

  it('WRONG_COUNT: sizes differ from the transcript', async () => {
    const { engine } = await setup();
    const other = newTranscript([SMALL_SIZES[0]!, { numG1Powers: 12, numG2Powers: 4 }]);
    const contribution = await contributionOn(engine, newTranscript(SMALL_SIZES));
    expect(await rejection(engine, other, contribution)).toMatchObject({ code: 'WRONG_COUNT', subCeremony: 1 });
  });

  it('INVALID_SCHEMA: potPubkey missing', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    delete bad.contributions[0]!.potPubkey;
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'INVALID_SCHEMA', subCeremony: 0 });
  });

  it('INVALID_POINT: a G1 power off the curve', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[1]!.powersOfTau.g1Powers[9] = g1OffCurve();
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'INVALID_POINT', subCeremony: 1, pointIndex: 9 });
  });

  it('NOT_IN_SUBGROUP: a G1 power outside the subgroup', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[0]!.powersOfTau.g1Powers[5] = g1OutsideSubgroup();
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'NOT_IN_SUBGROUP', subCeremony: 0, pointIndex: 5 });
  });

  it('INVALID_POINT: a G2 power off the curve', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[1]!.powersOfTau.g2Powers[2] = g2OffCurve();
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'INVALID_POINT', subCeremony: 1, pointIndex: 2 });
  });

  it('NOT_IN_SUBGROUP: a G2 power outside the subgroup', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[0]!.powersOfTau.g2Powers[1] = g2OutsideSubgroup();
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'NOT_IN_SUBGROUP', subCeremony: 0, pointIndex: 1 });
  });

  it('NOT_IN_SUBGROUP / INVALID_POINT: a bad potPubkey', async () => {
    const { engine, transcript, contribution } = await setup();
    const outside = clone(contribution);
    outside.contributions[1]!.potPubkey = g2OutsideSubgroup();
    expect(await rejection(engine, transcript, outside)).toMatchObject({ code: 'NOT_IN_SUBGROUP', subCeremony: 1 });
    const off = clone(contribution);
    off.contributions[1]!.potPubkey = g2OffCurve();
    expect(await rejection(engine, transcript, off)).toMatchObject({ code: 'INVALID_POINT', subCeremony: 1 });
  });

  it('reports point failures in spec order: sub-ceremony, then G1, G2, pubkey', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[1]!.powersOfTau.g1Powers[3] = g1OffCurve();
    bad.contributions[0]!.potPubkey = g2OffCurve();
    bad.contributions[0]!.powersOfTau.g2Powers[2] = g2OutsideSubgroup();
    bad.contributions[0]!.powersOfTau.g1Powers[7] = g1OutsideSubgroup();
    bad.contributions[0]!.powersOfTau.g1Powers[6] = g1OffCurve();
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'INVALID_POINT', subCeremony: 0, pointIndex: 6 });
  });

  it('PUBKEY_AT_INFINITY: the pubkey is the point at infinity', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[1]!.potPubkey = G2_INFINITY;
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'PUBKEY_AT_INFINITY', subCeremony: 1 });
  });

  it('NO_OP_CONTRIBUTION: the previous powers unchanged, with the generator as pubkey (a secret of 1, which passes every pairing check)', async () => {
    const { engine, transcript, contribution } = await setup();
    const noOp = clone(contribution);
    noOp.contributions.forEach((sub, j) => {
      sub.powersOfTau = clone(transcript.transcripts[j]!.powersOfTau);
      sub.potPubkey = g2Hex(1n);
    });
    expect(await rejection(engine, transcript, noOp)).toMatchObject({ code: 'NO_OP_CONTRIBUTION', subCeremony: 0, path: 'contributions[0].potPubkey' });
  });

  it('FIRST_POWER_NOT_GENERATOR: a consistently scaled vector', async () => {
    const { engine, transcript } = await setup();
    const contribution = await contributionOn(engine, transcript);
    const bad = clone(contribution);
    bad.contributions[0]!.powersOfTau.g1Powers[0] = g1Hex(2n);
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'FIRST_POWER_NOT_GENERATOR', subCeremony: 0, pointIndex: 0 });
  });

  it('TAU_UPDATE_MISMATCH: the pubkey does not match the running product', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[1]!.potPubkey = g2Hex(12345n);
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'TAU_UPDATE_MISMATCH', subCeremony: 1 });
  });

  it('TAU_UPDATE_MISMATCH: a contribution built on another transcript', async () => {
    const { engine, transcript } = await setup();
    const stale = await contributionOn(engine, newTranscript(SMALL_SIZES));
    expect(await rejection(engine, transcript, stale)).toMatchObject({ code: 'TAU_UPDATE_MISMATCH', subCeremony: 0 });
  });

  it('G1_POWERS_NOT_CONSECUTIVE: two G1 powers swapped', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    const g1 = bad.contributions[1]!.powersOfTau.g1Powers;
    [g1[10], g1[11]] = [g1[11]!, g1[10]!];
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony: 1, pointIndex: 10 });
  });

  it('G1_POWERS_NOT_CONSECUTIVE: the last G1 power replaced', async () => {
    const { engine, transcript, contribution } = await setup();
    const bad = clone(contribution);
    bad.contributions[0]!.powersOfTau.g1Powers[7] = G1_GENERATOR_HEX;
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony: 0, pointIndex: 7 });
  });

  it('G2_POWERS_MISMATCH: a G2 power from another tau', async () => {
    const { engine, transcript, contribution } = await setup();
    const other = await contributionOn(engine, transcript, 99n);
    const bad = clone(contribution);
    bad.contributions[1]!.powersOfTau.g2Powers[3] = other.contributions[1]!.powersOfTau.g2Powers[3]!;
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'G2_POWERS_MISMATCH', subCeremony: 1, pointIndex: 3 });
  });

  it('G2_POWERS_MISMATCH: G1 and G2 powers of different taus', async () => {
    const { engine, transcript, contribution } = await setup();
    const other = await contributionOn(engine, transcript, 99n);
    const bad = clone(contribution);
    bad.contributions[0]!.powersOfTau.g2Powers = [...other.contributions[0]!.powersOfTau.g2Powers];
    expect(await rejection(engine, transcript, bad)).toMatchObject({ code: 'G2_POWERS_MISMATCH', subCeremony: 0, pointIndex: 1 });
  });

  it('does not check identity signatures (carried for the coordinator)', async () => {
    const { engine, transcript, contribution } = await setup();
    const withSig = clone(contribution);
    withSig.contributions[0]!.blsSignature = g1Hex(77n);
    withSig.ecdsaSignature = '0x' + 'ab'.repeat(65);
    await expect(verifyContribution(engine, transcript, withSig)).resolves.toBeDefined();
  });
});
