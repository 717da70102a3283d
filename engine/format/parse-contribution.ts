// BatchContribution JSON -> model, with the structural checks of the spec's
// contributionSchema.json (sizes are configurable instead of fixed).
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';
import { resolveLimits } from '../limits.js';
import { assertHex, ECDSA_SIGNATURE_BYTES, G1_BYTES, G2_BYTES } from './hex.js';
import { expectArray, expectKeys, expectObject, expectString, schemaError } from './json-shape.js';
import { parsePowers, parseSize } from './parse-powers.js';
import { parseJsonText } from './json-text.js';
import type { BatchContribution, SubContribution } from './types.js';

/** Parses BatchContribution JSON text. Throws InvalidInputError (input 'contribution'). */
export function parseBatchContribution(text: string, limitOverrides?: Partial<InputLimits>): BatchContribution {
  const limits = resolveLimits(limitOverrides);
  try {
    return batchContributionFromJson(parseJsonText(text, limits), limits);
  } catch (err) {
    throw err instanceof InvalidInputError ? err.withInput('contribution') : err;
  }
}

export function batchContributionFromJson(value: unknown, limits: InputLimits): BatchContribution {
  const root = expectObject(value, '$');
  expectKeys(root, '$', ['contributions'], ['ecdsaSignature']);
  const items = expectArray(root.contributions, '$.contributions', limits.maxSubCeremonies);
  if (items.length === 0) throw schemaError('$.contributions', 'at least one sub-ceremony is required');
  const contributions = items.map((item, index) => parseSubContribution(item, `$.contributions[${index}]`, limits, index));
  const result: BatchContribution = { contributions };
  if (Object.hasOwn(root, 'ecdsaSignature')) result.ecdsaSignature = parseOptionalHex(root.ecdsaSignature, '$.ecdsaSignature', ECDSA_SIGNATURE_BYTES);
  return result;
}

function parseSubContribution(value: unknown, path: string, limits: InputLimits, index: number): SubContribution {
  const obj = expectObject(value, path);
  expectKeys(obj, path, ['numG1Powers', 'numG2Powers', 'powersOfTau'], ['potPubkey', 'blsSignature', 'bls_signature']);
  const size = parseSize(obj, path, limits, index);
  const powersOfTau = parsePowers(obj.powersOfTau, `${path}.powersOfTau`, size, limits, index);
  const sub: SubContribution = { ...size, powersOfTau };
  if (Object.hasOwn(obj, 'potPubkey')) {
    const pubkeyPath = `${path}.potPubkey`;
    withSub(index, () => assertHex(obj.potPubkey, G2_BYTES, pubkeyPath));
    sub.potPubkey = obj.potPubkey as string;
  }
  if (Object.hasOwn(obj, 'blsSignature') && Object.hasOwn(obj, 'bls_signature')) {
    throw new InvalidInputError('INVALID_SCHEMA', `${path}: both blsSignature and bls_signature are present`, { subCeremony: index, path });
  }
  const signatureKey = Object.hasOwn(obj, 'blsSignature') ? 'blsSignature' : Object.hasOwn(obj, 'bls_signature') ? 'bls_signature' : undefined;
  if (signatureKey !== undefined) {
    sub.blsSignature = withSub(index, () => parseOptionalHex(obj[signatureKey], `${path}.${signatureKey}`, G1_BYTES));
  }
  return sub;
}

/** A hex value of `byteLength` bytes, or the empty string. */
export function parseOptionalHex(value: unknown, path: string, byteLength: number): string {
  const text = expectString(value, path);
  if (text === '') return text;
  assertHex(text, byteLength, path);
  return text;
}

function withSub<T>(subCeremony: number, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError(err.code, err.message, { subCeremony, path: err.path });
    throw err;
  }
}
