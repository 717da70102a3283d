// GitHub OAuth (authorization-code flow) against a loopback stand-in speaking GitHub's protocol:
// the authorize redirect, POST /login/oauth/access_token, GET /user with a Bearer token.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, call, readBody, sendJson, standIn, startTestApp, type TestApp } from './helpers.js';

const CLIENT_ID = 'Iv1.test-client';
const CLIENT_SECRET = 'shh-very-secret';

interface FakeUser {
  id: number;
  login: string;
  created_at: string;
}

/** The login each authorization code stands for (the stand-in's "signed-in browser"). */
let nextUser: FakeUser = { id: 583231, login: 'Octocat', created_at: '2011-01-25T18:44:36Z' };
const codes = new Map<string, FakeUser>();
const accessTokens = new Map<string, FakeUser>();
const tokenRequests: Array<Record<string, string>> = [];
let github: Awaited<ReturnType<typeof standIn>>;
let app: TestApp;

const handler: http.RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
    const code = `code${codes.size + 1}`;
    codes.set(code, nextUser);
    const back = new URL(url.searchParams.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { location: back.href });
    res.end();
    return;
  }
  if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
    void readBody(req).then((text) => {
      const form = Object.fromEntries(new URLSearchParams(text));
      tokenRequests.push({ ...form, accept: String(req.headers.accept) });
      const user = codes.get(form['code'] ?? '');
      if (form['client_id'] !== CLIENT_ID || form['client_secret'] !== CLIENT_SECRET) {
        sendJson(res, 200, { error: 'incorrect_client_credentials' });
      } else if (user === undefined) {
        sendJson(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      } else {
        codes.delete(form['code'] ?? '');
        const token = `gho_${accessTokens.size + 1}`;
        accessTokens.set(token, user);
        sendJson(res, 200, { access_token: token, token_type: 'bearer', scope: '' });
      }
    });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/user') {
    const user = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (user === undefined) sendJson(res, 401, { message: 'Bad credentials' });
    else sendJson(res, 200, { ...user, type: 'User' });
    return;
  }
  sendJson(res, 404, { message: 'Not Found' });
};

function githubAuth(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    github: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authorizeUrl: `${github.url}/login/oauth/authorize`,
      tokenUrl: `${github.url}/login/oauth/access_token`,
      apiUrl: github.url,
      createdBefore: '2023-06-01',
      ...extra,
    },
  };
}

beforeAll(async () => {
  github = await standIn(handler);
  app = await startTestApp({ auth: githubAuth() });
});

afterAll(async () => {
  await app?.close();
  await github?.close();
});

/** Start → stand-in authorize → back to our callback URL; answers the callback URL and the state cookie. */
async function authorize(target: TestApp = app): Promise<{ callback: string; cookie: string; state: string }> {
  const start = await fetch(`${target.url}/auth/github/start`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get('location') ?? '');
  const setCookie = start.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const consent = await fetch(location, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  return { callback: consent.headers.get('location') ?? '', cookie, state: location.searchParams.get('state') ?? '' };
}

describe('GitHub OAuth', () => {
  it('start redirects to the authorize URL with client_id, redirect_uri and a signed state set as a cookie', async () => {
    const start = await fetch(`${app.url}/auth/github/start`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${github.url}/login/oauth/authorize`);
    expect(location.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(location.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8080/auth/github/callback');
    const state = location.searchParams.get('state') ?? '';
    expect(state).toMatch(/^[0-9a-f]{76}$/);
    expect(location.href).not.toContain(CLIENT_SECRET);
    const cookie = start.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`ceremony_github_state=${state}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/auth\/github\/callback/);
  });

  it('the callback exchanges the code, reads /user and answers a session for git|<id>|@<login>', async () => {
    nextUser = { id: 583231, login: 'Octocat', created_at: '2011-01-25T18:44:36Z' };
    const { callback, cookie } = await authorize();
    const res = await call(callback.replace('http://127.0.0.1:8080', app.url), { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'participantId', 'token']);
    expect(res.body['participantId']).toBe('git|583231|@octocat');
    const exchange = tokenRequests.at(-1);
    expect(exchange).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: 'http://127.0.0.1:8080/auth/github/callback', accept: 'application/json' });
    const me = await call(`${app.url}/whoami`, { headers: bearer(String(res.body['token'])) });
    expect(me.body).toMatchObject({ provider: 'github', participantId: 'git|583231|@octocat' });
  });

  it('refuses a bad state: tampered, missing its cookie, or from another browser', async () => {
    const { callback, cookie, state } = await authorize();
    const local = new URL(callback.replace('http://127.0.0.1:8080', app.url));
    const flipped = `${state.slice(0, -1)}${state.endsWith('0') ? '1' : '0'}`;
    const tampered = new URL(local);
    tampered.searchParams.set('state', flipped);
    const other = await authorize();
    const cases: Array<[URL, string]> = [
      [tampered, `ceremony_github_state=${flipped}`],
      [local, ''],
      [local, other.cookie],
    ];
    for (const [url, cookieHeader] of cases) {
      const res = await call(url.href, { headers: cookieHeader === '' ? {} : { cookie: cookieHeader } });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'OAUTH_BAD_STATE' } });
    }
    // The untouched pair still works.
    expect((await call(local.href, { headers: { cookie } })).status).toBe(200);
  });

  it('refuses an expired state', async () => {
    let clock = Date.now();
    const timed = await startTestApp({ auth: githubAuth(), now: () => clock });
    try {
      const { callback, cookie } = await authorize(timed);
      clock += 601_000;
      const res = await call(callback.replace('http://127.0.0.1:8080', timed.url), { headers: { cookie } });
      expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'OAUTH_BAD_STATE' } });
      expect(String(res.body['message'])).toMatch(/too long/);
    } finally {
      await timed.close();
    }
  });

  it('refuses an account created at or after the cutoff with FORBIDDEN', async () => {
    for (const createdAt of ['2024-02-02T10:00:00Z', '2023-06-01T00:00:00Z']) {
      nextUser = { id: 99, login: 'fresh-account', created_at: createdAt };
      const { callback, cookie } = await authorize();
      const res = await call(callback.replace('http://127.0.0.1:8080', app.url), { headers: { cookie } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'GITHUB_ACCOUNT_TOO_NEW' } });
      expect(String(res.body['message'])).toMatch(/created before 2023-06-01/);
    }
  });

  it('refuses a code GitHub does not know, and a denied authorization', async () => {
    const { callback, cookie } = await authorize();
    const url = new URL(callback.replace('http://127.0.0.1:8080', app.url));
    url.searchParams.set('code', 'made-up');
    const res = await call(url.href, { headers: { cookie } });
    expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'OAUTH_BAD_CODE' } });
    const denied = await call(`${app.url}/auth/github/callback?error=access_denied&state=x`);
    expect(denied.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'OAUTH_DENIED' } });
  });

  it('redirects to finishUrl#token=… when configured', async () => {
    nextUser = { id: 7, login: 'seven', created_at: '2015-01-01T00:00:00Z' };
    const finishing = await startTestApp({ auth: githubAuth({ finishUrl: 'https://ceremony.example/done' }) });
    try {
      const { callback, cookie } = await authorize(finishing);
      const res = await fetch(callback.replace('http://127.0.0.1:8080', finishing.url), { headers: { cookie }, redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe('https://ceremony.example/done');
      const fragment = new URLSearchParams(location.hash.slice(1));
      expect(fragment.get('participantId')).toBe('git|7|@seven');
      expect((await finishing.tokens.verify(fragment.get('token') ?? '')).participantId).toBe('git|7|@seven');
    } finally {
      await finishing.close();
    }
  });

  it('a wrong client secret or an unreachable GitHub is UPSTREAM_UNAVAILABLE, and the secret is never echoed', async () => {
    const wrong = await startTestApp({ auth: githubAuth({ clientSecret: 'not-the-secret' }) });
    try {
      const { callback, cookie } = await authorize(wrong);
      const res = await call(callback.replace('http://127.0.0.1:8080', wrong.url), { headers: { cookie } });
      expect(res.status).toBe(502);
      expect(res.body['code']).toBe('UPSTREAM_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toContain('not-the-secret');
    } finally {
      await wrong.close();
    }
    const gone = await standIn(() => undefined);
    const goneUrl = gone.url;
    await gone.close();
    const unreachable = await startTestApp({ auth: githubAuth({ tokenUrl: `${goneUrl}/login/oauth/access_token` }) });
    try {
      const { callback, cookie } = await authorize(unreachable);
      const res = await call(callback.replace('http://127.0.0.1:8080', unreachable.url), { headers: { cookie } });
      expect(res.status).toBe(502);
      expect(res.body['code']).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await unreachable.close();
    }
  });

  it('is FORBIDDEN when GitHub login is not configured', async () => {
    const plain = await startTestApp();
    try {
      const res = await call(`${plain.url}/auth/github/start`);
      expect(res.status).toBe(403);
      expect(res.body['code']).toBe('FORBIDDEN');
    } finally {
      await plain.close();
    }
  });
});
