// GitHub login through the OAuth device flow (RFC 8628), for the command-line contributor: the
// coordinator asks GitHub for a device code and a user code with its client id, the person enters the
// user code at GitHub's device page, and the client polls the coordinator, which polls GitHub's token
// endpoint (grant_type urn:ietf:params:oauth:grant-type:device_code) and, once GitHub answers an access
// token, reads /user and issues a session for the same `git|<id>|@<login>` identity as the web login.
//
// The device code. In RFC 8628 the device code is the client's secret: whoever holds it can finish the
// login once the person has approved it. The coordinator hands it to the client that started the flow
// (over the same TLS connection, Cache-Control: no-store) and to nobody else, and never logs it. It is
// handed out as a handle HMAC-signed with the coordinator's secret, carrying its expiry and interval:
// not to hide it from its own client (it is that client's secret), but so that the coordinator polls
// GitHub only for device codes it started itself, and refuses an expired or made-up one without a
// call to GitHub (its rate limit for the client id is shared by every login). Device-code phishing (an
// attacker starts a flow and persuades a victim to enter the user code) is inherent to the device
// flow; GitHub's page names the app and asks the person to confirm.
//
// Pacing. Polls of one device code closer together than its interval are answered slow_down by the
// coordinator itself (interval + 5 s, RFC 8628 §3.5) without calling GitHub: a per-replica, bounded,
// in-memory record (DevicePollPacer); the rule is devicePollTooSoon, a pure function.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CeremonyError } from '../../common/errors.js';
import { githubIdentityOf, USER_AGENT, type GithubSettings } from './github.js';
import { fetchJson, upstreamUnavailable, type FetchLike } from './upstream.js';

export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
const PURPOSE = 'github-device-code';
const MAC_HEX = 32;
/** RFC 8628 §3.5: the default interval, and what each slow_down adds. */
export const DEFAULT_INTERVAL_SECONDS = 5;
export const SLOW_DOWN_STEP_SECONDS = 5;

export interface DeviceStart {
  /** The handle of GitHub's device code (see above). */
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  interval: number;
  expiresIn: number;
  expiresAt: number;
}

export type DevicePoll = { status: 'pending' | 'slow_down'; interval: number } | { status: 'authorized'; identity: string };

interface Sealed {
  /** GitHub's device code. */
  d: string;
  /** Expiry, ms since the epoch. */
  e: number;
  /** Interval, seconds. */
  i: number;
}
const sealedShape = z.object({ d: z.string().min(1).max(512), e: z.number().int().positive(), i: z.number().int().positive().max(3600) }).strict();

function mac(secret: Uint8Array, body: string): string {
  return createHmac('sha256', secret).update(`${PURPOSE}\n${body}`).digest('hex').slice(0, MAC_HEX);
}

/** The handle of a device code: base64url(JSON) + '.' + HMAC. */
export function sealDeviceCode(secret: Uint8Array, sealed: Sealed): string {
  const body = Buffer.from(JSON.stringify(sealed)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export type OpenedDeviceCode = { ok: true; sealed: Sealed; id: string } | { ok: false; reason: 'unknown' | 'expired' };

/** Checks a handle's HMAC, then its expiry against `now`; `id` names it for pacing (its MAC). */
export function openDeviceCode(secret: Uint8Array, handle: string, now: number): OpenedDeviceCode {
  const dot = handle.lastIndexOf('.');
  if (dot <= 0) return { ok: false, reason: 'unknown' };
  const body = handle.slice(0, dot);
  const given = handle.slice(dot + 1);
  if (!/^[0-9a-f]+$/.test(given) || given.length !== MAC_HEX) return { ok: false, reason: 'unknown' };
  if (!timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(mac(secret, body), 'hex'))) return { ok: false, reason: 'unknown' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'unknown' };
  }
  const sealed = sealedShape.safeParse(parsed);
  if (!sealed.success) return { ok: false, reason: 'unknown' };
  if (now >= sealed.data.e) return { ok: false, reason: 'expired' };
  return { ok: true, sealed: sealed.data, id: given };
}

/**
 * Whether a poll at `now` comes too soon after the previous one (at `lastAt`) for an interval of
 * `intervalSeconds`. A fifth of the interval is allowed for network jitter (a client that waits the
 * interval between polls is never refused). Pure.
 */
export function devicePollTooSoon(lastAt: number | undefined, intervalSeconds: number, now: number): boolean {
  return lastAt !== undefined && now - lastAt < intervalSeconds * 1000 * 0.8;
}

/** Per replica: when each device code was last polled, and the interval it must keep. Bounded; oldest forgotten first. */
export class DevicePollPacer {
  private readonly entries = new Map<string, { lastAt: number; interval: number; expiresAt: number }>();

  constructor(private readonly maxEntries = 100_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records a poll; answers the interval to keep, and whether this poll came too soon (then the interval grew). */
  poll(id: string, baseInterval: number, expiresAt: number, now: number): { tooSoon: boolean; interval: number } {
    const entry = this.entries.get(id);
    let interval = Math.max(baseInterval, entry?.interval ?? 0);
    const tooSoon = devicePollTooSoon(entry?.lastAt, interval, now);
    if (tooSoon) interval += SLOW_DOWN_STEP_SECONDS;
    this.entries.delete(id);
    this.entries.set(id, { lastAt: now, interval, expiresAt });
    this.evict(now);
    return { tooSoon, interval };
  }

  /** GitHub asked for a longer interval. */
  slowDown(id: string, interval: number): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) entry.interval = Math.max(entry.interval, interval);
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  private evict(now: number): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}

const deviceCodeAnswer = z.object({
  device_code: z.string().min(1).max(512),
  user_code: z.string().min(1).max(64),
  verification_uri: z.url(),
  expires_in: z.number().int().positive(),
  interval: z.number().int().positive().max(3600).optional(),
});

const tokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), token_type: z.string().optional(), scope: z.string().optional() }),
  z.object({ error: z.string(), error_description: z.string().optional(), interval: z.number().int().positive().max(3600).optional() }),
]);

function call(settings: GithubSettings, doFetch: FetchLike | undefined, what: string) {
  return { what, timeoutMs: settings.timeoutMs, ...(doFetch === undefined ? {} : { fetch: doFetch }) };
}

const FORM_HEADERS = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT };

/** Asks GitHub for a device code and a user code; answers them with the device code sealed. */
export async function startGithubDevice(secret: Uint8Array, settings: GithubSettings, now: number, doFetch?: FetchLike): Promise<DeviceStart> {
  if (settings.deviceCodeUrl === undefined) throw new CeremonyError('FORBIDDEN', 'GitHub device login is not enabled on this coordinator (auth.github.deviceFlow)');
  const what = 'GitHub device code endpoint';
  const form = new URLSearchParams({ client_id: settings.clientId, ...(settings.scope === '' ? {} : { scope: settings.scope }) });
  const { status, body } = await fetchJson(settings.deviceCodeUrl, { method: 'POST', headers: FORM_HEADERS, body: form.toString() }, call(settings, doFetch, what));
  const parsed = deviceCodeAnswer.safeParse(body);
  if (status !== 200 || !parsed.success) {
    const error = (body as { error?: unknown } | undefined)?.error;
    throw upstreamUnavailable(what, typeof error === 'string' ? `GitHub refused to start a device login (${error.slice(0, 64)})` : `unexpected answer (HTTP ${status})`);
  }
  const answer = parsed.data;
  const interval = answer.interval ?? DEFAULT_INTERVAL_SECONDS;
  const expiresAt = now + answer.expires_in * 1000;
  return {
    deviceCode: sealDeviceCode(secret, { d: answer.device_code, e: expiresAt, i: interval }),
    userCode: answer.user_code,
    verificationUri: answer.verification_uri,
    interval,
    expiresIn: answer.expires_in,
    expiresAt,
  };
}

function rejected(reason: 'DEVICE_CODE_UNKNOWN' | 'DEVICE_CODE_EXPIRED' | 'OAUTH_DENIED', message: string): CeremonyError {
  return new CeremonyError('LOGIN_REJECTED', message, { reason });
}

export interface DevicePollDeps {
  secret: Uint8Array;
  settings: GithubSettings;
  pacer: DevicePollPacer;
  now: number;
  fetch?: FetchLike;
}

/**
 * One poll of a device login: pending or slow_down (with the interval to keep), or authorized with
 * the identity. An unknown, expired or denied login is LOGIN_REJECTED (details.reason
 * DEVICE_CODE_UNKNOWN, DEVICE_CODE_EXPIRED, OAUTH_DENIED); a too-new account FORBIDDEN.
 */
export async function pollGithubDevice(handle: string, deps: DevicePollDeps): Promise<DevicePoll> {
  const { settings, pacer, now } = deps;
  if (settings.deviceCodeUrl === undefined) throw new CeremonyError('FORBIDDEN', 'GitHub device login is not enabled on this coordinator (auth.github.deviceFlow)');
  const opened = openDeviceCode(deps.secret, handle, now);
  if (!opened.ok) {
    if (opened.reason === 'expired') throw rejected('DEVICE_CODE_EXPIRED', 'the device code has expired; start the GitHub login again');
    throw rejected('DEVICE_CODE_UNKNOWN', 'this coordinator did not issue that device code');
  }
  const { sealed, id } = opened;
  const paced = pacer.poll(id, sealed.i, sealed.e, now);
  if (paced.tooSoon) return { status: 'slow_down', interval: paced.interval };
  const what = 'GitHub token endpoint';
  const form = new URLSearchParams({ client_id: settings.clientId, device_code: sealed.d, grant_type: DEVICE_GRANT_TYPE });
  const { status, body } = await fetchJson(settings.tokenUrl, { method: 'POST', headers: FORM_HEADERS, body: form.toString() }, call(settings, deps.fetch, what));
  const parsed = tokenAnswer.safeParse(body);
  // GitHub answers the device flow's errors as JSON {error}, with 200 (or a 4xx, as RFC 8628 has it).
  if (!parsed.success || (status !== 200 && !('error' in parsed.data))) throw upstreamUnavailable(what, `unexpected answer (HTTP ${status})`);
  const answer = parsed.data;
  if ('access_token' in answer) {
    pacer.forget(id);
    return { status: 'authorized', identity: await githubIdentityOf(answer.access_token, settings, deps.fetch) };
  }
  switch (answer.error) {
    case 'authorization_pending':
      return { status: 'pending', interval: paced.interval };
    case 'slow_down': {
      const interval = Math.max(paced.interval + SLOW_DOWN_STEP_SECONDS, answer.interval ?? 0);
      pacer.slowDown(id, interval);
      return { status: 'slow_down', interval };
    }
    case 'expired_token':
      pacer.forget(id);
      throw rejected('DEVICE_CODE_EXPIRED', 'the device code has expired; start the GitHub login again');
    case 'access_denied':
      pacer.forget(id);
      throw rejected('OAUTH_DENIED', 'the GitHub login was denied');
    case 'incorrect_device_code':
    case 'bad_verification_code':
      pacer.forget(id);
      throw rejected('DEVICE_CODE_UNKNOWN', 'GitHub does not know that device code (or it was used already); start the GitHub login again');
    default:
      throw upstreamUnavailable(what, `GitHub refused the device login (${answer.error.slice(0, 64)})`);
  }
}
