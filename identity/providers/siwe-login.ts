// Sign-In with Ethereum login. The coordinator hands out stateless signed nonces (any replica can check
// them); a login presents a SIWE message carrying one, for our domain, URI and chain id, and its
// personal_sign signature, checked by identity/siwe.ts. A login that passes every check spends its
// nonce (`spendNonce`, shared by every replica): the same signed message never logs in twice. An optional anti-sybil rule asks an Ethereum
// JSON-RPC node for the address's transaction count and refuses addresses below a minimum.
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import { ethIdentity } from '../../engine/identity/identity.js';
import { apiBaseUrl } from './base-url.js';
import { parseSiweMessage, SiweError, verifySiwe, type SiweMessageFields } from '../siwe.js';
import { getTransactionCount } from './eth-rpc.js';
import { checkSignedToken, issueSignedToken } from './signed-token.js';
import type { FetchLike } from './upstream.js';

const PURPOSE = 'siwe-nonce';
const CLOCK_SKEW_MS = 5_000;

export interface SiweSettings {
  domain: string;
  uri: string;
  chainId: number;
  nonceTtlMs: number;
  minNonce: number;
  rpcUrl?: string;
  rpcTimeoutMs: number;
}

export function siweSettings(cfg: Config): SiweSettings {
  const s = cfg.auth.siwe;
  const uri = s.uri ?? apiBaseUrl(cfg);
  return {
    domain: s.domain ?? new URL(uri).host,
    uri,
    chainId: s.chainId,
    nonceTtlMs: s.nonceTtlSeconds * 1000,
    minNonce: s.minNonce,
    ...(s.rpcUrl === undefined ? {} : { rpcUrl: s.rpcUrl }),
    rpcTimeoutMs: s.rpcTimeoutMs,
  };
}

export interface SiweChallenge {
  nonce: string;
  domain: string;
  uri: string;
  chainId: number;
  version: '1';
  /** RFC 3339; the message may carry it as its Expiration Time. */
  expirationTime: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export function issueSiweChallenge(secret: Uint8Array, settings: SiweSettings, now: number): SiweChallenge {
  const expiresAt = now + settings.nonceTtlMs;
  const nonce = issueSignedToken(secret, PURPOSE, expiresAt);
  const rounded = Math.ceil(expiresAt / 1000) * 1000;
  return {
    nonce,
    domain: settings.domain,
    uri: settings.uri,
    chainId: settings.chainId,
    version: '1',
    expirationTime: new Date(rounded).toISOString(),
    expiresAt: rounded,
  };
}

function rejected(reason: string, message: string, status: 'LOGIN_REJECTED' | 'VALIDATION_FAILED' = 'LOGIN_REJECTED'): CeremonyError {
  return new CeremonyError(status, message, { reason });
}

function fromSiweError(err: SiweError): CeremonyError {
  return rejected(err.code, err.message, err.code === 'SIWE_MALFORMED' ? 'VALIDATION_FAILED' : 'LOGIN_REJECTED');
}

function sameUri(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function parse(message: string): SiweMessageFields {
  try {
    return parseSiweMessage(message);
  } catch (err) {
    if (err instanceof SiweError) throw fromSiweError(err);
    throw err;
  }
}

export interface SiweLoginDeps {
  secret: Uint8Array;
  settings: SiweSettings;
  now: number;
  /** Marks a nonce spent; false when it already was. */
  spendNonce: (nonce: string, expiresAt: number) => Promise<boolean>;
  fetch?: FetchLike;
}

/** Checks a signed SIWE login; returns the participant's `eth|0x…` identity or throws a CeremonyError. */
export async function verifySiweLogin(input: { message: string; signature: string }, deps: SiweLoginDeps): Promise<string> {
  const { settings } = deps;
  const fields = parse(input.message);
  const nonce = checkSignedToken(deps.secret, PURPOSE, fields.nonce, deps.now);
  if (!nonce.ok) {
    if (nonce.reason === 'expired') throw rejected('SIWE_NONCE_EXPIRED', 'the nonce has expired; ask for a new one at /auth/siwe/nonce');
    throw rejected('SIWE_NONCE_MISMATCH', 'the nonce was not issued by this coordinator');
  }
  let address: string;
  try {
    address = verifySiwe({
      message: input.message,
      signature: input.signature,
      expectedDomain: settings.domain,
      expectedNonce: fields.nonce,
      expectedScheme: new URL(settings.uri).protocol.slice(0, -1),
      now: deps.now,
      clockSkewMs: CLOCK_SKEW_MS,
    }).address;
  } catch (err) {
    if (err instanceof SiweError) throw fromSiweError(err);
    throw err;
  }
  if (!sameUri(fields.uri, settings.uri)) throw rejected('SIWE_URI_MISMATCH', `the message must carry URI ${settings.uri}`);
  if (fields.chainId !== settings.chainId) throw rejected('SIWE_CHAIN_MISMATCH', `the message must carry Chain ID ${settings.chainId}`);
  if (settings.minNonce > 0 && settings.rpcUrl !== undefined) {
    const count = await getTransactionCount(settings.rpcUrl, address, {
      timeoutMs: settings.rpcTimeoutMs,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    });
    if (count < BigInt(settings.minNonce)) {
      throw new CeremonyError('FORBIDDEN', `address ${address} has sent ${count} transactions; this ceremony admits addresses with at least ${settings.minNonce} (anti-sybil rule)`, {
        reason: 'SIWE_MIN_NONCE',
        required: settings.minNonce,
        actual: Number(count),
      });
    }
  }
  if (!(await deps.spendNonce(fields.nonce, nonce.expiresAt))) {
    throw rejected('SIWE_NONCE_REUSED', 'this nonce has already been used to log in; ask for a new one at /auth/siwe/nonce');
  }
  return ethIdentity(address);
}
