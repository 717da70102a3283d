// Beacon finalisation of a KZG batch ceremony: the last contribution, whose
// secrets come from a public beacon value (derive.ts), so that anyone can
// recompute it. One secret per sub-ceremony, derived from the iterated digest
// and the sub-ceremony index.
import type { Engine } from '../context.js';
import { InvalidInputError } from '../errors.js';
import { bytesToHex } from '../format/hex.js';
import type { BatchContribution, BatchTranscript } from '../format/types.js';
import { contribute } from '../ops/contribute.js';
import { checkContributionCounts, verifyContribution, type VerifiedContribution } from '../ops/verify-contribution.js';
import { beaconDigest, beaconSubSecrets, bigIntToHex32 } from './derive.js';
import { checkBeaconRecord, type BeaconParameters, type BeaconRecord } from './record.js';

export interface BeaconResult {
  /** The contribution to verify and apply like any other (blsSignature and ecdsaSignature are ''). */
  contribution: BatchContribution;
  /** The complete record: parameters, digest, the public secrets and their pubkeys. */
  record: BeaconRecord;
}

interface Expected {
  digestHex: string;
  secrets: bigint[];
  record: BeaconRecord;
}

function expectedFor(engine: Engine, parameters: BeaconParameters, count: number): Expected {
  const digest = beaconDigest(parameters.beaconValueHex, parameters.iterations);
  const secrets = beaconSubSecrets(digest, count);
  const g2 = engine.backend.g2;
  const potPubkeys = secrets.map((secret) => bytesToHex(g2.encode([g2.multiply(g2.generator(), secret)])));
  const digestHex = bytesToHex(digest);
  return {
    digestHex,
    secrets,
    record: { beaconValueHex: parameters.beaconValueHex, iterations: parameters.iterations, digestHex, secretsHex: secrets.map(bigIntToHex32), potPubkeys },
  };
}

function subCeremonyCount(input: BatchTranscript | BatchContribution): number {
  return 'transcripts' in input ? input.transcripts.length : input.contributions.length;
}

/** The beacon contribution on top of `input` (a transcript, or a contribution holding the current powers). */
/** The pubkeys ([secret]_2 per sub-ceremony) a beacon contribution with these parameters has. */
export function beaconPubkeys(engine: Engine, parameters: BeaconParameters, count: number): string[] {
  return expectedFor(engine, checkBeaconRecord({ beaconValueHex: parameters.beaconValueHex, iterations: parameters.iterations }), count).record.potPubkeys as string[];
}

export async function beaconContribution(engine: Engine, input: BatchTranscript | BatchContribution, parameters: BeaconParameters): Promise<BeaconResult> {
  const checked = checkBeaconRecord({ beaconValueHex: parameters.beaconValueHex, iterations: parameters.iterations });
  const expected = expectedFor(engine, checked, subCeremonyCount(input));
  const contribution = await contribute(engine, input, { secrets: expected.secrets });
  return { contribution, record: expected.record };
}

function mismatch(message: string, details: { subCeremony?: number; pointIndex?: number; path?: string; input?: 'contribution' | 'input' } = {}): InvalidInputError {
  return new InvalidInputError('BEACON_MISMATCH', message, { input: 'contribution', ...details });
}

export interface VerifyBeaconOptions {
  /**
   * Also recompute every power from the transcript and the beacon secrets and
   * compare byte for byte (as costly as contributing). Without it the powers are
   * checked by the engine's contribution verification, which fixes them uniquely
   * once the pubkeys are the beacon's.
   */
  recomputePowers?: boolean;
}

/**
 * Checks that `contribution` is the beacon contribution of `record` on top of
 * `transcript`: the record's optional fields match the recomputation
 * (BEACON_MISMATCH, input 'input'), every potPubkey is [beacon secret j]_2
 * (BEACON_MISMATCH, input 'contribution'), and the contribution passes every
 * check of verifyContribution. Returns the verified contribution, ready to apply.
 */
export async function verifyBeaconContribution(
  engine: Engine,
  transcript: BatchTranscript,
  contribution: BatchContribution,
  record: BeaconRecord,
  options: VerifyBeaconOptions = {},
): Promise<VerifiedContribution> {
  const checked = checkBeaconRecord(record);
  const count = transcript.transcripts.length;
  const expected = expectedFor(engine, checked, count);
  if (checked.digestHex !== undefined && checked.digestHex !== expected.digestHex) {
    throw mismatch("the record's digestHex is not SHA-256^iterations of its beacon value", { input: 'input', path: '$.digestHex' });
  }
  for (const key of ['secretsHex', 'potPubkeys'] as const) {
    const given = checked[key];
    if (given === undefined) continue;
    const want = expected.record[key] as string[];
    if (given.length !== count) throw mismatch(`the record lists ${given.length} ${key}, the transcript has ${count} sub-ceremonies`, { input: 'input', path: `$.${key}` });
    const j = given.findIndex((value, i) => value !== want[i]);
    if (j >= 0) throw mismatch(`the record's ${key}[${j}] does not follow from its beacon value`, { input: 'input', subCeremony: j, path: `$.${key}[${j}]` });
  }
  checkContributionCounts(transcript, contribution);
  const wantPubkeys = expected.record.potPubkeys as string[];
  contribution.contributions.forEach((sub, j) => {
    if (sub.potPubkey !== wantPubkeys[j]) {
      throw mismatch(`sub-ceremony ${j}: potPubkey is not [beacon secret]_2 for this beacon value and iteration count`, {
        subCeremony: j,
        path: `$.contributions[${j}].potPubkey`,
      });
    }
  });
  const verified = await verifyContribution(engine, transcript, contribution);
  if (options.recomputePowers === true) {
    const recomputed = await contribute(engine, transcript, { secrets: expected.secrets });
    recomputed.contributions.forEach((sub, j) => {
      const given = contribution.contributions[j];
      for (const [list, name] of [
        ['g1Powers', 'G1Powers'],
        ['g2Powers', 'G2Powers'],
      ] as const) {
        const mine = sub.powersOfTau[list];
        const theirs = given?.powersOfTau[list] ?? [];
        const i = mine.findIndex((point, k) => point !== theirs[k]);
        if (i >= 0) {
          throw mismatch(`sub-ceremony ${j}: ${name}[${i}] differs from the recomputed beacon contribution`, {
            subCeremony: j,
            pointIndex: i,
            path: `$.contributions[${j}].powersOfTau.${name}[${i}]`,
          });
        }
      }
    });
  }
  return verified;
}
