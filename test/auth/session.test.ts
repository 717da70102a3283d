// Session tokens: issue/verify, the refusals (expired, forged, alg none, wrong aud/iss), admin claims,
// configured and persisted keys, and the public JWK set — through a real server where it matters.
import { generateKeyPairSync } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { base64url, createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionTokens } from '../../api/auth/session.js';
import { CeremonyError } from '../../common/errors.js';
import { bearer, call, postJson, startTestApp, tempDir, testConfig, type TestApp } from './helpers.js';

let app: TestApp;
let scratch: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  scratch = await tempDir('auth-scratch-');
  app = await startTestApp({ auth: { dev: { enabled: true }, admins: ['dev|alice'] } });
});

afterAll(async () => {
  await app?.close();
  await scratch?.remove();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CeremonyError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('issue and verify', () => {
  it('carries sub, provider, sid, iat, exp, iss, aud and round-trips to a Session', async () => {
    const { token, session } = await app.tokens.issue('dev|carol', 'dev');
    const parts = token.split('.');
    expect(parts).toHaveLength(3);
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(parts[0] ?? ''))) as Record<string, unknown>;
    expect(header['alg']).toBe('EdDSA');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(parts[1] ?? ''))) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'dev|carol', provider: 'dev', iss: 'ceremony-coordinator', aud: 'ceremony' });
    expect(claims['exp']).toBe((claims['iat'] as number) + 86_400);
    expect(typeof claims['sid']).toBe('string');
    expect(claims['adm']).toBeUndefined();
    const verified = await app.tokens.verify(token);
    expect(verified).toEqual(session);
    expect(verified).toMatchObject({ participantId: 'dev|carol', identity: 'dev|carol', provider: 'dev', admin: false });
    const other = await app.tokens.issue('dev|carol', 'dev');
    expect(other.session.sessionId).not.toBe(session.sessionId);
  });

  it('a login token opens a protected route; its absence is UNAUTHENTICATED', async () => {
    const login = await postJson(`${app.url}/login`, { provider: 'dev', name: 'dave' });
    expect(login.status).toBe(200);
    const me = await call(`${app.url}/whoami`, { headers: bearer(String(login.body['token'])) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ participantId: 'dev|dave', provider: 'dev', admin: false });
    expect(me.body['expiresAt']).toBe(login.body['expiresAt']);
    const anonymous = await call(`${app.url}/whoami`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body['code']).toBe('UNAUTHENTICATED');
    const session = await call(`${app.url}/auth/session`, { headers: bearer(String(login.body['token'])) });
    expect(session.body['participantId']).toBe('dev|dave');
  });
});

describe('refusals, each a 401 with its code', () => {
  it('expired → TOKEN_EXPIRED', async () => {
    const past = await createSessionTokens(app.cfg, { now: () => Date.now() - 25 * 3600_000 });
    const { token } = await past.issue('dev|erin', 'dev');
    const res = await call(`${app.url}/whoami`, { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('TOKEN_EXPIRED');
  });

  it('forged (signed by another key, same iss and aud) → INVALID_TOKEN', async () => {
    const forger = await createSessionTokens(testConfig(scratch.dir));
    const { token } = await forger.issue('dev|alice', 'dev');
    const res = await call(`${app.url}/whoami`, { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('INVALID_TOKEN');
  });

  it('alg none (an unsigned, hand-built token) → INVALID_TOKEN', async () => {
    const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: 'dev|alice', provider: 'dev', sid: 'x', iat: now, exp: now + 600, iss: 'ceremony-coordinator', aud: 'ceremony', adm: true };
    for (const token of [`${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`, `${enc({ alg: 'none' })}.${enc(payload)}`]) {
      const res = await call(`${app.url}/whoami`, { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(res.body['code']).toBe('INVALID_TOKEN');
    }
  });

  it('HS256 keyed with the public key (algorithm confusion) → INVALID_TOKEN', async () => {
    const jwk = app.tokens.jwks().keys[0];
    const secret = new TextEncoder().encode(String(jwk?.x));
    const token = await new SignJWT({ provider: 'dev', sid: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dev|alice')
      .setIssuer('ceremony-coordinator')
      .setAudience('ceremony')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    const res = await call(`${app.url}/whoami`, { headers: bearer(token) });
    expect(res.body['code']).toBe('INVALID_TOKEN');
  });

  it('wrong audience or issuer, even under the right key → INVALID_TOKEN', async () => {
    const otherAud = await createSessionTokens(testConfig(app.cfg.dataDir, { audience: 'another-ceremony' }));
    const otherIss = await createSessionTokens(testConfig(app.cfg.dataDir, { issuer: 'someone-else' }));
    expect(otherAud.keys.kid).toBe(app.tokens.keys.kid);
    for (const tokens of [otherAud, otherIss]) {
      const { token } = await tokens.issue('dev|alice', 'dev');
      const res = await call(`${app.url}/whoami`, { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(res.body['code']).toBe('INVALID_TOKEN');
    }
  });

  it('garbage, a tampered payload, or a non-Bearer header → INVALID_TOKEN', async () => {
    const { token } = await app.tokens.issue('dev|bob', 'dev');
    const [h, , s] = token.split('.');
    const tampered = `${h}.${base64url.encode(JSON.stringify({ sub: 'dev|alice', provider: 'dev', sid: 'x', iat: 1, exp: 9e9, adm: true }))}.${s}`;
    for (const headers of [bearer('not-a-jwt'), bearer(tampered), { authorization: `Basic ${token}` }]) {
      const res = await call(`${app.url}/whoami`, { headers });
      expect(res.status).toBe(401);
      expect(res.body['code']).toBe('INVALID_TOKEN');
    }
  });

  it('a public route treats a bad token as anonymous', async () => {
    const res = await call(`${app.url}/public`, { headers: bearer('not-a-jwt') });
    expect(res.status).toBe(200);
  });
});

describe('admins', () => {
  it('adm is set only for configured admins, and /admin is FORBIDDEN to others', async () => {
    const alice = await postJson(`${app.url}/login`, { provider: 'dev', name: 'alice' });
    const bob = await postJson(`${app.url}/login`, { provider: 'dev', name: 'bob' });
    const aliceClaims = JSON.parse(new TextDecoder().decode(base64url.decode(String(alice.body['token']).split('.')[1] ?? '')));
    const bobClaims = JSON.parse(new TextDecoder().decode(base64url.decode(String(bob.body['token']).split('.')[1] ?? '')));
    expect(aliceClaims.adm).toBe(true);
    expect(bobClaims.adm).toBeUndefined();
    expect((await call(`${app.url}/admin`, { headers: bearer(String(alice.body['token'])) })).status).toBe(200);
    const refused = await call(`${app.url}/admin`, { headers: bearer(String(bob.body['token'])) });
    expect(refused.status).toBe(403);
    expect(refused.body['code']).toBe('FORBIDDEN');
    const anonymous = await call(`${app.url}/admin`);
    expect(anonymous.body['code']).toBe('UNAUTHENTICATED');
  });

  it('an admin removed from the configuration loses admin on verify', async () => {
    const { token } = await app.tokens.issue('dev|alice', 'dev');
    const without = await createSessionTokens(testConfig(app.cfg.dataDir));
    expect((await without.verify(token)).admin).toBe(false);
    expect((await app.tokens.verify(token)).admin).toBe(true);
  });

  it('admins can be given as one comma-separated string (one environment variable)', () => {
    const cfg = testConfig(scratch.dir, { admins: 'dev|alice, eth|0x00000000000000000000000000000000000000aa' });
    expect(cfg.auth.admins).toEqual(['dev|alice', 'eth|0x00000000000000000000000000000000000000aa']);
  });
});

describe('keys', () => {
  it("a generated key persists under <dataDir>/keys with mode 0600; a second instance verifies the first one's tokens", async () => {
    const { dir, remove } = await tempDir('auth-keys-');
    try {
      const first = await createSessionTokens(testConfig(dir));
      const { token } = await first.issue('dev|frank', 'dev');
      const files = await readdir(path.join(dir, 'keys'));
      expect(files).toEqual(['session-ed25519.pem']);
      expect((await stat(path.join(dir, 'keys', 'session-ed25519.pem'))).mode & 0o777).toBe(0o600);
      const second = await createSessionTokens(testConfig(dir));
      expect(second.keys.kid).toBe(first.keys.kid);
      expect((await second.verify(token)).participantId).toBe('dev|frank');
    } finally {
      await remove();
    }
  });

  it('concurrent first starts on one dataDir agree on one key', async () => {
    const { dir, remove } = await tempDir('auth-race-');
    try {
      const all = await Promise.all([1, 2, 3, 4].map(() => createSessionTokens(testConfig(dir))));
      expect(new Set(all.map((t) => t.keys.kid)).size).toBe(1);
    } finally {
      await remove();
    }
  });

  it('GET /.well-known/jwks.json serves the public key only, and it verifies a session token', async () => {
    const res = await call(`${app.url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const keys = res.body['keys'] as Array<Record<string, unknown>>;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: app.tokens.keys.kid });
    expect(keys[0]?.['d']).toBeUndefined();
    const { token } = await app.tokens.issue('dev|gina', 'dev');
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: keys as never }), { issuer: 'ceremony-coordinator', audience: 'ceremony' });
    expect(payload.sub).toBe('dev|gina');
  });

  it('ES256 with a configured PEM key (inline or file) and a JWK; refuses EdDSA tokens', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
    const file = path.join(scratch.dir, 'es256.pem');
    await writeFile(file, pem, { mode: 0o600 });
    const inline = await createSessionTokens(testConfig(scratch.dir, { algorithm: 'ES256', signingKey: pem }));
    const fromFile = await createSessionTokens(testConfig(scratch.dir, { algorithm: 'ES256', signingKeyFile: file }));
    const fromJwk = await createSessionTokens(testConfig(scratch.dir, { algorithm: 'ES256', signingKey: jwk }));
    expect(fromFile.keys.kid).toBe(inline.keys.kid);
    expect(fromJwk.keys.kid).toBe(inline.keys.kid);
    expect(inline.jwks().keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    const { token } = await inline.issue('dev|hank', 'dev');
    expect((await fromJwk.verify(token)).participantId).toBe('dev|hank');
    const eddsa = await app.tokens.issue('dev|hank', 'dev');
    expect(await codeOf(inline.verify(eddsa.token))).toBe('INVALID_TOKEN');
    expect(await codeOf(app.tokens.verify(token))).toBe('INVALID_TOKEN');
  });

  it('a configured key of the wrong type, or not a key, stops the start', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await expect(createSessionTokens(testConfig(scratch.dir, { signingKey: pem }))).rejects.toThrow(/not an Ed25519 key/);
    await expect(createSessionTokens(testConfig(scratch.dir, { signingKey: 'hello' }))).rejects.toThrow(/not a private PEM or JWK/);
    const publicOnly = JSON.stringify(app.tokens.jwks().keys[0]);
    await expect(createSessionTokens(testConfig(scratch.dir, { signingKey: publicOnly }))).rejects.toThrow(/no private part/);
  });
});
