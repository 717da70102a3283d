// Stateless, self-verifying short-lived tokens (SIWE nonces, OAuth states): random bytes, an expiry and
// an HMAC over both and a purpose label, all lowercase hex, so any replica holding the secret can check
// one and a SIWE nonce stays within [A-Za-z0-9]. A token by itself is not single-use; a SIWE login also
// spends its nonce in a ledger every replica shares (api/auth/nonce-ledger.ts).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const RANDOM_HEX = 32;
const EXPIRY_HEX = 12;
const MAC_HEX = 32;
const SHAPE = new RegExp(`^[0-9a-f]{${RANDOM_HEX + EXPIRY_HEX + MAC_HEX}}$`);

export type SignedTokenCheck = { ok: true; random: string; expiresAt: number } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

function mac(secret: Uint8Array, purpose: string, body: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest('hex').slice(0, MAC_HEX);
}

/** A token for `purpose` that expires at `expiresAt` (ms since the epoch). */
export function issueSignedToken(secret: Uint8Array, purpose: string, expiresAt: number): string {
  const random = randomBytes(RANDOM_HEX / 2).toString('hex');
  const expiry = Math.ceil(expiresAt / 1000)
    .toString(16)
    .padStart(EXPIRY_HEX, '0');
  const body = random + expiry;
  return body + mac(secret, purpose, body);
}

/** Checks the token's shape, its HMAC for `purpose`, then its expiry against `now` (ms). */
export function checkSignedToken(secret: Uint8Array, purpose: string, token: string, now: number): SignedTokenCheck {
  if (!SHAPE.test(token)) return { ok: false, reason: 'malformed' };
  const body = token.slice(0, RANDOM_HEX + EXPIRY_HEX);
  const given = Buffer.from(token.slice(RANDOM_HEX + EXPIRY_HEX), 'hex');
  const expected = Buffer.from(mac(secret, purpose, body), 'hex');
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  const expiresAt = Number.parseInt(body.slice(RANDOM_HEX), 16) * 1000;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, random: body.slice(0, RANDOM_HEX), expiresAt };
}
