// The worker_threads pool: same bytes and the same errors as inline execution,
// with failures located across chunk boundaries.
import { afterAll, describe, expect, it } from 'vitest';
import { contribute, createEngine, newTranscript, serializeBatchContribution, verifyContribution, verifyTranscript, applyVerifiedContribution } from '../../engine/index.js';
import { clone, engineFor, g1OutsideSubgroup } from './helpers.js';

const SIZES = [
  { numG1Powers: 1100, numG2Powers: 9 },
  { numG1Powers: 300, numG2Powers: 5 },
];
const SECRETS = [0xabcdefn, 0x123457n];

describe.each(['fast', 'wasm', 'noble'] as const)('worker pool (%s backend)', (backend) => {
  const pooled = createEngine({ backend, threads: 2 });
  afterAll(async () => (await pooled).close());

  it('contributes and verifies like the inline runner, reporting progress', async () => {
    const seen: number[] = [];
    const engine = await createEngine({ backend, threads: 2, onProgress: (p) => seen.push(p.done) });
    try {
      const initial = newTranscript(backend === 'fast' ? SIZES : [{ numG1Powers: 40, numG2Powers: 5 }]);
      const secrets = SECRETS.slice(0, initial.transcripts.length);
      const viaPool = await contribute(engine, initial, { secrets });
      const inline = await contribute(await engineFor(backend), initial, { secrets });
      expect(serializeBatchContribution(viaPool)).toBe(serializeBatchContribution(inline));
      const total = initial.transcripts.reduce((sum, t) => sum + t.numG1Powers + t.numG2Powers, 0);
      expect(seen.at(-1)).toBe(total);
      const next = await applyVerifiedContribution(await verifyContribution(engine, initial, viaPool));
      await expect(verifyTranscript(engine, next)).resolves.toMatchObject({ contributions: 1 });
    } finally {
      await engine.close();
    }
  }, 300_000);

  it.runIf(backend === 'fast')(
    'locates failures across chunk boundaries',
    async () => {
      const engine = await pooled;
      const initial = newTranscript(SIZES);
      const contribution = await contribute(engine, initial, { secrets: SECRETS });
      const outside = clone(contribution);
      outside.contributions[0]!.powersOfTau.g1Powers[1000] = g1OutsideSubgroup();
      outside.contributions[0]!.powersOfTau.g1Powers[700] = g1OutsideSubgroup();
      await expect(verifyContribution(engine, initial, outside)).rejects.toMatchObject({ code: 'NOT_IN_SUBGROUP', subCeremony: 0, pointIndex: 700 });
      const swapped = clone(contribution);
      const g1 = swapped.contributions[0]!.powersOfTau.g1Powers;
      [g1[900], g1[901]] = [g1[901]!, g1[900]!];
      await expect(verifyContribution(engine, initial, swapped)).rejects.toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony: 0, pointIndex: 900 });
    },
    300_000,
  );

  it('rejects work after close', async () => {
    const engine = await createEngine({ backend, threads: 1 });
    await engine.close();
    await expect(contribute(engine, newTranscript([{ numG1Powers: 4, numG2Powers: 2 }]))).rejects.toThrow(/closed/);
  });
});
