/**
 * EIP-712 typed structured data hashing (the subset the ceremony needs, and the general
 * rules so that the EIP's own example can check it):
 *
 *   encodeType   Name(type1 name1,...)  followed by referenced struct types, sorted by name
 *   hashStruct   keccak256(typeHash || encodeData)
 *   encodeData   one 32-byte word per member: atomic values padded, string/bytes hashed,
 *                structs as their hashStruct, arrays as keccak256 of their members' words
 *   signing hash keccak256(0x19 0x01 || hashStruct(EIP712Domain, domain) || hashStruct(primary, message))
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { IdentityError } from './errors.js';
import { ADDRESS_HEX, bigIntToBytes, decodeHex, WORD_BYTES } from '../format/hex.js';

export interface TypedField {
  readonly name: string;
  readonly type: string;
}

export type TypedDataTypes = Readonly<Record<string, readonly TypedField[]>>;

export type TypedValue = string | number | bigint | boolean | Uint8Array | readonly TypedValue[] | { readonly [field: string]: TypedValue };

export type TypedStruct = { readonly [field: string]: TypedValue };

export interface TypedData {
  readonly types: TypedDataTypes;
  readonly primaryType: string;
  readonly domain: TypedStruct;
  readonly message: TypedStruct;
}

const ARRAY_SUFFIX = /^(.*)\[(\d*)\]$/;
const UINT = /^uint(\d+)$/;
const INT = /^int(\d+)$/;
const FIXED_BYTES = /^bytes(\d+)$/;

function badValue(message: string): IdentityError {
  return new IdentityError('EIP712_BAD_VALUE', message);
}

function structFields(types: TypedDataTypes, name: string): readonly TypedField[] | undefined {
  return Object.prototype.hasOwnProperty.call(types, name) ? types[name] : undefined;
}

/** The struct type named by a member type, with array suffixes removed. */
function baseType(type: string): string {
  let t = type;
  for (let m = ARRAY_SUFFIX.exec(t); m !== null; m = ARRAY_SUFFIX.exec(t)) t = m[1] ?? '';
  return t;
}

function collectDependencies(types: TypedDataTypes, name: string, found: Set<string>): void {
  if (found.has(name)) return;
  const fields = structFields(types, name);
  if (fields === undefined) return;
  found.add(name);
  for (const field of fields) collectDependencies(types, baseType(field.type), found);
}

/** encodeType: the primary type first, then every struct it references, sorted by name. */
export function encodeType(types: TypedDataTypes, primaryType: string): string {
  if (structFields(types, primaryType) === undefined) {
    throw new IdentityError('EIP712_BAD_TYPES', `unknown struct type ${primaryType}`);
  }
  const found = new Set<string>();
  collectDependencies(types, primaryType, found);
  found.delete(primaryType);
  const ordered = [primaryType, ...[...found].sort()];
  return ordered
    .map((name) => {
      const fields = structFields(types, name) ?? [];
      return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
    })
    .join('');
}

export function typeHash(types: TypedDataTypes, primaryType: string): Uint8Array {
  return keccak_256(utf8ToBytes(encodeType(types, primaryType)));
}

function toBigInt(value: TypedValue, type: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw badValue(`${type}: ${value} is not a safe integer`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?(?:0|[1-9]\d*)$|^0x[0-9a-fA-F]+$/.test(value)) {
    return BigInt(value);
  }
  throw badValue(`${type}: expected an integer`);
}

function toBytes(value: TypedValue, type: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    const bytes = decodeHex(value);
    if (bytes !== null) return bytes;
  }
  throw badValue(`${type}: expected 0x-hex bytes`);
}

function isStruct(value: TypedValue): value is TypedStruct {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value);
}

function encodeAtomic(type: string, value: TypedValue): Uint8Array {
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw badValue('bool: expected a boolean');
    return bigIntToBytes(value ? 1n : 0n, WORD_BYTES);
  }
  if (type === 'address') {
    if (typeof value !== 'string' || !ADDRESS_HEX.test(value)) {
      throw badValue('address: expected 0x followed by 40 hex digits');
    }
    return bigIntToBytes(BigInt(value), WORD_BYTES);
  }
  const uint = UINT.exec(type);
  if (uint !== null) {
    const bits = Number(uint[1]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) throw new IdentityError('EIP712_BAD_TYPES', type);
    const n = toBigInt(value, type);
    if (n < 0n || n >= 1n << BigInt(bits)) throw badValue(`${type}: out of range`);
    return bigIntToBytes(n, WORD_BYTES);
  }
  const int = INT.exec(type);
  if (int !== null) {
    const bits = Number(int[1]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) throw new IdentityError('EIP712_BAD_TYPES', type);
    const n = toBigInt(value, type);
    const limit = 1n << BigInt(bits - 1);
    if (n < -limit || n >= limit) throw badValue(`${type}: out of range`);
    return bigIntToBytes(n < 0n ? (1n << 256n) + n : n, WORD_BYTES);
  }
  const fixed = FIXED_BYTES.exec(type);
  if (fixed !== null) {
    const size = Number(fixed[1]);
    if (size < 1 || size > WORD_BYTES) throw new IdentityError('EIP712_BAD_TYPES', type);
    const bytes = toBytes(value, type);
    if (bytes.length !== size) throw badValue(`${type}: expected ${size} bytes`);
    const word = new Uint8Array(WORD_BYTES);
    word.set(bytes, 0);
    return word;
  }
  throw new IdentityError('EIP712_BAD_TYPES', `unknown type ${type}`);
}

/** The 32-byte word that stands for one member value inside encodeData. */
function encodeValue(types: TypedDataTypes, type: string, value: TypedValue): Uint8Array {
  const array = ARRAY_SUFFIX.exec(type);
  if (array !== null) {
    if (!Array.isArray(value)) throw badValue(`${type}: expected an array`);
    const items: readonly TypedValue[] = value;
    const length = array[2] ?? '';
    if (length !== '' && items.length !== Number(length)) {
      throw badValue(`${type}: expected ${length} elements`);
    }
    const element = array[1] ?? '';
    return keccak_256(concatBytes(...items.map((item) => encodeValue(types, element, item))));
  }
  if (structFields(types, type) !== undefined) {
    if (!isStruct(value)) throw badValue(`${type}: expected an object`);
    return hashStruct(types, type, value);
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw badValue('string: expected a string');
    return keccak_256(utf8ToBytes(value));
  }
  if (type === 'bytes') return keccak_256(toBytes(value, type));
  return encodeAtomic(type, value);
}

/** encodeData: typeHash followed by one word per member, in declaration order. */
export function encodeData(types: TypedDataTypes, primaryType: string, data: TypedStruct): Uint8Array {
  const fields = structFields(types, primaryType);
  if (fields === undefined) {
    throw new IdentityError('EIP712_BAD_TYPES', `unknown struct type ${primaryType}`);
  }
  const words = fields.map((field) => {
    if (!Object.prototype.hasOwnProperty.call(data, field.name)) {
      throw badValue(`${primaryType}.${field.name} is missing`);
    }
    const value = data[field.name];
    if (value === undefined) throw badValue(`${primaryType}.${field.name} is missing`);
    return encodeValue(types, field.type, value);
  });
  return concatBytes(typeHash(types, primaryType), ...words);
}

export function hashStruct(types: TypedDataTypes, primaryType: string, data: TypedStruct): Uint8Array {
  return keccak_256(encodeData(types, primaryType, data));
}

/** hashStruct(EIP712Domain, domain), the domain separator. */
export function domainSeparator(types: TypedDataTypes, domain: TypedStruct): Uint8Array {
  return hashStruct(types, 'EIP712Domain', domain);
}

/** The digest a wallet signs for eth_signTypedData (v4). */
export function hashTypedData(typedData: TypedData): Uint8Array {
  return keccak_256(concatBytes(Uint8Array.of(0x19, 0x01), domainSeparator(typedData.types, typedData.domain), hashStruct(typedData.types, typedData.primaryType, typedData.message)));
}
