// Sign-In with Ethereum end to end with real secp256k1 keys, the refusals, and the minimum-nonce rule
// against a loopback JSON-RPC stand-in.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';
import { buildSiweMessage, signSiwe, type SiweMessageFields } from '../../identity/siwe.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTemporal } from '../helpers/temporal.js';
import { bearer, call, postJson, readBody, sendJson, standIn, startTestApp as startAuthApp, tempDir, type TestApp, type TestAppOptions } from './helpers.js';

const KEY_A = '0x' + '11'.repeat(32);
const KEY_B = '0x' + '22'.repeat(32);
const ADDRESS_A = privateKeyToAddress(KEY_A);
const ADDRESS_B = privateKeyToAddress(KEY_B);

let clock = Date.now();
let app: TestApp;
/** A real Temporal dev server: where every app of this file spends its SIWE nonces (one ledger, as replicas share). */
let temporal: TestWorkflowEnvironment;

function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  return startAuthApp({ ...options, temporal: temporal.client });
}

beforeAll(async () => {
  temporal = await startTemporal();
  app = await startTestApp({ now: () => clock });
});

afterAll(async () => {
  await app?.close();
  await temporal?.teardown();
});

interface Challenge {
  nonce: string;
  domain: string;
  uri: string;
  chainId: number;
  expirationTime: string;
  expiresAt: number;
}

async function challenge(target: TestApp = app): Promise<Challenge> {
  const res = await call(`${target.url}/auth/siwe/nonce`);
  expect(res.status).toBe(200);
  return res.body as unknown as Challenge;
}

function message(c: Challenge, address: string, overrides: Partial<SiweMessageFields> = {}): string {
  return buildSiweMessage({
    domain: c.domain,
    address,
    statement: 'Sign in to the ceremony',
    uri: c.uri,
    version: '1',
    chainId: c.chainId,
    nonce: c.nonce,
    issuedAt: new Date(clock).toISOString(),
    expirationTime: c.expirationTime,
    ...overrides,
  });
}

async function login(target: TestApp, text: string, key: string) {
  return postJson(`${target.url}/login`, { provider: 'siwe', message: text, signature: signSiwe(key, text) });
}

describe('GET /auth/siwe/nonce', () => {
  it('hands out a fresh alphanumeric nonce with what the message must carry', async () => {
    const a = await challenge();
    const b = await challenge();
    expect(a.nonce).toMatch(/^[a-z0-9]{8,}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a).toMatchObject({ domain: '127.0.0.1:8080', uri: 'http://127.0.0.1:8080', chainId: 1, version: '1' });
    expect(a.expiresAt).toBeGreaterThan(clock + 590_000);
    expect(Date.parse(a.expirationTime)).toBe(a.expiresAt);
  });
});

describe('POST /login {provider: siwe}', () => {
  it('logs in with a signed message and answers eth|<lowercase address>', async () => {
    const c = await challenge();
    const res = await login(app, message(c, ADDRESS_A), KEY_A);
    expect(res.status).toBe(200);
    expect(res.body['participantId']).toBe(`eth|${ADDRESS_A.toLowerCase()}`);
    const me = await call(`${app.url}/whoami`, { headers: bearer(String(res.body['token'])) });
    expect(me.body).toMatchObject({ provider: 'siwe', participantId: `eth|${ADDRESS_A.toLowerCase()}` });
  });

  it('a signed message logs in once: the same message again is refused SIWE_NONCE_REUSED (hardening #7)', async () => {
    const text = message(await challenge(), ADDRESS_A);
    const signature = signSiwe(KEY_A, text);
    const first = await postJson(`${app.url}/login`, { provider: 'siwe', message: text, signature });
    expect(first.status).toBe(200);
    const again = await postJson(`${app.url}/login`, { provider: 'siwe', message: text, signature });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_NONCE_REUSED' } });
  });

  it('a nonce spent at one replica is spent at every replica; concurrent replays log in once', async () => {
    const shared = await tempDir('siwe-replicas-');
    const [one, two] = [await startTestApp({ dataDir: shared.dir }), await startTestApp({ dataDir: shared.dir })];
    try {
      const text = message(await challenge(one), ADDRESS_B);
      const signature = signSiwe(KEY_B, text);
      const tries = await Promise.all([one, two, one, two].map((target) => postJson(`${target.url}/login`, { provider: 'siwe', message: text, signature })));
      expect(tries.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
      for (const refused of tries.filter((r) => r.status === 401)) expect(refused.body).toMatchObject({ details: { reason: 'SIWE_NONCE_REUSED' } });
    } finally {
      await one.close();
      await two.close();
      await shared.remove();
    }
  });

  it('refuses a nonce we did not issue', async () => {
    const c = await challenge();
    const forged = `${c.nonce.slice(0, -1)}${c.nonce.endsWith('0') ? '1' : '0'}`;
    for (const nonce of ['abcdefgh12345678', forged]) {
      const res = await login(app, message({ ...c, nonce }, ADDRESS_A), KEY_A);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_NONCE_MISMATCH' } });
    }
  });

  it('refuses a nonce issued by another coordinator (another key)', async () => {
    const other = await startTestApp();
    try {
      const c = await challenge(other);
      const res = await login(app, message(c, ADDRESS_A), KEY_A);
      expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_NONCE_MISMATCH' } });
    } finally {
      await other.close();
    }
  });

  it('refuses an expired nonce', async () => {
    const c = await challenge();
    const text = message(c, ADDRESS_A, { expirationTime: new Date(clock + 3600_000).toISOString() });
    const saved = clock;
    clock += 601_000;
    try {
      const res = await login(app, text, KEY_A);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_NONCE_EXPIRED' } });
    } finally {
      clock = saved;
    }
  });

  it('refuses a message past its own Expiration Time', async () => {
    const c = await challenge();
    const res = await login(app, message(c, ADDRESS_A, { expirationTime: new Date(clock - 60_000).toISOString() }), KEY_A);
    expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_EXPIRED' } });
  });

  it('refuses another domain, URI or chain', async () => {
    const c = await challenge();
    const domain = await login(app, message(c, ADDRESS_A, { domain: 'evil.example' }), KEY_A);
    expect(domain.status).toBe(401);
    expect(domain.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_DOMAIN_MISMATCH' } });
    const uri = await login(app, message(c, ADDRESS_A, { uri: 'https://evil.example/' }), KEY_A);
    expect(uri.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_URI_MISMATCH' } });
    const chain = await login(app, message(c, ADDRESS_A, { chainId: 5 }), KEY_A);
    expect(chain.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_CHAIN_MISMATCH' } });
  });

  it('refuses a signature by another key, or one that is not a signature', async () => {
    const c = await challenge();
    const text = message(c, ADDRESS_A);
    const other = await login(app, text, KEY_B);
    expect(other.status).toBe(401);
    expect(other.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_BAD_SIGNATURE' } });
    const garbage = await postJson(`${app.url}/login`, { provider: 'siwe', message: text, signature: '0x1234' });
    expect(garbage.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'SIWE_BAD_SIGNATURE' } });
  });

  it('answers a malformed message with VALIDATION_FAILED', async () => {
    const res = await postJson(`${app.url}/login`, { provider: 'siwe', message: 'hello', signature: '0x00' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: 'SIWE_MALFORMED' } });
  });
});

describe('minimum nonce (anti-sybil) against a JSON-RPC stand-in', () => {
  const counts = new Map<string, number>([
    [ADDRESS_A.toLowerCase(), 5],
    [ADDRESS_B.toLowerCase(), 1],
  ]);
  const seen: unknown[] = [];
  let rpc: Awaited<ReturnType<typeof standIn>>;
  let guarded: TestApp;

  const handler: http.RequestListener = (req, res) => {
    void readBody(req).then((text) => {
      const request = JSON.parse(text) as { id: number; method: string; params: [string, string] };
      seen.push(request);
      if (request.method !== 'eth_getTransactionCount') {
        sendJson(res, 200, { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'method not found' } });
        return;
      }
      const count = counts.get(request.params[0].toLowerCase()) ?? 0;
      sendJson(res, 200, { jsonrpc: '2.0', id: request.id, result: `0x${count.toString(16)}` });
    });
  };

  beforeAll(async () => {
    rpc = await standIn(handler);
    guarded = await startTestApp({ auth: { siwe: { minNonce: 3, rpcUrl: rpc.url } } });
  });

  afterAll(async () => {
    await guarded?.close();
    await rpc?.close();
  });

  it('admits an address at or above the minimum', async () => {
    const res = await login(guarded, message(await challenge(guarded), ADDRESS_A), KEY_A);
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ jsonrpc: '2.0', method: 'eth_getTransactionCount', params: [ADDRESS_A, 'latest'] });
  });

  it('refuses an address below the minimum with FORBIDDEN and a clear message', async () => {
    const res = await login(guarded, message(await challenge(guarded), ADDRESS_B), KEY_B);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'SIWE_MIN_NONCE', required: 3, actual: 1 } });
    expect(String(res.body['message'])).toMatch(/at least 3/);
  });

  it('answers UPSTREAM_UNAVAILABLE when the node is down or silent', async () => {
    const down = await standIn(() => undefined);
    const downUrl = down.url;
    await down.close();
    const silent = await standIn(() => undefined);
    try {
      for (const [rpcUrl, pattern] of [
        [downUrl, /request failed/],
        [silent.url, /no answer within 300 ms/],
      ] as const) {
        const target = await startTestApp({ auth: { siwe: { minNonce: 3, rpcUrl, rpcTimeoutMs: 300 } } });
        try {
          const res = await login(target, message(await challenge(target), ADDRESS_A), KEY_A);
          expect(res.status).toBe(502);
          expect(res.body['code']).toBe('UPSTREAM_UNAVAILABLE');
          expect(String(res.body['message'])).toMatch(pattern);
        } finally {
          await target.close();
        }
      }
    } finally {
      await silent.close();
    }
  });

  it('a node error answer is UPSTREAM_UNAVAILABLE too', async () => {
    const failing = await standIn((req, res) => {
      void readBody(req).then(() => sendJson(res, 200, { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'header not found' } }));
    });
    const target = await startTestApp({ auth: { siwe: { minNonce: 3, rpcUrl: failing.url } } });
    try {
      const res = await login(target, message(await challenge(target), ADDRESS_A), KEY_A);
      expect(res.status).toBe(502);
      expect(String(res.body['message'])).toMatch(/header not found/);
    } finally {
      await target.close();
      await failing.close();
    }
  });
});
