// The auth settings: defaults, environment variables, and the combinations refused at start.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRoutes } from '../../api/auth/routes.js';
import { createSessionTokens } from '../../api/auth/session.js';
import { loadConfig } from '../../common/config.js';
import { githubSettings } from '../../identity/providers/github.js';
import { siweSettings } from '../../identity/providers/siwe-login.js';
import { tempDir } from './helpers.js';

let scratch: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  scratch = await tempDir('auth-config-');
});

afterAll(async () => {
  await scratch?.remove();
});

describe('auth configuration', () => {
  it("has the seed's defaults", () => {
    const cfg = loadConfig({ env: {} });
    expect(cfg.auth).toMatchObject({
      algorithm: 'EdDSA',
      sessionTtlSeconds: 86_400,
      admins: [],
      dev: { enabled: false },
      siwe: { chainId: 1, minNonce: 0 },
      rateLimits: {
        enabled: true,
        login: { limit: 50, windowSeconds: 3600 },
        unauthenticated: { limit: 100, windowSeconds: 3600 },
        authenticated: { limit: 50, windowSeconds: 60 },
      },
    });
  });

  it('reads its environment variables, the GitHub secret from a file', async () => {
    const secretFile = path.join(scratch.dir, 'github-secret');
    await writeFile(secretFile, 'from-a-file\n', { mode: 0o600 });
    const cfg = loadConfig({
      env: {
        CEREMONY_DATA_DIR: scratch.dir,
        CEREMONY_ADMINS: 'dev|root,eth|0x00000000000000000000000000000000000000aa',
        CEREMONY_DEV_LOGIN: 'true',
        CEREMONY_SESSION_TTL_SECONDS: '3600',
        CEREMONY_PUBLIC_URL: 'https://ceremony.example.org/',
        CEREMONY_SIWE_MIN_NONCE: '2',
        CEREMONY_SIWE_RPC_URL: 'http://127.0.0.1:8545',
        CEREMONY_GITHUB_CLIENT_ID: 'abc',
        CEREMONY_GITHUB_CLIENT_SECRET_FILE: secretFile,
        CEREMONY_GITHUB_CREATED_BEFORE: '2023-01-01T00:00:00Z',
        CEREMONY_RATE_LIMITS: 'false',
      },
    });
    expect(cfg.auth.admins).toEqual(['dev|root', 'eth|0x00000000000000000000000000000000000000aa']);
    expect(cfg.auth.dev.enabled).toBe(true);
    expect(cfg.auth.sessionTtlSeconds).toBe(3600);
    expect(cfg.auth.rateLimits.enabled).toBe(false);
    expect(siweSettings(cfg)).toMatchObject({ domain: 'ceremony.example.org', uri: 'https://ceremony.example.org', minNonce: 2 });
    const gh = githubSettings(cfg);
    expect(gh).toMatchObject({ clientSecret: 'from-a-file', redirectUri: 'https://ceremony.example.org/auth/github/callback' });
    expect(gh?.createdBefore).toBe(Date.UTC(2023, 0, 1));
  });

  it('refuses contradictory or incomplete settings', async () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ siwe: { minNonce: 1 } }, /auth\.siwe\.rpcUrl/],
      [{ signingKey: 'x', signingKeyFile: '/x' }, /auth\.signingKeyFile/],
      [{ github: { clientSecret: 'a', clientSecretFile: '/a' } }, /auth\.github\.clientSecretFile/],
      [{ algorithm: 'HS256' }, /auth\.algorithm/],
      [{ admins: ['alice'] }, /auth\.admins/],
      [{ github: { createdBefore: 'last tuesday' } }, /auth\.github\.createdBefore/],
      [{ rateLimits: { login: { limit: 0 } } }, /auth\.rateLimits\.login\.limit/],
    ];
    for (const [auth, pattern] of bad) {
      expect(() => loadConfig({ env: {}, overrides: { auth } }), JSON.stringify(auth)).toThrow(pattern);
    }
    const cfg = loadConfig({ env: {}, overrides: { dataDir: scratch.dir, auth: { github: { clientId: 'abc' } } } });
    const tokens = await createSessionTokens(cfg);
    expect(() => authRoutes({ cfg, tokens, nonces: { spend: () => Promise.resolve(true) } })).toThrow(/clientSecret or auth\.github\.clientSecretFile is required/);
  });
});
