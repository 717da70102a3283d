// Login and key routes:
//   POST /login                  {provider:'dev', name} | {provider:'siwe', message, signature} → {token, participantId, expiresAt}
//   GET  /auth/siwe/nonce        a stateless signed nonce and the domain/uri/chainId the SIWE message must carry
//   GET  /auth/github/start      302 to GitHub's authorize page with a signed state (also set as a cookie)
//   GET  /auth/github/callback   code + state → {token, participantId, expiresAt}, or 302 to auth.github.finishUrl#token=…
//   POST /auth/github/device     a GitHub device login (RFC 8628) begun: {deviceCode, userCode, verificationUri, interval, expiresIn, expiresAt}
//   POST /auth/github/device/token  {deviceCode} → pending / slow_down / complete {token, participantId, expiresAt}
//   GET  /auth/session           the caller's session (needs a token)
//   GET  /.well-known/jwks.json  the public session keys
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import { devIdentity } from '../../identity/providers/dev.js';
import { checkGithubState, GITHUB_STATE_COOKIE, githubAuthorizeRedirect, githubLogin, githubSettings } from '../../identity/providers/github.js';
import { DevicePollPacer, pollGithubDevice, startGithubDevice } from '../../identity/providers/github-device.js';
import { issueSiweChallenge, siweSettings, verifySiweLogin } from '../../identity/providers/siwe-login.js';
import type { FetchLike } from '../../identity/providers/upstream.js';
import {
  GithubCallbackQuerySchema,
  GithubDeviceTokenRequestSchema,
  LoginRequestSchema,
  type GithubDeviceStart,
  type GithubDeviceTokenAnswer,
  type LoginRequest,
  type LoginResponse,
} from '../contracts/auth.js';
import { jsonBody } from '../http/json-body.js';
import { bodyOf, validate } from '../http/validate.js';
import { mustSession } from './middleware.js';
import type { NonceLedger } from './nonce-ledger.js';
import type { Provider, SessionTokens } from './session.js';

export interface AuthRouteDeps {
  cfg: Config;
  tokens: SessionTokens;
  /** Where SIWE nonces are spent, shared by every replica. */
  nonces: NonceLedger;
  /** Clock in milliseconds; Date.now by default. */
  now?: () => number;
  /** fetch used for GitHub and the Ethereum JSON-RPC node; the global fetch by default. */
  fetch?: FetchLike;
}

/** The login body against its contract; the message names each bad field, and a GitHub login its own start. */
function parseLogin(body: unknown): LoginRequest {
  const parsed = LoginRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const provider = (body as { provider?: unknown } | null)?.provider;
  if (provider === 'github') throw new CeremonyError('VALIDATION_FAILED', 'GitHub login starts at GET /auth/github/start');
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new CeremonyError('VALIDATION_FAILED', `invalid login request: ${issues.join('; ')}`, { issues });
}

function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}

function stateCookie(value: string, maxAgeSeconds: number, redirectUri: string): string {
  const url = new URL(redirectUri);
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  return `${GITHUB_STATE_COOKIE}=${value}; Path=${url.pathname}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

export function authRoutes(deps: AuthRouteDeps): Router {
  const { cfg, tokens } = deps;
  const now = deps.now ?? Date.now;
  const secret = tokens.keys.hmacSecret;
  const siwe = siweSettings(cfg);
  const github = githubSettings(cfg);
  const pacer = new DevicePollPacer(cfg.auth.rateLimits.maxTrackedClients);
  const router = new Router();

  async function answerLogin(ctx: Context, identity: string, provider: Provider): Promise<void> {
    const { token, session } = await tokens.issue(identity, provider);
    noStore(ctx);
    const answer: LoginResponse = { token, participantId: session.participantId, expiresAt: session.expiresAt };
    ctx.body = answer;
  }

  router.post('/login', jsonBody(cfg.api.maxJsonBytes), async (ctx) => {
    const body = parseLogin(ctx.request.body);
    if (body.provider === 'dev') {
      await answerLogin(ctx, devIdentity(body.name, cfg.auth.dev.enabled), 'dev');
      return;
    }
    const identity = await verifySiweLogin(
      { message: body.message, signature: body.signature },
      { secret, settings: siwe, now: now(), spendNonce: (nonce, expiresAt) => deps.nonces.spend(nonce, expiresAt), ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }) },
    );
    await answerLogin(ctx, identity, 'siwe');
  });

  router.get('/auth/siwe/nonce', (ctx) => {
    noStore(ctx);
    ctx.body = issueSiweChallenge(secret, siwe, now());
  });

  router.get('/auth/github/start', (ctx) => {
    if (github === undefined) throw new CeremonyError('FORBIDDEN', 'GitHub login is not enabled on this coordinator');
    const { location, state } = githubAuthorizeRedirect(secret, github, now());
    noStore(ctx);
    ctx.set('Set-Cookie', stateCookie(state, Math.ceil(github.stateTtlMs / 1000), github.redirectUri));
    ctx.redirect(location);
  });

  router.get('/auth/github/callback', async (ctx) => {
    if (github === undefined) throw new CeremonyError('FORBIDDEN', 'GitHub login is not enabled on this coordinator');
    const denied = ctx.query['error'];
    if (typeof denied === 'string') {
      throw new CeremonyError('LOGIN_REJECTED', `GitHub did not authorize the login (${denied.slice(0, 64)})`, { reason: 'OAUTH_DENIED' });
    }
    const query = GithubCallbackQuerySchema.safeParse(ctx.query);
    if (!query.success) throw new CeremonyError('VALIDATION_FAILED', 'the callback needs the code and state query parameters');
    checkGithubState(secret, query.data.state, ctx.cookies.get(GITHUB_STATE_COOKIE), now());
    const identity = await githubLogin(query.data.code, github, deps.fetch);
    const { token, session } = await tokens.issue(identity, 'github');
    noStore(ctx);
    ctx.set('Set-Cookie', stateCookie('', 0, github.redirectUri));
    if (github.finishUrl !== undefined) {
      const fragment = new URLSearchParams({ token, participantId: session.participantId, expiresAt: String(session.expiresAt) });
      ctx.redirect(`${github.finishUrl.split('#')[0] ?? github.finishUrl}#${fragment.toString()}`);
      return;
    }
    const answer: LoginResponse = { token, participantId: session.participantId, expiresAt: session.expiresAt };
    ctx.body = answer;
  });

  router.post('/auth/github/device', async (ctx) => {
    if (github === undefined) throw new CeremonyError('FORBIDDEN', 'GitHub login is not enabled on this coordinator');
    const answer: GithubDeviceStart = await startGithubDevice(secret, github, now(), deps.fetch);
    noStore(ctx);
    ctx.body = answer;
  });

  router.post('/auth/github/device/token', jsonBody(cfg.api.maxJsonBytes), validate(GithubDeviceTokenRequestSchema), async (ctx) => {
    if (github === undefined) throw new CeremonyError('FORBIDDEN', 'GitHub login is not enabled on this coordinator');
    const { deviceCode } = bodyOf(ctx, GithubDeviceTokenRequestSchema);
    const poll = await pollGithubDevice(deviceCode, { secret, settings: github, pacer, now: now(), ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }) });
    noStore(ctx);
    if (poll.status !== 'authorized') {
      const answer: GithubDeviceTokenAnswer = poll;
      ctx.body = answer;
      return;
    }
    const { token, session } = await tokens.issue(poll.identity, 'github');
    const answer: GithubDeviceTokenAnswer = { status: 'complete', token, participantId: session.participantId, expiresAt: session.expiresAt };
    ctx.body = answer;
  });

  router.get('/auth/session', (ctx) => {
    noStore(ctx);
    ctx.body = mustSession(ctx);
  });

  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = tokens.jwks();
  });

  return router;
}
