import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';
import { buildSiweMessage, parseRfc3339, parseSiweMessage, personalMessageHash, signSiwe, SiweError, verifySiwe, type SiweErrorCode, type SiweMessageFields } from '../../identity/siwe.js';

const KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const ADDRESS = privateKeyToAddress(KEY);

// The example message of EIP-4361.
const EIP_EXAMPLE = [
  'service.org wants you to sign in with your Ethereum account:',
  '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  '',
  'I accept the ServiceOrg Terms of Service: https://service.org/tos',
  '',
  'URI: https://service.org/login',
  'Version: 1',
  'Chain ID: 1',
  'Nonce: 32891756',
  'Issued At: 2021-09-30T16:25:24Z',
  'Resources:',
  '- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
  '- https://example.com/my-web2-claim.json',
].join('\n');

const FIELDS: SiweMessageFields = {
  domain: 'ceremony.example.org',
  address: ADDRESS,
  statement: 'Sign in to contribute to the ceremony.',
  uri: 'https://ceremony.example.org/login',
  version: '1',
  chainId: 1,
  nonce: 'abcDEF1234567890',
  issuedAt: '2024-05-01T10:00:00Z',
  expirationTime: '2024-05-01T10:10:00Z',
  notBefore: '2024-05-01T09:59:00.500+00:00',
  requestId: 'req-42',
  resources: ['https://ceremony.example.org/terms'],
};
const NOW = Date.parse('2024-05-01T10:05:00Z');

function codeOf(fn: () => unknown): SiweErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SiweError) return error.code;
    throw error;
  }
  return undefined;
}

function verify(message: string, signature: string, extra: Partial<Parameters<typeof verifySiwe>[0]> = {}) {
  return verifySiwe({
    message,
    signature,
    expectedDomain: 'ceremony.example.org',
    expectedNonce: 'abcDEF1234567890',
    now: NOW,
    ...extra,
  });
}

describe('SIWE message text', () => {
  it('parses the EIP example and rebuilds it byte for byte', () => {
    const fields = parseSiweMessage(EIP_EXAMPLE);
    expect(fields).toEqual({
      domain: 'service.org',
      address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      statement: 'I accept the ServiceOrg Terms of Service: https://service.org/tos',
      uri: 'https://service.org/login',
      version: '1',
      chainId: 1,
      nonce: '32891756',
      issuedAt: '2021-09-30T16:25:24Z',
      resources: ['ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/', 'https://example.com/my-web2-claim.json'],
    });
    expect(buildSiweMessage(fields)).toBe(EIP_EXAMPLE);
  });

  it('builds the canonical layout with every optional field, and without any', () => {
    expect(buildSiweMessage({ ...FIELDS, scheme: 'https' }).split('\n')).toEqual([
      'https://ceremony.example.org wants you to sign in with your Ethereum account:',
      ADDRESS,
      '',
      'Sign in to contribute to the ceremony.',
      '',
      'URI: https://ceremony.example.org/login',
      'Version: 1',
      'Chain ID: 1',
      'Nonce: abcDEF1234567890',
      'Issued At: 2024-05-01T10:00:00Z',
      'Expiration Time: 2024-05-01T10:10:00Z',
      'Not Before: 2024-05-01T09:59:00.500+00:00',
      'Request ID: req-42',
      'Resources:',
      '- https://ceremony.example.org/terms',
    ]);
    const minimal = buildSiweMessage({
      domain: 'localhost:8080',
      address: ADDRESS.toLowerCase(),
      uri: 'http://localhost:8080',
      version: '1',
      chainId: 11155111,
      nonce: '12345678',
      issuedAt: '2024-05-01T10:00:00Z',
    });
    expect(minimal).toBe(
      `localhost:8080 wants you to sign in with your Ethereum account:\n${ADDRESS}\n\n\nURI: http://localhost:8080\nVersion: 1\nChain ID: 11155111\nNonce: 12345678\nIssued At: 2024-05-01T10:00:00Z`,
    );
    expect(buildSiweMessage(parseSiweMessage(minimal))).toBe(minimal);
  });

  it('round-trips build -> parse -> build for generated fields', () => {
    const token = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    const fields = fc.record(
      {
        scheme: fc.constantFrom('https', 'http', 'chrome-extension'),
        domain: token.map((t) => `${t}.example`),
        statement: fc.stringMatching(/^[A-Za-z0-9 .,:/?#@!$&'()*+;=_~-]{1,40}$/),
        uri: token.map((t) => `https://${t}.example/p?q=1#f`),
        chainId: fc.nat(),
        nonce: fc.stringMatching(/^[A-Za-z0-9]{8,20}$/),
        issuedAt: fc.constant('2024-05-01T10:00:00.123Z'),
        expirationTime: fc.constant('2030-01-01T00:00:00+02:00'),
        notBefore: fc.constant('2020-02-29T23:59:60Z'),
        requestId: fc.stringMatching(/^[A-Za-z0-9%:@-]{0,12}$/).filter((s) => !/%(?![0-9A-Fa-f]{2})/.test(s)),
        resources: fc.array(
          token.map((t) => `ipfs://${t}`),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['domain', 'uri', 'chainId', 'nonce', 'issuedAt'] },
    );
    fc.assert(
      fc.property(fields, (f) => {
        const full: SiweMessageFields = { ...f, address: ADDRESS, version: '1' };
        const text = buildSiweMessage(full);
        const parsed = parseSiweMessage(text);
        expect(parsed).toEqual(full);
        expect(buildSiweMessage(parsed)).toBe(text);
      }),
    );
  });

  it.each([
    ['no header', EIP_EXAMPLE.replace(' wants you to sign in', ' wants to sign in')],
    ['lowercase address', EIP_EXAMPLE.replace('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2')],
    ['bad checksum', EIP_EXAMPLE.replace('0xC02aaA39', '0xc02aaA39')],
    ['CRLF line ends', EIP_EXAMPLE.replace(/\n/g, '\r\n')],
    ['trailing newline', `${EIP_EXAMPLE}\n`],
    ['missing blank line', EIP_EXAMPLE.replace('Cc2\n\n', 'Cc2\n')],
    ['extra blank line', EIP_EXAMPLE.replace('\n\nURI:', '\n\n\nURI:')],
    ['version 2', EIP_EXAMPLE.replace('Version: 1', 'Version: 2')],
    ['chain id with leading zero', EIP_EXAMPLE.replace('Chain ID: 1', 'Chain ID: 01')],
    ['short nonce', EIP_EXAMPLE.replace('Nonce: 32891756', 'Nonce: 3289175')],
    ['nonce with symbol', EIP_EXAMPLE.replace('Nonce: 32891756', 'Nonce: 32891756!')],
    ['bad date', EIP_EXAMPLE.replace('2021-09-30T16:25:24Z', '2021-02-30T16:25:24Z')],
    ['date without zone', EIP_EXAMPLE.replace('2021-09-30T16:25:24Z', '2021-09-30T16:25:24')],
    ['fields out of order', EIP_EXAMPLE.replace('Version: 1\nChain ID: 1', 'Chain ID: 1\nVersion: 1')],
    ['unknown field', EIP_EXAMPLE.replace('Resources:', 'Colour: blue\nResources:')],
    ['resource without dash', EIP_EXAMPLE.replace('- https://example.com', 'https://example.com')],
    ['resource not a URI', EIP_EXAMPLE.replace('- https://example.com/my-web2-claim.json', '- not a uri')],
    ['statement with a quote', EIP_EXAMPLE.replace('I accept', 'I "accept"')],
    ['domain with a path', EIP_EXAMPLE.replace('service.org wants', 'service.org/x wants')],
    ['bad scheme', EIP_EXAMPLE.replace('service.org wants', '1http://service.org wants')],
    ['uri without scheme', EIP_EXAMPLE.replace('URI: https://service.org/login', 'URI: service.org/login')],
    ['empty', ''],
  ])('rejects a malformed message: %s', (_name, text) => {
    expect(codeOf(() => parseSiweMessage(text))).toBe('SIWE_MALFORMED');
  });

  it('refuses to build from malformed fields', () => {
    expect(codeOf(() => buildSiweMessage({ ...FIELDS, statement: 'two\nlines' }))).toBe('SIWE_MALFORMED');
    expect(codeOf(() => buildSiweMessage({ ...FIELDS, statement: '' }))).toBe('SIWE_MALFORMED');
    expect(codeOf(() => buildSiweMessage({ ...FIELDS, nonce: 'short' }))).toBe('SIWE_MALFORMED');
    expect(codeOf(() => buildSiweMessage({ ...FIELDS, chainId: -1 }))).toBe('SIWE_MALFORMED');
    expect(codeOf(() => buildSiweMessage({ ...FIELDS, address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756cC2' }))).toBe('SIWE_MALFORMED');
    expect(codeOf(() => buildSiweMessage({ ...FIELDS, issuedAt: 'yesterday' }))).toBe('SIWE_MALFORMED');
  });

  it('reads RFC 3339 date-times with offsets and fractions', () => {
    expect(parseRfc3339('2021-09-30T16:25:24Z')).toBe(Date.UTC(2021, 8, 30, 16, 25, 24));
    expect(parseRfc3339('2021-09-30T18:25:24.250+02:00')).toBe(Date.UTC(2021, 8, 30, 16, 25, 24, 250));
    expect(parseRfc3339('2021-09-30t16:25:24z')).toBe(Date.UTC(2021, 8, 30, 16, 25, 24));
    expect(parseRfc3339('2021-13-01T00:00:00Z')).toBeNull();
    expect(parseRfc3339('2021-09-30 16:25:24Z')).toBeNull();
  });
});

describe('EIP-191', () => {
  it('hashes "Hello World" to the published personal_sign digest', () => {
    expect(Buffer.from(personalMessageHash('Hello World')).toString('hex')).toBe('a1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2');
  });
});

describe('verifySiwe', () => {
  const message = buildSiweMessage(FIELDS);
  const signature = signSiwe(KEY, message);

  it('accepts a good sign-in and returns the checksummed address', () => {
    const result = verify(message, signature);
    expect(result.address).toBe(ADDRESS);
    expect(result.fields).toEqual(FIELDS);
    expect(signSiwe(KEY, FIELDS)).toBe(signature); // fields or text: same signature
    expect(verify(message, signature, { expectedDomain: 'CEREMONY.example.org', now: new Date(NOW) }).address).toBe(ADDRESS);
  });

  it('SIWE_MALFORMED', () => {
    expect(codeOf(() => verify(`${message}\n`, signature))).toBe('SIWE_MALFORMED');
  });

  it('SIWE_BAD_SIGNATURE: another signer, a tampered message, garbage', () => {
    const other = signSiwe('0x' + '22'.repeat(32), message);
    expect(codeOf(() => verify(message, other))).toBe('SIWE_BAD_SIGNATURE');
    const tampered = message.replace('Request ID: req-42', 'Request ID: req-43');
    expect(codeOf(() => verify(tampered, signature))).toBe('SIWE_BAD_SIGNATURE');
    expect(codeOf(() => verify(message, '0x1234'))).toBe('SIWE_BAD_SIGNATURE');
    expect(codeOf(() => verify(message, `${signature.slice(0, -2)}1d`))).toBe('SIWE_BAD_SIGNATURE');
  });

  it('SIWE_DOMAIN_MISMATCH, including the scheme when both sides give one', () => {
    expect(codeOf(() => verify(message, signature, { expectedDomain: 'evil.example.org' }))).toBe('SIWE_DOMAIN_MISMATCH');
    const withScheme = buildSiweMessage({ ...FIELDS, scheme: 'http' });
    const sig = signSiwe(KEY, withScheme);
    expect(codeOf(() => verify(withScheme, sig, { expectedScheme: 'https' }))).toBe('SIWE_DOMAIN_MISMATCH');
    expect(verify(withScheme, sig, { expectedScheme: 'HTTP' }).address).toBe(ADDRESS);
  });

  it('SIWE_NONCE_MISMATCH', () => {
    expect(codeOf(() => verify(message, signature, { expectedNonce: 'abcDEF1234567891' }))).toBe('SIWE_NONCE_MISMATCH');
  });

  it('SIWE_EXPIRED at and after the expiration time', () => {
    const expiry = Date.parse('2024-05-01T10:10:00Z');
    expect(codeOf(() => verify(message, signature, { now: expiry }))).toBe('SIWE_EXPIRED');
    expect(codeOf(() => verify(message, signature, { now: expiry + 60_000 }))).toBe('SIWE_EXPIRED');
    expect(verify(message, signature, { now: expiry - 1 }).address).toBe(ADDRESS);
    expect(verify(message, signature, { now: expiry, clockSkewMs: 1000 }).address).toBe(ADDRESS);
  });

  it('SIWE_NOT_YET_VALID before not-before', () => {
    const notBefore = Date.parse('2024-05-01T09:59:00.500Z');
    expect(codeOf(() => verify(message, signature, { now: notBefore - 1 }))).toBe('SIWE_NOT_YET_VALID');
    expect(verify(message, signature, { now: notBefore }).address).toBe(ADDRESS);
    expect(verify(message, signature, { now: notBefore - 1, clockSkewMs: 1 }).address).toBe(ADDRESS);
  });

  it('error objects carry their code and a readable message', () => {
    try {
      verify(message, signature, { expectedNonce: 'zzzzzzzz' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SiweError);
      expect(error).toBeInstanceOf(Error);
      expect((error as SiweError).code).toBe('SIWE_NONCE_MISMATCH');
      expect((error as SiweError).message).toMatch(/^SIWE_NONCE_MISMATCH: /);
    }
  });
});
