/**
 * Sign-In with Ethereum (EIP-4361) for externally owned accounts: the message is signed
 * with EIP-191 personal_sign, and the relying party checks, in this order,
 *   1. the text parses strictly                     (SIWE_MALFORMED)
 *   2. the domain (and scheme, if both are given)   (SIWE_DOMAIN_MISMATCH)
 *   3. the nonce it issued                          (SIWE_NONCE_MISMATCH)
 *   4. expiration time and not-before against now   (SIWE_EXPIRED, SIWE_NOT_YET_VALID)
 *   5. the signature recovers the message's address (SIWE_BAD_SIGNATURE)
 * Contract accounts (EIP-1271) are not supported: verification needs no chain access.
 */
import { IdentityError } from '../engine/identity/errors.js';
import { bytesToHex } from '../engine/format/hex.js';
import { recoverDigestSigner, signDigest } from '../engine/identity/secp256k1.js';
import { personalMessageHash } from './eip191.js';
import { SiweError } from './siwe-errors.js';
import { buildSiweMessage, parseRfc3339, parseSiweMessage, type SiweMessageFields } from './siwe-message.js';

export { SiweError, type SiweErrorCode } from './siwe-errors.js';
export { buildSiweMessage, parseSiweMessage, parseRfc3339, type SiweMessageFields } from './siwe-message.js';
export { personalMessageHash } from './eip191.js';
export { toChecksumAddress, isChecksumAddress, isValidAddress } from '../engine/identity/eip55.js';

export interface VerifySiweInput {
  /** The exact text that was signed. */
  readonly message: string;
  /** 0x-hex r || s || v, 65 bytes. */
  readonly signature: string;
  /** The authority (host[:port]) this server serves; compared case-insensitively. */
  readonly expectedDomain: string;
  /** The nonce this server issued for the session. */
  readonly expectedNonce: string;
  /** The current time. */
  readonly now: Date | number;
  /** When set and the message names a scheme, the two must match (case-insensitively). */
  readonly expectedScheme?: string;
  /** Tolerance for clock skew when checking the time bounds; 0 by default. */
  readonly clockSkewMs?: number;
}

export interface VerifiedSiwe {
  readonly fields: SiweMessageFields;
  /** The signer, EIP-55 checksummed (equal to fields.address). */
  readonly address: string;
}

/** EIP-55 address that signed `message` with personal_sign; throws SIWE_BAD_SIGNATURE. */
export function recoverPersonalSigner(message: string, signature: string): string {
  try {
    return recoverDigestSigner(personalMessageHash(message), signature);
  } catch (error) {
    if (error instanceof IdentityError) throw new SiweError('SIWE_BAD_SIGNATURE', error.message);
    throw error;
  }
}

/** Verifies a signed SIWE message; returns its fields or throws a SiweError. */
export function verifySiwe(input: VerifySiweInput): VerifiedSiwe {
  const fields = parseSiweMessage(input.message);

  if (fields.domain.toLowerCase() !== input.expectedDomain.toLowerCase()) {
    throw new SiweError('SIWE_DOMAIN_MISMATCH', `message is for ${fields.domain}`);
  }
  if (input.expectedScheme !== undefined && fields.scheme !== undefined && fields.scheme.toLowerCase() !== input.expectedScheme.toLowerCase()) {
    throw new SiweError('SIWE_DOMAIN_MISMATCH', `message is for scheme ${fields.scheme}`);
  }
  if (fields.nonce !== input.expectedNonce) {
    throw new SiweError('SIWE_NONCE_MISMATCH', 'nonce does not match the one issued');
  }

  const now = typeof input.now === 'number' ? input.now : input.now.getTime();
  const skew = input.clockSkewMs ?? 0;
  if (fields.expirationTime !== undefined) {
    const expires = parseRfc3339(fields.expirationTime) ?? Number.NEGATIVE_INFINITY;
    if (now - skew >= expires) throw new SiweError('SIWE_EXPIRED', `expired at ${fields.expirationTime}`);
  }
  if (fields.notBefore !== undefined) {
    const notBefore = parseRfc3339(fields.notBefore) ?? Number.POSITIVE_INFINITY;
    if (now + skew < notBefore) throw new SiweError('SIWE_NOT_YET_VALID', `not valid before ${fields.notBefore}`);
  }

  const signer = recoverPersonalSigner(input.message, input.signature);
  if (signer.toLowerCase() !== fields.address.toLowerCase()) {
    throw new SiweError('SIWE_BAD_SIGNATURE', 'signature is not from the message address');
  }
  return { fields, address: fields.address };
}

/**
 * Client side: personal_sign of a SIWE message (text, or fields to build it from) with a
 * private key; returns 0x-hex r || s || v. For the reference contributor and tests.
 */
export function signSiwe(privateKeyHex: string, message: string | SiweMessageFields): string {
  const text = typeof message === 'string' ? message : buildSiweMessage(message);
  return bytesToHex(signDigest(personalMessageHash(text), privateKeyHex));
}
