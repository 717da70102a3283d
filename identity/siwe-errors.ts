/** Sign-In with Ethereum failures, each with a stable code the API maps to a response. */
export type SiweErrorCode = 'SIWE_MALFORMED' | 'SIWE_BAD_SIGNATURE' | 'SIWE_DOMAIN_MISMATCH' | 'SIWE_NONCE_MISMATCH' | 'SIWE_EXPIRED' | 'SIWE_NOT_YET_VALID';

export class SiweError extends Error {
  readonly code: SiweErrorCode;

  constructor(code: SiweErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SiweError';
    this.code = code;
  }
}
