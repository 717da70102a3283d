/**
 * Typed errors for the identity-signature engine. Every failure carries a stable `code`
 * that callers (the API layer in particular) can map to a response without parsing text.
 */
export type IdentityErrorCode =
  | 'IDENTITY_MALFORMED'
  | 'IDENTITY_BAD_ADDRESS'
  | 'IDENTITY_BAD_CHECKSUM'
  | 'IDENTITY_BAD_GITHUB_ID'
  | 'IDENTITY_BAD_GITHUB_HANDLE'
  | 'BLS_BAD_SECRET'
  | 'ECDSA_BAD_PRIVATE_KEY'
  | 'ECDSA_BAD_SIGNATURE'
  | 'EIP712_BAD_TYPES'
  | 'EIP712_BAD_VALUE';

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;

  constructor(code: IdentityErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'IdentityError';
    this.code = code;
  }
}
