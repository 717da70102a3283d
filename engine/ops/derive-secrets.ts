// Contribution secrets: 64 bytes from the OS CSPRNG mixed with optional user
// entropy through HKDF-SHA256, one independent output per sub-ceremony, reduced
// modulo r from 48 bytes (bias below 2^-128). Fixed secrets are accepted for
// test vectors only after range checks. Secrets are bigints only transiently;
// byte buffers holding them are zeroed after use.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CURVE_ORDER } from '../curve/constants.js';
import { randomBytes } from '../curve/random.js';
import { bytesToBigInt } from '../format/hex.js';
import { InvalidInputError } from '../errors.js';

const SALT = new TextEncoder().encode('ceremony-coordinator/powers-of-tau/secret/v1');

export function deriveSecrets(count: number, entropy?: string | Uint8Array): bigint[] {
  const userBytes = typeof entropy === 'string' ? new TextEncoder().encode(entropy) : (entropy ?? new Uint8Array(0));
  const systemBytes = randomBytes(64);
  const ikm = new Uint8Array(systemBytes.length + userBytes.length);
  ikm.set(systemBytes, 0);
  ikm.set(userBytes, systemBytes.length);
  systemBytes.fill(0);
  try {
    const secrets: bigint[] = [];
    for (let j = 0; j < count; j++) {
      for (let attempt = 0; ; attempt++) {
        const info = new TextEncoder().encode(`sub-ceremony ${j} attempt ${attempt}`);
        const okm = hkdf(sha256, ikm, SALT, info, 48);
        const secret = bytesToBigInt(okm) % CURVE_ORDER;
        okm.fill(0);
        if (secret > 1n) {
          secrets.push(secret);
          break;
        }
      }
    }
    return secrets;
  } finally {
    ikm.fill(0);
  }
}

/** Checks fixed secrets: one per sub-ceremony, each in (1, r). */
export function checkFixedSecrets(secrets: readonly bigint[], count: number): void {
  if (secrets.length !== count) {
    throw new InvalidInputError('INVALID_SECRET', `${secrets.length} secrets given for ${count} sub-ceremonies`);
  }
  secrets.forEach((secret, j) => {
    if (secret <= 1n || secret >= CURVE_ORDER) {
      throw new InvalidInputError('INVALID_SECRET', `secret ${j} must be greater than 1 and below the group order`, { subCeremony: j });
    }
  });
}

/** Parses big-endian hex secrets (`0x` optional), e.g. from `--secrets`. */
export function parseSecretsText(text: string): bigint[] {
  return text.split(',').map((part, j) => {
    const hex = part.trim().replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]{1,64}$/.test(hex)) {
      throw new InvalidInputError('INVALID_SECRET', `secret ${j} is not hex of at most 32 bytes`, { subCeremony: j });
    }
    return BigInt('0x' + hex);
  });
}
