/**
 * EIP-55 mixed-case checksum for Ethereum addresses: the i-th hex letter is uppercased
 * when the i-th nibble of keccak256(lowercase hex address, as ASCII) is 8 or more.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { IdentityError } from './errors.js';
import { ADDRESS_HEX } from '../format/hex.js';

/** True when `text` is 0x followed by 40 hex digits, whatever their case. */
export function isHexAddress(text: string): boolean {
  return ADDRESS_HEX.test(text);
}

/** The EIP-55 checksummed form of an address given in any case. Throws on malformed input. */
export function toChecksumAddress(address: string): string {
  if (!isHexAddress(address)) {
    throw new IdentityError('IDENTITY_BAD_ADDRESS', 'expected 0x followed by 40 hex digits');
  }
  const lower = address.slice(2).toLowerCase();
  const hash = keccak_256(utf8ToBytes(lower));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    const ch = lower.charAt(i);
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    out += nibble >= 8 ? ch.toUpperCase() : ch;
  }
  return out;
}

/** True only when `address` is written exactly in its EIP-55 checksummed form. */
export function isChecksumAddress(address: string): boolean {
  return isHexAddress(address) && toChecksumAddress(address) === address;
}

/**
 * True for an address that carries no checksum (all lowercase or all uppercase hex letters)
 * or a correct one; a mixed-case address with a wrong checksum is a typo and fails.
 */
export function isValidAddress(address: string): boolean {
  if (!isHexAddress(address)) return false;
  const body = address.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  return toChecksumAddress(address) === address;
}
