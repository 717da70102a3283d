// Verifies a BatchContribution against the BatchTranscript it claims to extend:
// every check of the spec's sequencer document, in its order (schema - done by
// the parser -, counts, point decoding and subgroup checks, pubkey not at
// infinity, pairings), plus first powers equal to the generators. Pairing checks
// of all sub-ceremonies are batched into one random linear combination.
import type { CurveBackend } from '../curve/backend.js';
import type { Engine } from '../context.js';
import { G2_GENERATOR_HEX } from '../curve/constants.js';
import { InvalidInputError } from '../errors.js';
import { hexToBytes } from '../format/hex.js';
import type { BatchContribution, BatchTranscript } from '../format/types.js';
import { decodeOne } from './bulk-points.js';
import { firstFailingEquation, type PairingEquation } from './pairing-batch.js';
import { pointError } from './point-errors.js';
import { checkGeneratorPowers, packPowers, powersEquationError, powersEquations, runPowersPass, tauPoints, throwPointFailures, type EquationLabel, type PackedPowers } from './powers-check.js';
import { ProgressCounter } from './progress-counter.js';

/** Proof that a contribution passed verification against one transcript. */
export interface VerifiedContribution {
  readonly transcript: BatchTranscript;
  readonly contribution: BatchContribution;
  /** The contribution's potPubkey per sub-ceremony. */
  readonly potPubkeys: readonly string[];
}

/** Parameter check: same number of sub-ceremonies and the same sizes as the transcript. */
export function checkContributionCounts(transcript: BatchTranscript, contribution: BatchContribution): void {
  if (contribution.contributions.length !== transcript.transcripts.length) {
    throw new InvalidInputError('WRONG_COUNT', `the contribution has ${contribution.contributions.length} sub-ceremonies, the transcript ${transcript.transcripts.length}`, { input: 'contribution' });
  }
  contribution.contributions.forEach((sub, j) => {
    const expected = transcript.transcripts[j];
    if (expected === undefined) return;
    if (sub.numG1Powers !== expected.numG1Powers || sub.numG2Powers !== expected.numG2Powers) {
      throw new InvalidInputError(
        'WRONG_COUNT',
        `sub-ceremony ${j}: the contribution has ${sub.numG1Powers}:${sub.numG2Powers} powers, the transcript ${expected.numG1Powers}:${expected.numG2Powers}`,
        { subCeremony: j, input: 'contribution' },
      );
    }
    if (sub.potPubkey === undefined) {
      throw new InvalidInputError('INVALID_SCHEMA', `sub-ceremony ${j}: potPubkey is missing`, { subCeremony: j, input: 'contribution', path: `$.contributions[${j}].potPubkey` });
    }
  });
}

export async function verifyContribution(engine: Engine, transcript: BatchTranscript, contribution: BatchContribution): Promise<VerifiedContribution> {
  return verifyWith(engine, engine.backend, transcript, contribution);
}

async function verifyWith<P1, P2>(engine: Engine, backend: CurveBackend<P1, P2>, transcript: BatchTranscript, contribution: BatchContribution): Promise<VerifiedContribution> {
  checkContributionCounts(transcript, contribution);
  const subs = contribution.contributions;

  // The running product each contribution builds on (from the transcript).
  const previousProducts = transcript.transcripts.map((sub, j) => {
    const last = sub.witness.runningProducts[sub.witness.runningProducts.length - 1] as string;
    const decoded = decodeOne(backend.g1, hexToBytes(last));
    if (!decoded.ok) throw pointError(decoded.failure, 'last running product', j, 'transcript', sub.witness.runningProducts.length - 1);
    return decoded.point;
  });

  // One parallel pass over every point of every sub-ceremony.
  const packed: PackedPowers[] = subs.map((sub) => packPowers(sub.powersOfTau));
  const total = subs.reduce((sum, sub) => sum + sub.numG1Powers + sub.numG2Powers, 0);
  const progress = new ProgressCounter(engine, 'verify', total);
  const passes = await Promise.all(packed.map((p) => runPowersPass<P1, P2>(engine, p, progress)));

  // Subgroup checks, in spec order: per sub-ceremony G1 powers, G2 powers, pubkey.
  const pubkeys = subs.map((sub, j) => {
    throwPointFailures(passes[j] as (typeof passes)[number], j, 'contribution');
    const decoded = decodeOne(backend.g2, hexToBytes(sub.potPubkey as string));
    if (!decoded.ok) throw pointError(decoded.failure, 'potPubkey', j, 'contribution', undefined);
    return decoded.point;
  });
  // Non-zero check.
  pubkeys.forEach((pubkey, j) => {
    if (backend.g2.isZero(pubkey)) {
      throw new InvalidInputError('PUBKEY_AT_INFINITY', `sub-ceremony ${j}: potPubkey is the point at infinity`, { subCeremony: j, input: 'contribution' });
    }
  });
  packed.forEach((p, j) => checkGeneratorPowers(p, j, 'contribution'));
  // A secret of 1 passes every pairing check and adds no randomness: its pubkey is the generator.
  subs.forEach((sub, j) => {
    if ((sub.potPubkey as string).toLowerCase() === G2_GENERATOR_HEX) {
      throw new InvalidInputError('NO_OP_CONTRIBUTION', `sub-ceremony ${j}: potPubkey is the G2 generator (a secret of 1): the powers are the previous ones, unchanged`, {
        subCeremony: j,
        input: 'contribution',
        path: `contributions[${j}].potPubkey`,
      });
    }
  });

  // Pairing checks: tau update, same tau in G1 and G2, consecutive G1 powers.
  const taus = packed.map((p) => tauPoints(backend, p));
  const equations: Array<PairingEquation<P1, P2, EquationLabel>> = [];
  subs.forEach((_, j) => {
    const { tauG1, tauG2 } = taus[j] as { tauG1: P1; tauG2: P2 };
    equations.push({
      label: { code: 'TAU_UPDATE_MISMATCH', subCeremony: j },
      pairs: [
        [previousProducts[j] as P1, pubkeys[j] as P2],
        [backend.g1.negate(tauG1), backend.g2.generator()],
      ],
    });
    equations.push(...powersEquations(backend, passes[j] as (typeof passes)[number], tauG2, j));
  });
  const failed = firstFailingEquation(backend, equations);
  if (failed !== undefined) {
    const j = failed.subCeremony;
    if (failed.code === 'TAU_UPDATE_MISMATCH') {
      throw new InvalidInputError(failed.code, `sub-ceremony ${j}: G1 power 1 is not the transcript's last running product times the secret of potPubkey`, {
        subCeremony: j,
        pointIndex: 1,
        input: 'contribution',
      });
    }
    if (failed.code === 'RUNNING_PRODUCT_MISMATCH') throw new Error('internal: unexpected equation label');
    throw await powersEquationError(engine, failed.code, packed[j] as PackedPowers, (taus[j] as { tauG2: P2 }).tauG2, j, 'contribution');
  }
  return { transcript, contribution, potPubkeys: subs.map((sub) => sub.potPubkey as string) };
}
