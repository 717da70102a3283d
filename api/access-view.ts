// What /ceremony/info publishes in either mode: the receipt keys, their fingerprints, where the
// session keys are, and the ways to log in (from the configuration: the page shows only those).
import type { JWK } from 'jose';
import type { z } from 'zod';
import type { Config } from '../common/config.js';
import { githubSettings } from '../identity/providers/github.js';
import type { Logins } from './contracts/auth.js';
import type { AccessView } from './contracts/ceremony.js';

export const SESSION_KEYS_URL = '/.well-known/jwks.json';

/**
 * The logins a configuration enables for a browser; Sign-In with Ethereum needs no settings of its
 * own. GitHub's web login hands the session back to a page only through auth.github.finishUrl.
 */
export function loginsOf(cfg: Config): Logins {
  const github = githubSettings(cfg);
  return { dev: cfg.auth.dev.enabled, siwe: true, github: github !== undefined && github.finishUrl !== undefined };
}

export function accessView(keys: readonly JWK[], logins: Logins): z.infer<typeof AccessView> {
  const published = keys.flatMap((k) => (k.kty === undefined ? [] : [{ ...k, kty: k.kty }]));
  return {
    receiptKeys: { keys: published },
    receiptKeyFingerprints: published.flatMap((k) => (k.kid === undefined ? [] : [k.kid])),
    sessionKeysUrl: SESSION_KEYS_URL,
    logins,
  };
}
