import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  G1_GENERATOR_HEX,
  applyVerifiedContribution,
  newTranscript,
  verifyAndApply,
  verifyContribution,
  verifyTranscript,
  type BatchTranscript,
  type Engine,
} from '../../engine/index.js';
import { BACKENDS, clone, contributionOn, engineFor, G2_INFINITY, g1Hex, g1OutsideSubgroup, g2Hex, g2OffCurve, SMALL_SIZES, transcriptWith } from './helpers.js';

async function rejection(engine: Engine, transcript: BatchTranscript): Promise<InvalidInputError> {
  try {
    await verifyTranscript(engine, transcript);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('the transcript was accepted');
}

describe.each(BACKENDS)('verifyTranscript (%s backend)', (backend) => {
  let fixture: Promise<{ engine: Engine; transcript: BatchTranscript }> | undefined;
  const setup = () => {
    fixture ??= (async () => {
      const engine = await engineFor(backend);
      return { engine, transcript: await transcriptWith(engine, 3) };
    })();
    return fixture;
  };

  it('accepts the initial transcript and a transcript with contributions', async () => {
    const { engine, transcript } = await setup();
    await expect(verifyTranscript(engine, newTranscript(SMALL_SIZES))).resolves.toMatchObject({ valid: true, contributions: 0 });
    await expect(verifyTranscript(engine, transcript, { expectedSizes: SMALL_SIZES })).resolves.toMatchObject({ valid: true, contributions: 3, sizes: SMALL_SIZES });
  });

  it('apply appends powers, running product, pubkey, signatures and identity', async () => {
    const { engine, transcript } = await setup();
    const contribution = clone(await contributionOn(engine, transcript));
    contribution.contributions[0]!.blsSignature = g1Hex(42n);
    contribution.ecdsaSignature = '0x' + '1b'.repeat(65);
    const updated = await verifyAndApply(engine, transcript, contribution, { participantId: 'git|42|@bob' });
    expect(updated.participantIds).toEqual([...transcript.participantIds, 'git|42|@bob']);
    expect(updated.participantEcdsaSignatures.at(-1)).toBe(contribution.ecdsaSignature);
    updated.transcripts.forEach((sub, j) => {
      const c = contribution.contributions[j]!;
      expect(sub.powersOfTau).toEqual(c.powersOfTau);
      expect(sub.witness.runningProducts.at(-1)).toBe(c.powersOfTau.g1Powers[1]);
      expect(sub.witness.potPubkeys.at(-1)).toBe(c.potPubkey);
      expect(sub.witness.blsSignatures.at(-1)).toBe(c.blsSignature);
    });
    expect(transcript.participantIds).toHaveLength(4);
    await expect(verifyTranscript(engine, updated)).resolves.toMatchObject({ contributions: 4 });
  });

  it('apply takes pruned signatures from the hook', async () => {
    const { engine, transcript } = await setup();
    const contribution = clone(await contributionOn(engine, transcript));
    contribution.contributions.forEach((c) => (c.blsSignature = g1Hex(5n)));
    contribution.ecdsaSignature = '0x' + '1b'.repeat(65);
    const verified = await verifyContribution(engine, transcript, contribution);
    const updated = await applyVerifiedContribution(verified, {
      participantId: 'eth|0x' + '12'.repeat(20),
      pruneSignatures: (c, id) => {
        expect(id).toBe('eth|0x' + '12'.repeat(20));
        return { blsSignatures: c.contributions.map(() => ''), ecdsaSignature: '' };
      },
    });
    expect(updated.transcripts.map((t) => t.witness.blsSignatures.at(-1))).toEqual(['', '']);
    expect(updated.participantEcdsaSignatures.at(-1)).toBe('');
  });

  it('WITNESS_START_MISMATCH: the witness does not start at the generators', async () => {
    const { engine, transcript } = await setup();
    const bad = clone(transcript);
    bad.transcripts[1]!.witness.potPubkeys[0] = g2Hex(2n);
    expect(await rejection(engine, bad)).toMatchObject({ code: 'WITNESS_START_MISMATCH', subCeremony: 1, pointIndex: 0 });
  });

  it('RUNNING_PRODUCT_MISMATCH: a pubkey that does not match its step', async () => {
    const { engine, transcript } = await setup();
    const bad = clone(transcript);
    bad.transcripts[0]!.witness.potPubkeys[2] = g2Hex(31337n);
    expect(await rejection(engine, bad)).toMatchObject({ code: 'RUNNING_PRODUCT_MISMATCH', subCeremony: 0, pointIndex: 2 });
  });

  it('RUNNING_PRODUCT_MISMATCH: a running product replaced in the middle', async () => {
    const { engine, transcript } = await setup();
    const bad = clone(transcript);
    bad.transcripts[1]!.witness.runningProducts[1] = g1Hex(31337n);
    expect(await rejection(engine, bad)).toMatchObject({ code: 'RUNNING_PRODUCT_MISMATCH', subCeremony: 1, pointIndex: 1 });
  });

  it('PUBKEY_AT_INFINITY: a pubkey at infinity in the witness', async () => {
    const { engine, transcript } = await setup();
    const bad = clone(transcript);
    bad.transcripts[0]!.witness.potPubkeys[3] = G2_INFINITY;
    expect(await rejection(engine, bad)).toMatchObject({ code: 'PUBKEY_AT_INFINITY', subCeremony: 0, pointIndex: 3 });
  });

  it('NO_OP_CONTRIBUTION: a step padded in with the generator as pubkey (the chain still holds)', async () => {
    const { engine, transcript } = await setup();
    const padded = clone(transcript);
    for (const sub of padded.transcripts) {
      const w = sub.witness;
      w.runningProducts.splice(2, 0, w.runningProducts[1] as string);
      w.potPubkeys.splice(2, 0, g2Hex(1n));
      w.blsSignatures.splice(2, 0, '');
    }
    padded.participantIds.splice(2, 0, '');
    padded.participantEcdsaSignatures.splice(2, 0, '');
    expect(await rejection(engine, padded)).toMatchObject({ code: 'NO_OP_CONTRIBUTION', subCeremony: 0, pointIndex: 2 });
  });

  it('INVALID_POINT / NOT_IN_SUBGROUP in the witness name the entry', async () => {
    const { engine, transcript } = await setup();
    const badPubkey = clone(transcript);
    badPubkey.transcripts[1]!.witness.potPubkeys[2] = g2OffCurve();
    expect(await rejection(engine, badPubkey)).toMatchObject({ code: 'INVALID_POINT', subCeremony: 1, pointIndex: 2 });
    const badProduct = clone(transcript);
    badProduct.transcripts[0]!.witness.runningProducts[2] = g1OutsideSubgroup();
    expect(await rejection(engine, badProduct)).toMatchObject({ code: 'NOT_IN_SUBGROUP', subCeremony: 0, pointIndex: 2 });
  });

  it('POWERS_WITNESS_MISMATCH: current powers do not end the chain', async () => {
    const { engine, transcript } = await setup();
    const older = await transcriptWith(engine, 2);
    const bad = clone(transcript);
    bad.transcripts[1]!.powersOfTau = clone(older.transcripts[1]!.powersOfTau);
    expect(await rejection(engine, bad)).toMatchObject({ code: 'POWERS_WITNESS_MISMATCH', subCeremony: 1 });
  });

  it('G1_POWERS_NOT_CONSECUTIVE and FIRST_POWER_NOT_GENERATOR on the current powers', async () => {
    const { engine, transcript } = await setup();
    const swapped = clone(transcript);
    const g1 = swapped.transcripts[0]!.powersOfTau.g1Powers;
    [g1[5], g1[6]] = [g1[6]!, g1[5]!];
    expect(await rejection(engine, swapped)).toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony: 0, pointIndex: 5 });
    const first = clone(transcript);
    first.transcripts[1]!.powersOfTau.g1Powers[0] = g1Hex(3n);
    expect(await rejection(engine, first)).toMatchObject({ code: 'FIRST_POWER_NOT_GENERATOR', subCeremony: 1 });
  });

  it('an initial transcript must hold generators only', async () => {
    const { engine } = await setup();
    const bad = newTranscript(SMALL_SIZES);
    bad.transcripts[0]!.powersOfTau.g1Powers[4] = g1Hex(9n);
    expect(await rejection(engine, bad)).toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony: 0, pointIndex: 4 });
    const ok = newTranscript(SMALL_SIZES);
    expect(ok.transcripts[0]!.powersOfTau.g1Powers[1]).toBe(G1_GENERATOR_HEX);
  });

  it('WRONG_COUNT against expected sizes; INVALID_IDENTITY_SIGNATURE from the hook', async () => {
    const { engine, transcript } = await setup();
    await expect(verifyTranscript(engine, transcript, { expectedSizes: [SMALL_SIZES[0]!] })).rejects.toMatchObject({ code: 'WRONG_COUNT' });
    await expect(verifyTranscript(engine, transcript, { verifySignatures: () => ['contribution 2: bad BLS signature'] })).rejects.toMatchObject({
      code: 'INVALID_IDENTITY_SIGNATURE',
    });
    await expect(verifyTranscript(engine, transcript, { verifySignatures: () => [] })).resolves.toMatchObject({ valid: true });
  });
});
