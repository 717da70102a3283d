// The beacon record: what was used and what it produced, enough for anyone to
// recompute the last contribution.
//   { "beaconValueHex": "0x…", "iterations": 1048576,
//     "digestHex": "0x…" (SHA-256^iterations of the value),
//     "secretsHex": ["0x…", …] (one per sub-ceremony: public by design),
//     "potPubkeys": ["0x…", …] ([secret]_2 per sub-ceremony) }
// Only beaconValueHex and iterations are required; the others are checked when present.
import { InvalidInputError } from '../errors.js';
import { assertHex, G2_BYTES, isHexOfLength, WORD_BYTES } from '../format/hex.js';
import { expectArray, expectKeys, expectObject } from '../format/json-shape.js';
import { parseJsonText } from '../format/json-text.js';
import { resolveLimits, type InputLimits } from '../limits.js';
import { assertBeaconValue, assertIterations } from './derive.js';

export interface BeaconParameters {
  /** `0x` + lowercase hex of the beacon bytes. */
  beaconValueHex: string;
  iterations: number;
}

export interface BeaconRecord extends BeaconParameters {
  digestHex?: string;
  secretsHex?: string[];
  potPubkeys?: string[];
}

function expectHex32(value: unknown, path: string): string {
  if (typeof value !== 'string' || !isHexOfLength(value, WORD_BYTES)) throw new InvalidInputError('BAD_HEX', `${path}: expected 0x + 64 lowercase hex digits`, { path });
  return value;
}

/** Checks a record built in code or parsed; throws InvalidInputError (input 'input'). */
export function checkBeaconRecord(value: unknown, limits: InputLimits = resolveLimits()): BeaconRecord {
  try {
    const obj = expectObject(value, '$');
    expectKeys(obj, '$', ['beaconValueHex', 'iterations'], ['digestHex', 'secretsHex', 'potPubkeys']);
    assertBeaconValue(obj.beaconValueHex, '$.beaconValueHex');
    assertIterations(obj.iterations, '$.iterations');
    const record: BeaconRecord = { beaconValueHex: obj.beaconValueHex, iterations: obj.iterations };
    if (Object.hasOwn(obj, 'digestHex')) record.digestHex = expectHex32(obj.digestHex, '$.digestHex');
    if (Object.hasOwn(obj, 'secretsHex')) {
      record.secretsHex = expectArray(obj.secretsHex, '$.secretsHex', limits.maxSubCeremonies).map((s, j) => expectHex32(s, `$.secretsHex[${j}]`));
    }
    if (Object.hasOwn(obj, 'potPubkeys')) {
      record.potPubkeys = expectArray(obj.potPubkeys, '$.potPubkeys', limits.maxSubCeremonies).map((pk, j) => {
        assertHex(pk, G2_BYTES, `$.potPubkeys[${j}]`);
        return pk;
      });
    }
    return record;
  } catch (err) {
    throw err instanceof InvalidInputError ? err.withInput('input') : err;
  }
}

export function parseBeaconRecord(text: string, limitOverrides?: Partial<InputLimits>): BeaconRecord {
  const limits = resolveLimits(limitOverrides);
  let value: unknown;
  try {
    value = parseJsonText(text, limits);
  } catch (err) {
    throw err instanceof InvalidInputError ? err.withInput('input') : err;
  }
  return checkBeaconRecord(value, limits);
}

/** Canonical JSON (keys in the order above); `indent` 0 gives one line. */
export function serializeBeaconRecord(record: BeaconRecord, indent = 2): string {
  const out: Record<string, unknown> = { beaconValueHex: record.beaconValueHex, iterations: record.iterations };
  if (record.digestHex !== undefined) out.digestHex = record.digestHex;
  if (record.secretsHex !== undefined) out.secretsHex = record.secretsHex;
  if (record.potPubkeys !== undefined) out.potPubkeys = record.potPubkeys;
  return JSON.stringify(out, null, indent);
}
