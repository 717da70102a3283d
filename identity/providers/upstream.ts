// Calls to services outside the coordinator (an Ethereum JSON-RPC node, GitHub), each with a deadline.
// Network failures, timeouts and 5xx answers become UPSTREAM_UNAVAILABLE (502), never a hang.
import { CeremonyError } from '../../common/errors.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface UpstreamCall {
  /** What is being called, for messages ("GitHub token endpoint"). */
  what: string;
  timeoutMs: number;
  fetch?: FetchLike;
}

/** Largest upstream answer read. */
const MAX_BODY_BYTES = 1024 * 1024;

export function upstreamUnavailable(what: string, reason: string, cause?: unknown): CeremonyError {
  return new CeremonyError('UPSTREAM_UNAVAILABLE', `${what} is unavailable: ${reason}`, { upstream: what }, { cause });
}

/** Fetches with a deadline; answers the status and the parsed JSON body (undefined when not JSON). */
export async function fetchJson(url: string, init: RequestInit, call: UpstreamCall): Promise<{ status: number; body: unknown }> {
  const doFetch = call.fetch ?? fetch;
  const signal = AbortSignal.timeout(call.timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await doFetch(url, { ...init, signal, redirect: 'error' });
    text = await res.text();
  } catch (err) {
    const timedOut = signal.aborted;
    throw upstreamUnavailable(call.what, timedOut ? `no answer within ${call.timeoutMs} ms` : 'request failed', err);
  }
  if (res.status >= 500) throw upstreamUnavailable(call.what, `HTTP ${res.status}`);
  if (text.length > MAX_BODY_BYTES) throw upstreamUnavailable(call.what, 'answer too large');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}
