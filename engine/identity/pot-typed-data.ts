/**
 * The EIP-712 typed data of the KZG ceremony (contributionSigning.md): a participant who
 * logged in with an Ethereum address signs the list of their sub-ceremony PoT pubkeys
 * (tau·G2 per sub-ceremony) with that address's key.
 *
 *   domain      { name: "Ethereum KZG Ceremony", version: "1.0", chainId: 1 }
 *   primaryType PoTPubkeys
 *   PoTPubkeys(contributionPubkey[] potPubkeys)
 *   contributionPubkey(uint256 numG1Powers,uint256 numG2Powers,bytes potPubkey)
 *
 * The spec requires the list sorted by numG1Powers, ties broken by numG2Powers; the
 * functions here sort a copy, so callers may pass sub-ceremonies in any order.
 */
import { IdentityError } from './errors.js';
import { hashTypedData, type TypedData, type TypedDataTypes } from './eip712.js';
import { ADDRESS_HEX, bytesToHex, decodeHex } from '../format/hex.js';
import { recoverDigestSigner, signDigest } from './secp256k1.js';

export interface PotPubkeyEntry {
  readonly numG1Powers: number;
  readonly numG2Powers: number;
  /** Compressed G2 point, 0x-hex. */
  readonly potPubkey: string;
}

export interface KzgEip712Domain {
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
}

export const KZG_EIP712_DOMAIN: KzgEip712Domain = Object.freeze({
  name: 'Ethereum KZG Ceremony',
  version: '1.0',
  chainId: 1,
});

export const KZG_EIP712_PRIMARY_TYPE = 'PoTPubkeys';

export const KZG_EIP712_TYPES: TypedDataTypes = Object.freeze({
  EIP712Domain: [
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
  ],
  contributionPubkey: [
    { name: 'numG1Powers', type: 'uint256' },
    { name: 'numG2Powers', type: 'uint256' },
    { name: 'potPubkey', type: 'bytes' },
  ],
  PoTPubkeys: [{ name: 'potPubkeys', type: 'contributionPubkey[]' }],
});

export interface PotTypedDataOptions {
  /** Override the spec's domain (for a ceremony that is not Ethereum's). */
  readonly domain?: KzgEip712Domain;
}

/** A copy sorted as the spec requires: numG1Powers ascending, then numG2Powers ascending. */
export function sortPotPubkeys(pubkeys: readonly PotPubkeyEntry[]): PotPubkeyEntry[] {
  return [...pubkeys].sort((a, b) => a.numG1Powers - b.numG1Powers || a.numG2Powers - b.numG2Powers);
}

function checkEntry(entry: PotPubkeyEntry, index: number): void {
  for (const key of ['numG1Powers', 'numG2Powers'] as const) {
    const n = entry[key];
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new IdentityError('EIP712_BAD_VALUE', `potPubkeys[${index}].${key} must be a non-negative integer`);
    }
  }
  if (decodeHex(entry.potPubkey) === null) {
    throw new IdentityError('EIP712_BAD_VALUE', `potPubkeys[${index}].potPubkey must be 0x-hex`);
  }
}

/**
 * The full typed-data object, as a wallet's eth_signTypedData_v4 expects it (JSON-safe:
 * numbers and strings only).
 */
export function potPubkeysTypedData(pubkeys: readonly PotPubkeyEntry[], options: PotTypedDataOptions = {}): TypedData {
  pubkeys.forEach(checkEntry);
  const domain = options.domain ?? KZG_EIP712_DOMAIN;
  return {
    types: KZG_EIP712_TYPES,
    primaryType: KZG_EIP712_PRIMARY_TYPE,
    domain: { name: domain.name, version: domain.version, chainId: domain.chainId },
    message: {
      potPubkeys: sortPotPubkeys(pubkeys).map((p) => ({
        numG1Powers: p.numG1Powers,
        numG2Powers: p.numG2Powers,
        potPubkey: p.potPubkey,
      })),
    },
  };
}

/** The 32-byte EIP-712 digest the participant's Ethereum key signs. */
export function typedDataHash(pubkeys: readonly PotPubkeyEntry[], options: PotTypedDataOptions = {}): Uint8Array {
  return hashTypedData(potPubkeysTypedData(pubkeys, options));
}

/** ECDSA-signs the PoT pubkeys; returns 0x-hex r || s || v (65 bytes, v in {27, 28}), lowercase. */
export function signEcdsa(privateKeyHex: string, pubkeys: readonly PotPubkeyEntry[], options: PotTypedDataOptions = {}): string {
  return bytesToHex(signDigest(typedDataHash(pubkeys, options), privateKeyHex));
}

/** The EIP-55 address that produced `signature` over these pubkeys; throws IdentityError. */
export function recoverEcdsaAddress(pubkeys: readonly PotPubkeyEntry[], signature: string, options: PotTypedDataOptions = {}): string {
  return recoverDigestSigner(typedDataHash(pubkeys, options), signature);
}

/**
 * True when `signature` is `address`'s signature over these pubkeys (address compared
 * case-insensitively). Any encoding error gives false, as the spec's sequencer requires.
 */
export function verifyEcdsa(pubkeys: readonly PotPubkeyEntry[], signature: string, address: string, options: PotTypedDataOptions = {}): boolean {
  if (!ADDRESS_HEX.test(address)) return false;
  try {
    return recoverEcdsaAddress(pubkeys, signature, options).toLowerCase() === address.toLowerCase();
  } catch (error) {
    if (error instanceof IdentityError) return false;
    throw error;
  }
}
