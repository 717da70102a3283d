import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../engine/identity/errors.js';
import { ethAddressOfIdentity, ethIdentity, formatIdentity, githubIdentity, isValidIdentity, parseIdentity, tryParseIdentity } from '../../engine/identity/identity.js';

// Patterns of the spec's apiSpec/transcriptSchema.json (`ethereumId`, `githubId`).
const SCHEMA_ETH = /^eth\|0x[a-f\d]{40}$/;
const SCHEMA_GIT = /^git\|\d{1,16}\|@[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof IdentityError) return error.code;
    throw error;
  }
  return undefined;
}

describe('eth identities', () => {
  it('formats the spec example and lowercases checksummed addresses', () => {
    expect(ethIdentity('0x000000000000000000000000000000000000dead')).toBe('eth|0x000000000000000000000000000000000000dead');
    expect(ethIdentity('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe('eth|0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
  });

  it('rejects bad addresses and bad checksums', () => {
    expect(codeOf(() => ethIdentity('0xdead'))).toBe('IDENTITY_BAD_ADDRESS');
    expect(codeOf(() => ethIdentity('000000000000000000000000000000000000dead'))).toBe('IDENTITY_BAD_ADDRESS');
    expect(codeOf(() => ethIdentity('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'))).toBe('IDENTITY_BAD_CHECKSUM');
  });

  it('parses only the canonical lowercase form', () => {
    expect(parseIdentity('eth|0x000000000000000000000000000000000000dead')).toEqual({
      kind: 'eth',
      address: '0x000000000000000000000000000000000000dead',
    });
    expect(codeOf(() => parseIdentity('eth|0x000000000000000000000000000000000000DEAD'))).toBe('IDENTITY_BAD_ADDRESS');
    expect(codeOf(() => parseIdentity('eth|0x000000000000000000000000000000000000dead|'))).toBe('IDENTITY_BAD_ADDRESS');
    expect(ethAddressOfIdentity('eth|0x000000000000000000000000000000000000dead')).toBe('0x000000000000000000000000000000000000dead');
    expect(ethAddressOfIdentity('git|1|@a')).toBeNull();
  });
});

describe('GitHub identities', () => {
  it('formats as git|<id>|@<lowercase handle>, with or without the @', () => {
    expect(githubIdentity(12345678, '@UserName')).toBe('git|12345678|@username');
    expect(githubIdentity('12345678', 'username')).toBe('git|12345678|@username');
    expect(githubIdentity(9007199254740993n, 'a-b')).toBe('git|9007199254740993|@a-b');
  });

  it('rejects ids and handles outside the rules', () => {
    expect(codeOf(() => githubIdentity(-1, 'a'))).toBe('IDENTITY_BAD_GITHUB_ID');
    expect(codeOf(() => githubIdentity(1.5, 'a'))).toBe('IDENTITY_BAD_GITHUB_ID');
    expect(codeOf(() => githubIdentity('0123', 'a'))).toBe('IDENTITY_BAD_GITHUB_ID');
    expect(codeOf(() => githubIdentity('12345678901234567', 'a'))).toBe('IDENTITY_BAD_GITHUB_ID');
    for (const handle of ['', '@', '-a', 'a-', 'a--b', 'a_b', 'a'.repeat(40), 'a b']) {
      expect(codeOf(() => githubIdentity(1, handle))).toBe('IDENTITY_BAD_GITHUB_HANDLE');
    }
    expect(githubIdentity(1, 'a'.repeat(39))).toBe(`git|1|@${'a'.repeat(39)}`);
  });

  it('parses strictly', () => {
    expect(parseIdentity('git|12345678|@username')).toEqual({ kind: 'git', id: '12345678', handle: '@username' });
    expect(codeOf(() => parseIdentity('git|12345678|username'))).toBe('IDENTITY_BAD_GITHUB_HANDLE');
    expect(codeOf(() => parseIdentity('git|12345678|@UserName'))).toBe('IDENTITY_BAD_GITHUB_HANDLE');
    expect(codeOf(() => parseIdentity('git|x|@username'))).toBe('IDENTITY_BAD_GITHUB_ID');
    expect(codeOf(() => parseIdentity('git|1|@a|'))).toBe('IDENTITY_MALFORMED');
    expect(codeOf(() => parseIdentity('google|1'))).toBe('IDENTITY_MALFORMED');
    expect(codeOf(() => parseIdentity(''))).toBe('IDENTITY_MALFORMED');
    expect(tryParseIdentity('nope')).toBeNull();
    expect(isValidIdentity('git|1|@a')).toBe(true);
  });
});

describe('round trips', () => {
  const hexAddress = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`);
  // Alphanumeric runs joined by single hyphens: every valid GitHub handle has this shape.
  const handle = fc.array(fc.stringMatching(/^[a-zA-Z\d]{1,9}$/), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('-'));

  it('eth: format -> parse -> format is stable and matches the transcript schema', () => {
    fc.assert(
      fc.property(hexAddress, fc.boolean(), (address, upper) => {
        const text = ethIdentity(upper ? `0x${address.slice(2).toUpperCase()}` : address);
        expect(text).toMatch(SCHEMA_ETH);
        expect(formatIdentity(parseIdentity(text))).toBe(text);
      }),
    );
  });

  it('git: format -> parse -> format is stable and matches the transcript schema', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 16n - 1n }), handle, (id, h) => {
        const text = githubIdentity(id, h);
        expect(text).toMatch(SCHEMA_GIT);
        expect(formatIdentity(parseIdentity(text))).toBe(text);
      }),
    );
  });
});
