// GitHub login for a command-line client, through the coordinator's OAuth device flow (RFC 8628):
// POST /auth/github/device gives a user code and GitHub's device page; the person enters the code
// there while this polls POST /auth/github/device/token every `interval` seconds (longer after each
// slow_down) until the coordinator answers a session token, or refuses the login (expired, denied).
import type { GithubDeviceStart, GithubDeviceTokenAnswer, LoginResponse } from '../api/contracts/auth.js';
import { requestJson, withRetries, type RetryHooks } from './http.js';

/** What the person must be shown: the code to enter, where, and until when. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  expiresAt: number;
}

export type GithubDeviceEvent = { kind: 'pending'; nextPollInSeconds: number } | { kind: 'slow-down'; intervalSeconds: number };

export interface GithubDeviceOptions {
  /** Shows the person the code and the URL (called once, before polling). */
  onCode: (prompt: DeviceCodePrompt) => void;
  onEvent?: (event: GithubDeviceEvent) => void;
  retry?: RetryHooks;
  /** Stops polling (the call then rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * The pause before the next poll, in seconds, after an answer: the interval the coordinator gave;
 * after slow_down, never less than the previous interval plus 5 s (RFC 8628 §3.5). Pure.
 */
export function nextPollSeconds(current: number, answer: { status: 'pending' | 'slow_down'; interval: number }): number {
  if (answer.status === 'slow_down') return Math.max(answer.interval, current + 5);
  return Math.max(answer.interval, current);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('stopped'));
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Logs in with GitHub through the device flow; answers the session (token, participantId git|<id>|@<login>, expiresAt). */
export async function githubDeviceLogin(baseUrl: string, options: GithubDeviceOptions): Promise<LoginResponse> {
  const hooks = options.retry ?? { target: baseUrl };
  // Starting is a login attempt, not repeated through outages (each start is a new code for the person).
  const start = await withRetries(() => requestJson<GithubDeviceStart>(baseUrl, '/auth/github/device', { method: 'POST' }), false, hooks);
  options.onCode({ userCode: start.userCode, verificationUri: start.verificationUri, expiresAt: start.expiresAt });
  let interval = start.interval;
  for (;;) {
    await pause(interval * 1000, options.signal);
    // A poll is safe to repeat: it only asks.
    const answer = await withRetries(() => requestJson<GithubDeviceTokenAnswer>(baseUrl, '/auth/github/device/token', { json: { deviceCode: start.deviceCode } }), true, hooks);
    if (answer.status === 'complete') return { token: answer.token, participantId: answer.participantId, expiresAt: answer.expiresAt };
    interval = nextPollSeconds(interval, answer);
    options.onEvent?.(answer.status === 'slow_down' ? { kind: 'slow-down', intervalSeconds: interval } : { kind: 'pending', nextPollInSeconds: interval });
  }
}
