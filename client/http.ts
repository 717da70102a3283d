// A small JSON-over-HTTP helper with a deadline per request and typed failures.

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  token?: string;
  json?: unknown;
  body?: string;
  timeoutMs?: number;
}

export async function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.body;
  }
  const res = await fetch(new URL(path, baseUrl), {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  let details: Record<string, unknown> | undefined;
  try {
    const parsed = (await res.json()) as { code?: string; message?: string; details?: Record<string, unknown> };
    code = parsed.code ?? code;
    message = parsed.message ?? message;
    details = parsed.details;
  } catch {
    // not JSON: keep the status
  }
  const retryAfter = res.headers.get('retry-after');
  throw new ApiError(res.status, code, message, details, retryAfter === null ? undefined : Number(retryAfter));
}

export async function requestJson<T>(baseUrl: string, path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await request(baseUrl, path, options)).json()) as T;
}

/** A failure worth asking again about: the coordinator or the network could not answer this time. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 502 || err.status === 503 || err.status === 504;
  // fetch's own failures (the connection refused or reset; not any TypeError, which may be a bug),
  // or the request's deadline passed.
  return (err instanceof TypeError && err.message === 'fetch failed') || (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError'));
}

export interface RetryHooks {
  onRateLimited?: (retryAfterSeconds: number) => void;
  onTransient?: (message: string) => void;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Makes a call again after 429 (once its Retry-After has passed, at most 60 s) and, when the call is
 * safe to repeat, after a failure the coordinator or the network may not have the next time
 * (isTransient), with a pause doubling from 250 ms to 2 s. Bounded: 20 rate limits, 10 failures.
 */
export async function withRetries<T>(call: () => Promise<T>, repeatable: boolean, hooks: RetryHooks = {}): Promise<T> {
  let limited = 0;
  let failed = 0;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429 && limited < 20) {
        limited += 1;
        const wait = Math.min(60, err.retryAfterSeconds ?? 1);
        hooks.onRateLimited?.(wait);
        await pause(wait * 1000);
      } else if (repeatable && isTransient(err) && failed < 10) {
        hooks.onTransient?.(err instanceof Error ? err.message : String(err));
        await pause(Math.min(2_000, 250 * 2 ** failed));
        failed += 1;
      } else {
        throw err;
      }
    }
  }
}
