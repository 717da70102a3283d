// The keys /ceremony/info publishes in either mode: the receipt keys, their fingerprints, and where
// the session keys are.
import type { JWK } from 'jose';
import type { z } from 'zod';
import type { ReceiptKeysView } from './contracts/ceremony.js';

export const SESSION_KEYS_URL = '/.well-known/jwks.json';

export function receiptKeysView(keys: readonly JWK[]): z.infer<typeof ReceiptKeysView> {
  const published = keys.flatMap((k) => (k.kty === undefined ? [] : [{ ...k, kty: k.kty }]));
  return {
    receiptKeys: { keys: published },
    receiptKeyFingerprints: published.flatMap((k) => (k.kid === undefined ? [] : [k.kid])),
    sessionKeysUrl: SESSION_KEYS_URL,
  };
}
