// GitHub OAuth login, authorization-code flow: redirect to GitHub with a signed state, then exchange
// the code for an access token, read /user, apply the account-age cutoff (anti-sybil), and answer the
// `git|<id>|@<login>` identity. The state is an HMAC-signed, expiring token (any replica can check it)
// that is also set as a cookie at the start and must come back with the callback (no login CSRF).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import { githubIdentity } from '../../engine/identity/identity.js';
import { IdentityError } from '../../engine/identity/errors.js';
import { apiBaseUrl } from './base-url.js';
import { checkSignedToken, issueSignedToken } from './signed-token.js';
import { fetchJson, upstreamUnavailable, type FetchLike } from './upstream.js';

const PURPOSE = 'github-oauth-state';
export const GITHUB_STATE_COOKIE = 'ceremony_github_state';
export const USER_AGENT = 'ceremony-coordinator';

export interface GithubSettings {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
  redirectUri: string;
  scope: string;
  /** Accounts created at or after this instant (ms) are refused. */
  createdBefore?: number;
  finishUrl?: string;
  stateTtlMs: number;
  timeoutMs: number;
  /** The OAuth device flow (RFC 8628) for the command-line contributor: GitHub's device code endpoint, when on. */
  deviceCodeUrl: string | undefined;
}

function readSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`cannot read auth.github.clientSecretFile ${file}: ${(err as Error).message}`);
  }
}

/** The GitHub settings, or undefined when GitHub login is not configured (no client id). */
export function githubSettings(cfg: Config): GithubSettings | undefined {
  const gh = cfg.auth.github;
  if (gh.clientId === undefined) return undefined;
  const clientSecret = gh.clientSecret ?? (gh.clientSecretFile === undefined ? undefined : readSecret(gh.clientSecretFile));
  if (clientSecret === undefined || clientSecret === '') {
    throw new ConfigError('auth.github.clientId is set: auth.github.clientSecret or auth.github.clientSecretFile is required');
  }
  return {
    clientId: gh.clientId,
    clientSecret,
    authorizeUrl: gh.authorizeUrl,
    tokenUrl: gh.tokenUrl,
    apiUrl: gh.apiUrl.replace(/\/+$/, ''),
    redirectUri: gh.redirectUri ?? `${apiBaseUrl(cfg)}/auth/github/callback`,
    scope: gh.scope,
    ...(gh.createdBefore === undefined ? {} : { createdBefore: Date.parse(gh.createdBefore) }),
    ...(gh.finishUrl === undefined ? {} : { finishUrl: gh.finishUrl }),
    stateTtlMs: gh.stateTtlSeconds * 1000,
    timeoutMs: gh.timeoutMs,
    deviceCodeUrl: gh.deviceFlow ? gh.deviceCodeUrl : undefined,
  };
}

/** Where to send the browser, and the state to bind to it (as a cookie). */
export function githubAuthorizeRedirect(secret: Uint8Array, settings: GithubSettings, now: number): { location: string; state: string } {
  const state = issueSignedToken(secret, PURPOSE, now + settings.stateTtlMs);
  const url = new URL(settings.authorizeUrl);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', settings.redirectUri);
  url.searchParams.set('state', state);
  if (settings.scope !== '') url.searchParams.set('scope', settings.scope);
  url.searchParams.set('allow_signup', 'false');
  return { location: url.href, state };
}

function badState(message: string): CeremonyError {
  return new CeremonyError('LOGIN_REJECTED', message, { reason: 'OAUTH_BAD_STATE' });
}

/** The callback's state must be one we issued, unexpired, and equal to the cookie set at the start. */
export function checkGithubState(secret: Uint8Array, state: string, cookie: string | undefined, now: number): void {
  const check = checkSignedToken(secret, PURPOSE, state, now);
  if (!check.ok) {
    throw badState(check.reason === 'expired' ? 'the login took too long; start again' : 'the OAuth state was not issued by this coordinator');
  }
  if (cookie !== state) throw badState('the OAuth state does not belong to this browser; start again');
}

const tokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), token_type: z.string().optional(), scope: z.string().optional() }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);

const userAnswer = z.object({
  id: z.number().int().nonnegative(),
  login: z.string().min(1),
  created_at: z.string().min(1),
});

async function exchangeCode(code: string, settings: GithubSettings, doFetch?: FetchLike): Promise<string> {
  const what = 'GitHub token endpoint';
  const form = new URLSearchParams({
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    code,
    redirect_uri: settings.redirectUri,
  });
  const { status, body } = await fetchJson(
    settings.tokenUrl,
    {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT },
      body: form.toString(),
    },
    { what, timeoutMs: settings.timeoutMs, ...(doFetch === undefined ? {} : { fetch: doFetch }) },
  );
  const parsed = tokenAnswer.safeParse(body);
  if (status !== 200 || !parsed.success) throw upstreamUnavailable(what, `unexpected answer (HTTP ${status})`);
  if ('error' in parsed.data) {
    if (parsed.data.error === 'bad_verification_code') {
      throw new CeremonyError('LOGIN_REJECTED', 'the GitHub authorization code is invalid or expired; start again', { reason: 'OAUTH_BAD_CODE' });
    }
    throw upstreamUnavailable(what, `GitHub refused the exchange (${parsed.data.error})`);
  }
  return parsed.data.access_token;
}

async function fetchUser(accessToken: string, settings: GithubSettings, doFetch?: FetchLike): Promise<z.infer<typeof userAnswer>> {
  const what = 'GitHub user API';
  const { status, body } = await fetchJson(
    `${settings.apiUrl}/user`,
    {
      method: 'GET',
      headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${accessToken}`, 'user-agent': USER_AGENT },
    },
    { what, timeoutMs: settings.timeoutMs, ...(doFetch === undefined ? {} : { fetch: doFetch }) },
  );
  if (status === 401) throw new CeremonyError('LOGIN_REJECTED', 'GitHub did not accept the access token', { reason: 'OAUTH_BAD_TOKEN' });
  const parsed = userAnswer.safeParse(body);
  if (status !== 200 || !parsed.success) throw upstreamUnavailable(what, `unexpected answer (HTTP ${status})`);
  return parsed.data;
}

/** Exchanges the code, reads the user, applies the age cutoff; returns `git|<id>|@<login>`. */
export async function githubLogin(code: string, settings: GithubSettings, doFetch?: FetchLike): Promise<string> {
  return githubIdentityOf(await exchangeCode(code, settings, doFetch), settings, doFetch);
}

/** Reads the user an access token belongs to and applies the age cutoff; returns `git|<id>|@<login>` (both flows). */
export async function githubIdentityOf(accessToken: string, settings: GithubSettings, doFetch?: FetchLike): Promise<string> {
  const user = await fetchUser(accessToken, settings, doFetch);
  if (settings.createdBefore !== undefined) {
    const created = Date.parse(user.created_at);
    if (!(created < settings.createdBefore)) {
      const cutoff = new Date(settings.createdBefore).toISOString();
      throw new CeremonyError('FORBIDDEN', `GitHub account @${user.login} was created at ${user.created_at}; this ceremony admits accounts created before ${cutoff} (anti-sybil rule)`, {
        reason: 'GITHUB_ACCOUNT_TOO_NEW',
        createdAt: user.created_at,
        createdBefore: cutoff,
      });
    }
  }
  try {
    return githubIdentity(user.id, user.login);
  } catch (err) {
    if (err instanceof IdentityError) throw upstreamUnavailable('GitHub user API', `unexpected user (${err.code})`, err);
    throw err;
  }
}
