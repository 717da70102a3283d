// A contribution: every G1 and G2 power of sub-ceremony j multiplied by x_j^i,
// potPubkey = [x_j]_2. Input points are validated (the participant's checks).
import type { Engine } from '../context.js';
import { InvalidInputError } from '../errors.js';
import { bigIntToBytes, bytesToHex, G1_BYTES, G2_BYTES, isHexOfLength, packHexPoints, SCALAR_BYTES, unpackHexPoints } from '../format/hex.js';
import type { BatchContribution, BatchTranscript, PowersOfTau, SubCeremonySize, SubContribution } from '../format/types.js';
import { scaleByPowers } from './bulk-points.js';
import { checkFixedSecrets, deriveSecrets } from './derive-secrets.js';
import type { IdentitySigner } from './identity-hooks.js';
import { pointError } from './point-errors.js';
import { ProgressCounter } from './progress-counter.js';

export interface ContributeOptions {
  /** Fixed secrets, one per sub-ceremony (test vectors). Otherwise CSPRNG + entropy. */
  secrets?: readonly bigint[];
  /** Extra user entropy mixed into the CSPRNG output. */
  entropy?: string | Uint8Array;
  /** Produces the BLS signature of the identity from each secret; '' when absent. */
  signIdentity?: IdentitySigner;
  /**
   * Stops the contribution: checked before each task (a chunk of points) begins, so the work stops
   * within one task of the abort; contribute() then rejects with the signal's reason and nothing is
   * returned. A contributor whose turn was taken from it aborts.
   */
  signal?: AbortSignal;
}

type Source = SubCeremonySize & { powersOfTau: PowersOfTau };

function sourcesOf(input: BatchTranscript | BatchContribution): Source[] {
  return 'transcripts' in input ? input.transcripts : input.contributions;
}

export async function contribute(engine: Engine, input: BatchTranscript | BatchContribution, options: ContributeOptions = {}): Promise<BatchContribution> {
  options.signal?.throwIfAborted();
  const sources = sourcesOf(input);
  let secrets: bigint[];
  if (options.secrets !== undefined) {
    checkFixedSecrets(options.secrets, sources.length);
    secrets = [...options.secrets];
  } else {
    secrets = deriveSecrets(sources.length, options.entropy);
  }
  const total = sources.reduce((sum, s) => sum + s.numG1Powers + s.numG2Powers, 0);
  const progress = new ProgressCounter(engine, 'contribute', total);
  try {
    const contributions = await Promise.all(sources.map((source, j) => contributeOne(engine, source, secrets[j] as bigint, j, progress, options.signIdentity, options.signal)));
    return { contributions, ecdsaSignature: '' };
  } finally {
    secrets.fill(0n);
    secrets = [];
  }
}

async function contributeOne(
  engine: Engine,
  source: Source,
  secret: bigint,
  j: number,
  progress: ProgressCounter,
  signIdentity: IdentitySigner | undefined,
  signal: AbortSignal | undefined,
): Promise<SubContribution> {
  const g1 = packHexPoints(source.powersOfTau.g1Powers, G1_BYTES);
  const g2 = packHexPoints(source.powersOfTau.g2Powers, G2_BYTES);
  const [g1Out, g2Out] = await Promise.all([
    scaleByPowers(engine, 'G1', g1, secret, { validate: true, progress, signal }),
    scaleByPowers(engine, 'G2', g2, secret, { validate: true, progress, signal }),
  ]);
  signal?.throwIfAborted();
  if (!g1Out.ok) throw pointError(g1Out.failure, 'G1 power', j, 'input');
  if (!g2Out.ok) throw pointError(g2Out.failure, 'G2 power', j, 'input');
  const backend = engine.backend;
  const pubkey = backend.g2.encode([backend.g2.multiply(backend.g2.generator(), secret)]);
  let blsSignature = '';
  if (signIdentity !== undefined) {
    const secretBytes = bigIntToBytes(secret, SCALAR_BYTES);
    try {
      blsSignature = await signIdentity(secretBytes, j);
    } finally {
      secretBytes.fill(0);
    }
  }
  if (blsSignature !== '' && !isHexOfLength(blsSignature, G1_BYTES)) {
    throw new InvalidInputError('INVALID_SCHEMA', `sub-ceremony ${j}: the identity signer returned a malformed signature`, { subCeremony: j });
  }
  return {
    numG1Powers: source.numG1Powers,
    numG2Powers: source.numG2Powers,
    powersOfTau: { g1Powers: unpackHexPoints(g1Out.points, G1_BYTES), g2Powers: unpackHexPoints(g2Out.points, G2_BYTES) },
    potPubkey: bytesToHex(pubkey),
    blsSignature,
  };
}
