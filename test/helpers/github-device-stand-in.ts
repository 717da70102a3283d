// A loopback stand-in for GitHub's OAuth device flow, speaking GitHub's protocol: POST
// /login/device/code (client_id → device_code, user_code, verification_uri, expires_in, interval),
// POST /login/oauth/access_token with grant_type urn:ietf:params:oauth:grant-type:device_code (JSON
// {error: authorization_pending | slow_down | expired_token | access_denied | incorrect_device_code} or
// {access_token}), and GET /user with a Bearer token. Each device code follows a script, one step per
// poll (the last step repeats): the person's actions, as GitHub would report them.
import type http from 'node:http';
import { readBody, sendJson, standIn } from '../auth/helpers.js';

export interface StandInUser {
  id: number;
  login: string;
  created_at: string;
}

export type DeviceStep = 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'incorrect_device_code' | 'approve';

export interface DeviceCodeRecord {
  userCode: string;
  script: DeviceStep[];
  user: StandInUser;
  polls: number;
}

export interface GithubDeviceStandIn {
  url: string;
  clientId: string;
  /** The script and user of the next device code handed out. */
  next: { script: DeviceStep[]; user: StandInUser };
  /** The interval and lifetime GitHub gives new device codes (seconds). */
  interval: number;
  expiresIn: number;
  codes: Map<string, DeviceCodeRecord>;
  /** Every device-code request and token poll, as form fields (with the time it came). */
  deviceRequests: Array<Record<string, string>>;
  tokenPolls: Array<{ at: number; form: Record<string, string> }>;
  close(): Promise<void>;
}

export const OCTOCAT: StandInUser = { id: 583231, login: 'Octocat', created_at: '2011-01-25T18:44:36Z' };

export async function startGithubDeviceStandIn(clientId = 'Iv1.device-client'): Promise<GithubDeviceStandIn> {
  const accessTokens = new Map<string, StandInUser>();
  const state: Omit<GithubDeviceStandIn, 'url' | 'close'> = {
    clientId,
    next: { script: ['authorization_pending', 'approve'], user: OCTOCAT },
    interval: 1,
    expiresIn: 900,
    codes: new Map(),
    deviceRequests: [],
    tokenPolls: [],
  };
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/login/device/code') {
      void readBody(req).then((text) => {
        const form = Object.fromEntries(new URLSearchParams(text));
        state.deviceRequests.push({ ...form, accept: String(req.headers.accept) });
        if (form['client_id'] !== state.clientId) {
          sendJson(res, 200, { error: 'incorrect_client_credentials' });
          return;
        }
        const n = state.codes.size + 1;
        const deviceCode = `${'d'.repeat(32)}${String(n).padStart(8, '0')}`;
        const userCode = `WDJB-MJH${n}`;
        state.codes.set(deviceCode, { userCode, script: [...state.next.script], user: state.next.user, polls: 0 });
        sendJson(res, 200, { device_code: deviceCode, user_code: userCode, verification_uri: 'https://github.com/login/device', expires_in: state.expiresIn, interval: state.interval });
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      void readBody(req).then((text) => {
        const form = Object.fromEntries(new URLSearchParams(text));
        state.tokenPolls.push({ at: Date.now(), form });
        if (form['grant_type'] !== 'urn:ietf:params:oauth:grant-type:device_code') {
          sendJson(res, 200, { error: 'unsupported_grant_type' });
          return;
        }
        if (form['client_id'] !== state.clientId) {
          sendJson(res, 200, { error: 'incorrect_client_credentials' });
          return;
        }
        const record = state.codes.get(form['device_code'] ?? '');
        if (record === undefined) {
          sendJson(res, 200, { error: 'incorrect_device_code', error_description: 'The device_code provided is not valid.' });
          return;
        }
        const step = record.script[Math.min(record.polls, record.script.length - 1)] ?? 'authorization_pending';
        record.polls += 1;
        if (step === 'approve') {
          state.codes.delete(form['device_code'] ?? '');
          const token = `gho_device_${accessTokens.size + 1}`;
          accessTokens.set(token, record.user);
          sendJson(res, 200, { access_token: token, token_type: 'bearer', scope: '' });
        } else if (step === 'slow_down') {
          sendJson(res, 200, { error: 'slow_down', error_description: 'Too many requests have been made in the same timeframe.', interval: state.interval + 5 });
        } else {
          sendJson(res, 200, { error: step });
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
  const server = await standIn(handler);
  return Object.assign(state, { url: server.url, close: () => server.close() });
}

/** The `auth.github` configuration that points the coordinator at the stand-in. */
export function githubDeviceAuth(standIn: GithubDeviceStandIn, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientId: standIn.clientId,
    clientSecret: 'device-flow-needs-no-secret-but-the-web-flow-does',
    authorizeUrl: `${standIn.url}/login/oauth/authorize`,
    tokenUrl: `${standIn.url}/login/oauth/access_token`,
    deviceCodeUrl: `${standIn.url}/login/device/code`,
    apiUrl: standIn.url,
    ...extra,
  };
}
