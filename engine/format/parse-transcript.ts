// BatchTranscript JSON -> model, with the structural checks of the spec's
// transcriptSchema.json (sizes are configurable) plus internal consistency:
// every witness list and the participant lists hold one entry per contribution
// plus the initial entry.
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';
import { resolveLimits } from '../limits.js';
import { ECDSA_SIGNATURE_BYTES, G1_BYTES, G2_BYTES } from './hex.js';
import { isValidParticipantId } from './identity-patterns.js';
import { expectArray, expectKeys, expectObject, expectString, schemaError } from './json-shape.js';
import { parseOptionalHex } from './parse-contribution.js';
import { checkPointList, parsePowers, parseSize } from './parse-powers.js';
import { parseJsonText } from './json-text.js';
import type { BatchTranscript, SubTranscript, Witness } from './types.js';

/** Parses BatchTranscript JSON text. Throws InvalidInputError (input 'transcript'). */
export function parseBatchTranscript(text: string, limitOverrides?: Partial<InputLimits>): BatchTranscript {
  const limits = resolveLimits(limitOverrides);
  try {
    return batchTranscriptFromJson(parseJsonText(text, limits), limits);
  } catch (err) {
    throw err instanceof InvalidInputError ? err.withInput('transcript') : err;
  }
}

export function batchTranscriptFromJson(value: unknown, limits: InputLimits): BatchTranscript {
  const root = expectObject(value, '$');
  expectKeys(root, '$', ['transcripts', 'participantIds', 'participantEcdsaSignatures']);
  const items = expectArray(root.transcripts, '$.transcripts', limits.maxSubCeremonies);
  if (items.length === 0) throw schemaError('$.transcripts', 'at least one sub-ceremony is required');
  const transcripts = items.map((item, index) => parseSubTranscript(item, `$.transcripts[${index}]`, limits, index));
  const entries = limits.maxContributions + 1;
  const participantIds = expectArray(root.participantIds, '$.participantIds', entries).map((id, i) => {
    const path = `$.participantIds[${i}]`;
    const text = expectString(id, path);
    if (text.length > limits.maxParticipantIdLength || !isValidParticipantId(text)) {
      throw schemaError(path, `'${text.slice(0, 80)}' is not an eth|0x… or git|id|@handle identity`);
    }
    return text;
  });
  const participantEcdsaSignatures = expectArray(root.participantEcdsaSignatures, '$.participantEcdsaSignatures', entries).map((sig, i) =>
    parseOptionalHex(sig, `$.participantEcdsaSignatures[${i}]`, ECDSA_SIGNATURE_BYTES),
  );
  const expected = transcripts[0]?.witness.runningProducts.length ?? 0;
  transcripts.forEach((sub, index) => {
    if (sub.witness.runningProducts.length !== expected) {
      throw new InvalidInputError('WRONG_COUNT', `$.transcripts[${index}].witness: ${sub.witness.runningProducts.length} entries, but sub-ceremony 0 has ${expected}`, { subCeremony: index });
    }
  });
  for (const [name, list] of [
    ['participantIds', participantIds],
    ['participantEcdsaSignatures', participantEcdsaSignatures],
  ] as const) {
    if (list.length !== expected) {
      throw new InvalidInputError('WRONG_COUNT', `$.${name}: ${list.length} entries, but the witnesses have ${expected}`, { path: `$.${name}` });
    }
  }
  return { transcripts, participantIds, participantEcdsaSignatures };
}

function parseSubTranscript(value: unknown, path: string, limits: InputLimits, index: number): SubTranscript {
  const obj = expectObject(value, path);
  expectKeys(obj, path, ['numG1Powers', 'numG2Powers', 'powersOfTau', 'witness']);
  const size = parseSize(obj, path, limits, index);
  const powersOfTau = parsePowers(obj.powersOfTau, `${path}.powersOfTau`, size, limits, index);
  return { ...size, powersOfTau, witness: parseWitness(obj.witness, `${path}.witness`, limits, index) };
}

function parseWitness(value: unknown, path: string, limits: InputLimits, index: number): Witness {
  const obj = expectObject(value, path);
  expectKeys(obj, path, ['runningProducts', 'potPubkeys', 'blsSignatures']);
  const entries = limits.maxContributions + 1;
  const runningProducts = checkPointList(expectArray(obj.runningProducts, `${path}.runningProducts`, entries), `${path}.runningProducts`, G1_BYTES, index);
  const potPubkeys = checkPointList(expectArray(obj.potPubkeys, `${path}.potPubkeys`, entries), `${path}.potPubkeys`, G2_BYTES, index);
  const blsSignatures = expectArray(obj.blsSignatures, `${path}.blsSignatures`, entries).map((sig, i) => {
    try {
      return parseOptionalHex(sig, `${path}.blsSignatures[${i}]`, G1_BYTES);
    } catch (err) {
      if (err instanceof InvalidInputError) throw new InvalidInputError(err.code, err.message, { subCeremony: index, pointIndex: i, path: err.path });
      throw err;
    }
  });
  if (runningProducts.length === 0) throw new InvalidInputError('WRONG_COUNT', `${path}.runningProducts: the initial entry is missing`, { subCeremony: index });
  if (potPubkeys.length !== runningProducts.length || blsSignatures.length !== runningProducts.length) {
    throw new InvalidInputError('WRONG_COUNT', `${path}: runningProducts, potPubkeys and blsSignatures have ${runningProducts.length}, ${potPubkeys.length} and ${blsSignatures.length} entries`, {
      subCeremony: index,
      path,
    });
  }
  return { runningProducts, potPubkeys, blsSignatures };
}
