// GitHub login through the OAuth device flow (RFC 8628), against a loopback stand-in speaking
// GitHub's protocol (test/helpers/github-device-stand-in.ts): the coordinator's endpoints, driven by
// the client library the CLI uses (client/github-device.ts), and each refusal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { githubDeviceLogin, nextPollSeconds, type DeviceCodePrompt, type GithubDeviceEvent } from '../../client/github-device.js';
import { ApiError } from '../../client/http.js';
import { devicePollTooSoon, DevicePollPacer, openDeviceCode, sealDeviceCode } from '../../identity/providers/github-device.js';
import { githubDeviceAuth, OCTOCAT, startGithubDeviceStandIn, type GithubDeviceStandIn } from '../helpers/github-device-stand-in.js';
import { bearer, call, postJson, startTestApp, type TestApp } from './helpers.js';

let github: GithubDeviceStandIn;
let app: TestApp;

beforeAll(async () => {
  github = await startGithubDeviceStandIn();
  app = await startTestApp({ auth: { github: githubDeviceAuth(github, { createdBefore: '2023-06-01' }) } });
});

afterAll(async () => {
  await app?.close();
  await github?.close();
});

beforeEach(() => {
  github.interval = 1;
  github.expiresIn = 900;
  github.next = { script: ['authorization_pending', 'approve'], user: OCTOCAT };
});

async function start(target: TestApp = app): Promise<Record<string, unknown>> {
  const res = await call(`${target.url}/auth/github/device`, { method: 'POST' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const poll = (deviceCode: string, target: TestApp = app) => postJson(`${target.url}/auth/github/device/token`, { deviceCode });

/** Logs in with the client library; answers the session, what the person was shown, and the events. */
async function login(): Promise<{ session: Awaited<ReturnType<typeof githubDeviceLogin>>; prompts: DeviceCodePrompt[]; events: GithubDeviceEvent[] }> {
  const prompts: DeviceCodePrompt[] = [];
  const events: GithubDeviceEvent[] = [];
  const session = await githubDeviceLogin(app.url, { onCode: (p) => prompts.push(p), onEvent: (e) => events.push(e) });
  return { session, prompts, events };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string; reason: unknown }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  const api = err as ApiError;
  return { status: api.status, code: api.code, reason: api.details?.['reason'] };
}

describe('GitHub device flow', () => {
  it('starts with the client id only, and hands out the codes with the device code signed, never stored', async () => {
    const before = github.deviceRequests.length;
    const res = await call(`${app.url}/auth/github/device`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['deviceCode', 'expiresAt', 'expiresIn', 'interval', 'userCode', 'verificationUri']);
    expect(res.body).toMatchObject({ userCode: `WDJB-MJH${github.codes.size}`, verificationUri: 'https://github.com/login/device', interval: 1, expiresIn: 900 });
    expect(github.deviceRequests.slice(before)).toEqual([{ client_id: github.clientId, accept: 'application/json' }]);
    // The handle is GitHub's device code with the coordinator's MAC: a changed byte is refused.
    const handle = String(res.body['deviceCode']);
    expect(handle).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-f]{32}$/);
  });

  it('pending, then the person approves: a session for git|<id>|@<login>, as with the web login', async () => {
    const polls = github.tokenPolls.length;
    const { session, prompts, events } = await login();
    expect(session.participantId).toBe('git|583231|@octocat');
    expect(prompts).toEqual([{ userCode: expect.stringMatching(/^WDJB-MJH\d+$/) as unknown, verificationUri: 'https://github.com/login/device', expiresAt: expect.any(Number) as unknown }]);
    expect(events).toEqual([{ kind: 'pending', nextPollInSeconds: 1 }]);
    const sent = github.tokenPolls.slice(polls).map((p) => p.form);
    expect(sent).toHaveLength(2);
    for (const form of sent) {
      expect(form).toEqual({ client_id: github.clientId, device_code: expect.stringMatching(/^d{32}\d{8}$/) as unknown, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
    }
    const me = await call(`${app.url}/whoami`, { headers: bearer(session.token) });
    expect(me.body).toMatchObject({ provider: 'github', participantId: 'git|583231|@octocat' });
  });

  it("honours GitHub's slow_down: the client waits the longer interval from then on", async () => {
    github.next = { script: ['slow_down', 'approve'], user: OCTOCAT };
    const polls = github.tokenPolls.length;
    const { session, events } = await login();
    expect(session.participantId).toBe('git|583231|@octocat');
    expect(events).toEqual([{ kind: 'slow-down', intervalSeconds: 6 }]);
    // The poll after the slow_down came at least the new interval (less the allowed jitter) after it
    // (that the longer interval holds from then on is nextPollSeconds's rule, below).
    const at = github.tokenPolls.slice(polls).map((p) => p.at);
    expect(at).toHaveLength(2);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(6_000 * 0.8);
  }, 60_000);

  it('answers a poll that comes too soon slow_down itself, without asking GitHub', async () => {
    github.next = { script: ['authorization_pending'], user: OCTOCAT };
    const { deviceCode } = await start();
    await new Promise((r) => setTimeout(r, 1_000));
    const first = await poll(String(deviceCode));
    expect(first.body).toEqual({ status: 'pending', interval: 1 });
    const polls = github.tokenPolls.length;
    const tooSoon = await poll(String(deviceCode));
    expect(tooSoon.body).toEqual({ status: 'slow_down', interval: 6 });
    expect(github.tokenPolls.length).toBe(polls);
  });

  it('an expired device code: refused by the coordinator past its expiry, and when GitHub says so', async () => {
    let clock = Date.now();
    const timed = await startTestApp({ auth: { github: githubDeviceAuth(github) }, now: () => clock });
    try {
      github.expiresIn = 60;
      const { deviceCode } = await start(timed);
      clock += 61_000;
      const polls = github.tokenPolls.length;
      const late = await poll(String(deviceCode), timed);
      expect(late.status).toBe(401);
      expect(late.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'DEVICE_CODE_EXPIRED' } });
      expect(github.tokenPolls.length).toBe(polls);
    } finally {
      await timed.close();
    }
    github.next = { script: ['authorization_pending', 'expired_token'], user: OCTOCAT };
    expect(await refusal(login())).toEqual({ status: 401, code: 'LOGIN_REJECTED', reason: 'DEVICE_CODE_EXPIRED' });
  });

  it('a denied login is LOGIN_REJECTED (OAUTH_DENIED)', async () => {
    github.next = { script: ['access_denied'], user: OCTOCAT };
    expect(await refusal(login())).toEqual({ status: 401, code: 'LOGIN_REJECTED', reason: 'OAUTH_DENIED' });
  });

  it('an unknown device code: a made-up or altered handle never reaches GitHub; one GitHub does not know is refused too', async () => {
    const { deviceCode } = await start();
    const handle = String(deviceCode);
    const [body, macHex] = handle.split('.') as [string, string];
    const altered = `${body}.${macHex.slice(0, -1)}${macHex.endsWith('0') ? '1' : '0'}`;
    const forged = `${Buffer.from(JSON.stringify({ d: 'x'.repeat(40), e: Date.now() + 600_000, i: 1 })).toString('base64url')}.${'0'.repeat(32)}`;
    const polls = github.tokenPolls.length;
    for (const bad of [altered, forged, 'not-a-device-code', handle.replace(/^./, 'A')]) {
      const res = await poll(bad);
      expect(res.status, bad).toBe(401);
      expect(res.body).toMatchObject({ code: 'LOGIN_REJECTED', details: { reason: 'DEVICE_CODE_UNKNOWN' } });
    }
    expect(github.tokenPolls.length).toBe(polls);
    github.next = { script: ['incorrect_device_code'], user: OCTOCAT };
    expect(await refusal(login())).toEqual({ status: 401, code: 'LOGIN_REJECTED', reason: 'DEVICE_CODE_UNKNOWN' });
    // A body without a device code is a validation failure.
    expect((await postJson(`${app.url}/auth/github/device/token`, {})).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses an account created after the cutoff with FORBIDDEN, as the web login does', async () => {
    github.next = { script: ['approve'], user: { id: 99, login: 'fresh-account', created_at: '2024-02-02T10:00:00Z' } };
    expect(await refusal(login())).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'GITHUB_ACCOUNT_TOO_NEW' });
  });

  it('is FORBIDDEN when GitHub login, or its device flow, is not configured', async () => {
    const plain = await startTestApp();
    const noDevice = await startTestApp({ auth: { github: githubDeviceAuth(github, { deviceFlow: false }) } });
    try {
      for (const target of [plain, noDevice]) {
        expect((await call(`${target.url}/auth/github/device`, { method: 'POST' })).body).toMatchObject({ code: 'FORBIDDEN' });
        expect((await poll('x.y', target)).body).toMatchObject({ code: 'FORBIDDEN' });
      }
    } finally {
      await plain.close();
      await noDevice.close();
    }
  });
});

describe('the timing rules', () => {
  it('a poll is too soon under four fifths of the interval', () => {
    expect(devicePollTooSoon(undefined, 5, 0)).toBe(false);
    expect(devicePollTooSoon(10_000, 5, 13_999)).toBe(true);
    expect(devicePollTooSoon(10_000, 5, 14_000)).toBe(false);
  });

  it('the client keeps the longest interval, and adds at least 5 s at each slow_down', () => {
    expect(nextPollSeconds(5, { status: 'pending', interval: 5 })).toBe(5);
    expect(nextPollSeconds(10, { status: 'pending', interval: 5 })).toBe(10);
    expect(nextPollSeconds(5, { status: 'slow_down', interval: 5 })).toBe(10);
    expect(nextPollSeconds(5, { status: 'slow_down', interval: 15 })).toBe(15);
  });

  it('the pacer grows the interval of a device code polled too soon, and forgets the oldest beyond its bound', () => {
    const pacer = new DevicePollPacer(2);
    expect(pacer.poll('a', 5, 1e12, 0)).toEqual({ tooSoon: false, interval: 5 });
    expect(pacer.poll('a', 5, 1e12, 1_000)).toEqual({ tooSoon: true, interval: 10 });
    expect(pacer.poll('a', 5, 1e12, 9_000)).toEqual({ tooSoon: false, interval: 10 });
    pacer.poll('b', 5, 1e12, 0);
    pacer.poll('c', 5, 1e12, 0);
    expect(pacer.size).toBe(2);
    // 'a' was forgotten: polled again, it is not too soon.
    expect(pacer.poll('a', 5, 1e12, 9_001).tooSoon).toBe(false);
  });

  it('a sealed device code opens with its secret only, and not past its expiry', () => {
    const secret = new Uint8Array(32).fill(7);
    const handle = sealDeviceCode(secret, { d: 'abc', e: 2_000, i: 5 });
    expect(openDeviceCode(secret, handle, 1_999)).toMatchObject({ ok: true, sealed: { d: 'abc', e: 2_000, i: 5 } });
    expect(openDeviceCode(secret, handle, 2_000)).toEqual({ ok: false, reason: 'expired' });
    expect(openDeviceCode(new Uint8Array(32).fill(8), handle, 0)).toEqual({ ok: false, reason: 'unknown' });
  });
});
