// Verifies a whole BatchTranscript: witness starts at the generators, every
// witness point valid, the running-product chain through every contribution
// (the pubkey relation of each step), the current powers (all point, generator
// and pairing checks) and that the current G1 power 1 is the last running
// product. Identity signatures go through an optional hook.
import type { CurveBackend } from '../curve/backend.js';
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX } from '../curve/constants.js';
import type { Engine } from '../context.js';
import { InvalidInputError } from '../errors.js';
import type { BatchTranscript, SubCeremonySize } from '../format/types.js';
import { sizesOf } from '../format/types.js';
import type { TranscriptSignatureVerifier } from './identity-hooks.js';
import { firstFailingEquation, type PairingEquation } from './pairing-batch.js';
import { checkGeneratorPowers, packPowers, powersEquationError, powersEquations, runPowersPass, tauPoints, throwPointFailures, type EquationLabel, type PackedPowers } from './powers-check.js';
import { ProgressCounter } from './progress-counter.js';
import { verifyWitnessChains } from './witness-chain.js';

export interface TranscriptSummary {
  valid: true;
  sizes: SubCeremonySize[];
  /** Contributions recorded (witness entries after the initial one). */
  contributions: number;
}

export interface VerifyTranscriptOptions {
  /** Expected sizes (e.g. the ceremony configuration); WRONG_COUNT when they differ. */
  expectedSizes?: readonly SubCeremonySize[];
  verifySignatures?: TranscriptSignatureVerifier;
}

export async function verifyTranscript(engine: Engine, transcript: BatchTranscript, options: VerifyTranscriptOptions = {}): Promise<TranscriptSummary> {
  return verifyWith(engine, engine.backend, transcript, options);
}

function checkExpectedSizes(transcript: BatchTranscript, expected: readonly SubCeremonySize[] | undefined): void {
  if (expected === undefined) return;
  if (expected.length !== transcript.transcripts.length) {
    throw new InvalidInputError('WRONG_COUNT', `the transcript has ${transcript.transcripts.length} sub-ceremonies, ${expected.length} expected`, { input: 'transcript' });
  }
  transcript.transcripts.forEach((sub, j) => {
    const want = expected[j] as SubCeremonySize;
    if (sub.numG1Powers !== want.numG1Powers || sub.numG2Powers !== want.numG2Powers) {
      throw new InvalidInputError('WRONG_COUNT', `sub-ceremony ${j} has ${sub.numG1Powers}:${sub.numG2Powers} powers, ${want.numG1Powers}:${want.numG2Powers} expected`, {
        subCeremony: j,
        input: 'transcript',
      });
    }
  });
}

function checkWitnessStart(transcript: BatchTranscript): void {
  transcript.transcripts.forEach((sub, j) => {
    if (sub.witness.runningProducts[0] !== G1_GENERATOR_HEX) {
      throw new InvalidInputError('WITNESS_START_MISMATCH', `sub-ceremony ${j}: running product 0 is not the G1 generator`, { subCeremony: j, pointIndex: 0, input: 'transcript' });
    }
    if (sub.witness.potPubkeys[0] !== G2_GENERATOR_HEX) {
      throw new InvalidInputError('WITNESS_START_MISMATCH', `sub-ceremony ${j}: potPubkey 0 is not the G2 generator`, { subCeremony: j, pointIndex: 0, input: 'transcript' });
    }
  });
}

async function verifyWith<P1, P2>(engine: Engine, backend: CurveBackend<P1, P2>, transcript: BatchTranscript, options: VerifyTranscriptOptions): Promise<TranscriptSummary> {
  checkExpectedSizes(transcript, options.expectedSizes);
  checkWitnessStart(transcript);
  const subs = transcript.transcripts;

  await verifyWitnessChains(
    engine,
    subs.map((sub) => sub.witness),
  );

  const packed: PackedPowers[] = subs.map((sub) => packPowers(sub.powersOfTau));
  const total = subs.reduce((sum, sub) => sum + sub.numG1Powers + sub.numG2Powers, 0);
  const progress = new ProgressCounter(engine, 'powers', total);
  const passes = await Promise.all(packed.map((p) => runPowersPass<P1, P2>(engine, p, progress)));
  passes.forEach((pass, j) => throwPointFailures(pass, j, 'transcript'));
  packed.forEach((p, j) => checkGeneratorPowers(p, j, 'transcript'));
  subs.forEach((sub, j) => {
    const last = sub.witness.runningProducts.length - 1;
    if (sub.powersOfTau.g1Powers[1] !== sub.witness.runningProducts[last]) {
      throw new InvalidInputError('POWERS_WITNESS_MISMATCH', `sub-ceremony ${j}: G1 power 1 is not the last running product (${last})`, {
        subCeremony: j,
        pointIndex: 1,
        input: 'transcript',
      });
    }
  });

  const taus = packed.map((p) => tauPoints(backend, p));
  const equations: Array<PairingEquation<P1, P2, EquationLabel>> = passes.flatMap((pass, j) => powersEquations(backend, pass, (taus[j] as { tauG2: P2 }).tauG2, j));
  const failed = firstFailingEquation(backend, equations);
  if (failed !== undefined) {
    if (failed.code !== 'G1_POWERS_NOT_CONSECUTIVE' && failed.code !== 'G2_POWERS_MISMATCH') throw new Error('internal: unexpected equation label');
    const j = failed.subCeremony;
    throw await powersEquationError(engine, failed.code, packed[j] as PackedPowers, (taus[j] as { tauG2: P2 }).tauG2, j, 'transcript');
  }

  if (options.verifySignatures !== undefined) {
    const problems = await options.verifySignatures(transcript);
    if (problems.length > 0) {
      throw new InvalidInputError('INVALID_IDENTITY_SIGNATURE', problems.slice(0, 5).join('; '), { input: 'transcript' });
    }
  }
  return { valid: true, sizes: sizesOf(subs), contributions: transcript.participantIds.length - 1 };
}
