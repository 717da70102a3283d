/**
 * Participant identity strings of the KZG ceremony spec (contributionSigning.md, "Identity";
 * transcriptSchema.json, `ethereumId` / `githubId`):
 *
 *   eth|0x<40 lowercase hex digits>
 *   git|<decimal GitHub user id>|@<lowercase GitHub handle>
 *
 * These strings are what the BLS identity signature signs (as UTF-8 bytes), so formatting
 * is canonical: one identity has exactly one string, and parsing accepts only that string.
 */
import { isHexAddress, isValidAddress } from './eip55.js';
import { IdentityError } from './errors.js';

export interface EthIdentity {
  readonly kind: 'eth';
  /** 0x-prefixed, lowercase. */
  readonly address: string;
}

export interface GithubIdentity {
  readonly kind: 'git';
  /** GitHub's numeric user id, as canonical decimal digits (it may exceed 2^53). */
  readonly id: string;
  /** The handle with its leading '@', lowercase. */
  readonly handle: string;
}

export type Identity = EthIdentity | GithubIdentity;

/** GitHub login rules, as quoted by the spec: 1-39 chars, alphanumeric or single inner hyphens. */
const GITHUB_HANDLE = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/;
/** The transcript schema allows 1-16 digits; canonical form has no leading zero. */
const GITHUB_ID = /^(?:0|[1-9]\d{0,15})$/;
const ETH_IDENTITY = /^eth\|0x[0-9a-f]{40}$/;

/** `eth|0x…` for an address in any case; a mixed-case address must carry a valid EIP-55 checksum. */
export function ethIdentity(address: string): string {
  if (!isHexAddress(address)) {
    throw new IdentityError('IDENTITY_BAD_ADDRESS', 'expected 0x followed by 40 hex digits');
  }
  if (!isValidAddress(address)) {
    throw new IdentityError('IDENTITY_BAD_CHECKSUM', 'mixed-case address fails its EIP-55 checksum');
  }
  return `eth|${address.toLowerCase()}`;
}

function canonicalGithubId(id: number | bigint | string): string {
  let text: string;
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new IdentityError('IDENTITY_BAD_GITHUB_ID', 'GitHub id must be a non-negative integer');
    }
    text = String(id);
  } else if (typeof id === 'bigint') {
    if (id < 0n) throw new IdentityError('IDENTITY_BAD_GITHUB_ID', 'GitHub id must be non-negative');
    text = id.toString(10);
  } else {
    text = id;
  }
  if (!GITHUB_ID.test(text)) {
    throw new IdentityError('IDENTITY_BAD_GITHUB_ID', 'GitHub id must be 1-16 decimal digits without leading zeros');
  }
  return text;
}

function canonicalGithubHandle(handle: string): string {
  const bare = (handle.startsWith('@') ? handle.slice(1) : handle).toLowerCase();
  if (!GITHUB_HANDLE.test(bare)) {
    throw new IdentityError('IDENTITY_BAD_GITHUB_HANDLE', `not a GitHub handle: ${JSON.stringify(handle)}`);
  }
  return `@${bare}`;
}

/**
 * `git|<id>|@<handle>`. The handle may be given with or without its '@' and in any case;
 * the spec lowercases it and keeps the '@'.
 */
export function githubIdentity(id: number | bigint | string, handle: string): string {
  return `git|${canonicalGithubId(id)}|${canonicalGithubHandle(handle)}`;
}

/** The canonical string of a parsed identity. */
export function formatIdentity(identity: Identity): string {
  return identity.kind === 'eth' ? ethIdentity(identity.address) : githubIdentity(identity.id, identity.handle);
}

/** Parses a canonical identity string; throws IdentityError on anything else. */
export function parseIdentity(text: string): Identity {
  if (text.startsWith('eth|')) {
    if (!ETH_IDENTITY.test(text)) {
      throw new IdentityError('IDENTITY_BAD_ADDRESS', 'expected eth|0x followed by 40 lowercase hex digits');
    }
    return { kind: 'eth', address: text.slice(4) };
  }
  if (text.startsWith('git|')) {
    const parts = text.split('|');
    if (parts.length !== 3) {
      throw new IdentityError('IDENTITY_MALFORMED', 'expected git|<id>|@<handle>');
    }
    const id = parts[1] ?? '';
    const handle = parts[2] ?? '';
    if (!GITHUB_ID.test(id)) {
      throw new IdentityError('IDENTITY_BAD_GITHUB_ID', 'GitHub id must be 1-16 decimal digits without leading zeros');
    }
    if (!handle.startsWith('@') || !GITHUB_HANDLE.test(handle.slice(1))) {
      throw new IdentityError('IDENTITY_BAD_GITHUB_HANDLE', 'expected @ followed by a lowercase GitHub handle');
    }
    return { kind: 'git', id, handle };
  }
  throw new IdentityError('IDENTITY_MALFORMED', 'identity must start with eth| or git|');
}

/** parseIdentity without the throw. */
export function tryParseIdentity(text: string): Identity | null {
  try {
    return parseIdentity(text);
  } catch (error) {
    if (error instanceof IdentityError) return null;
    throw error;
  }
}

/** True when `text` is a canonical identity string. */
export function isValidIdentity(text: string): boolean {
  return tryParseIdentity(text) !== null;
}

/** The lowercase 0x address of an `eth|` identity, or null for any other identity. */
export function ethAddressOfIdentity(text: string): string | null {
  const identity = tryParseIdentity(text);
  return identity !== null && identity.kind === 'eth' ? identity.address : null;
}
