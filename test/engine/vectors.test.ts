// Fixed-secret test vectors, pinned in test/engine/vectors/. Secrets 0x111100,
// 0x221100, 0x331100, 0x441100 applied (a) as the four per-sub-ceremony secrets
// of one contribution on the initial transcript, and (b) in turn, as four
// successive contributions (each using its secret in every sub-ceremony).
// Small sizes run on both backends; the spec sizes (fast backend, ~30 s) run
// when ENGINE_SPEC_VECTORS=1 and are pinned by the SHA-256 of the canonical file,
// which was produced independently by the noble reference backend.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyVerifiedContribution,
  contribute,
  createEngine,
  newTranscript,
  serializeBatchContribution,
  serializeBatchTranscript,
  SPEC_SIZES,
  verifyContribution,
  verifyTranscript,
  type SubCeremonySize,
} from '../../engine/index.js';
import { BACKENDS, engineFor, G1, G2, hex } from './helpers.js';

const SECRETS = [0x111100n, 0x221100n, 0x331100n, 0x441100n];
const FOUR_SIZES: SubCeremonySize[] = [
  { numG1Powers: 8, numG2Powers: 3 },
  { numG1Powers: 16, numG2Powers: 4 },
  { numG1Powers: 32, numG2Powers: 5 },
  { numG1Powers: 64, numG2Powers: 6 },
];
const TWO_SIZES: SubCeremonySize[] = FOUR_SIZES.slice(0, 2);
const VECTORS = new URL('./vectors/', import.meta.url);
/** SHA-256 of the canonical BatchContribution of vector (a) at the spec sizes. */
const SPEC_CONTRIBUTION_SHA256 = '761d18adc1c7ed4dd893beb9fedf0be885516d12e25d7d4291271002f0f0b2c1';

function pinned(name: string, actual: string): string {
  const url = new URL(name, VECTORS);
  if (process.env.ENGINE_WRITE_VECTORS === '1') writeFileSync(url, actual);
  return readFileSync(url, 'utf8');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe.each(BACKENDS)('fixed-secret vectors (%s backend)', (backend) => {
  it('(a) one contribution with the four secrets, one per sub-ceremony', async () => {
    const engine = await engineFor(backend);
    const initial = newTranscript(FOUR_SIZES);
    const contribution = await contribute(engine, initial, { secrets: SECRETS });
    const text = serializeBatchContribution(contribution);
    expect(text).toBe(pinned('four-secrets-contribution.json', text));
    // Independent of the engine: power i of sub-ceremony j is [s_j^i] in each group.
    contribution.contributions.forEach((sub, j) => {
      const s = SECRETS[j] as bigint;
      expect(sub.powersOfTau.g1Powers[3]).toBe(hex(G1.BASE.multiply(s ** 3n).toBytes(true)));
      expect(sub.powersOfTau.g2Powers[2]).toBe(hex(G2.BASE.multiply(s ** 2n).toBytes(true)));
      expect(sub.potPubkey).toBe(hex(G2.BASE.multiply(s).toBytes(true)));
    });
    const transcript = await applyVerifiedContribution(await verifyContribution(engine, initial, contribution));
    const transcriptText = serializeBatchTranscript(transcript);
    expect(transcriptText).toBe(pinned('four-secrets-transcript.json', transcriptText));
  });

  it('(b) the four secrets as four successive contributions', async () => {
    const engine = await engineFor(backend);
    let transcript = newTranscript(TWO_SIZES);
    for (const secret of SECRETS) {
      const contribution = await contribute(engine, transcript, { secrets: TWO_SIZES.map(() => secret) });
      transcript = await applyVerifiedContribution(await verifyContribution(engine, transcript, contribution));
    }
    await expect(verifyTranscript(engine, transcript)).resolves.toMatchObject({ contributions: 4 });
    const text = serializeBatchTranscript(transcript);
    expect(text).toBe(pinned('four-contributions-transcript.json', text));
  });
});

describe.runIf(process.env.ENGINE_SPEC_VECTORS === '1')('fixed-secret vector at the spec sizes (fast backend)', () => {
  it('(a) matches the pinned SHA-256 and verifies', async () => {
    const engine = await createEngine({ backend: 'fast' });
    try {
      const initial = newTranscript(SPEC_SIZES);
      const contribution = await contribute(engine, initial, { secrets: SECRETS });
      expect(sha256(serializeBatchContribution(contribution))).toBe(SPEC_CONTRIBUTION_SHA256);
      await expect(verifyContribution(engine, initial, contribution)).resolves.toBeDefined();
    } finally {
      await engine.close();
    }
  }, 300_000);
});
