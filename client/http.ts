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
  /** More request headers (e.g. the check-in token). */
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  timeoutMs?: number;
  /** Told the bytes of the body handed to the network so far, and in all (for a progress display). */
  onUpload?: (sent: number, total: number) => void;
}

/** Transfers of this size or more are streamed in chunks of it, so that their progress can be told. */
const PROGRESS_CHUNK = 256 * 1024;

/** A body that tells how much of it the network has taken; sent with its Content-Length. */
function countedBody(bytes: Uint8Array, onUpload: (sent: number, total: number) => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const chunk = new Uint8Array(bytes.subarray(offset, offset + PROGRESS_CHUNK));
      offset += chunk.length;
      controller.enqueue(chunk);
      onUpload(offset, bytes.length);
    },
  });
}

/**
 * The body of `res` as text, telling `onDownload` the bytes read so far and the total the response
 * declared (undefined without a Content-Length).
 */
export async function readText(res: Response, onDownload?: (received: number, total: number | undefined) => void): Promise<string> {
  if (onDownload === undefined || res.body === null) return res.text();
  const header = res.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  // A reader and a streaming decoder: the same in Node and in browsers (the page shares this client).
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    text += decoder.decode(value, { stream: true });
    onDownload(received, total);
  }
  return text + decoder.decode();
}

export async function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.body;
  }
  const init: RequestInit & { duplex?: 'half' } = {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  };
  if (body !== undefined && options.onUpload !== undefined) {
    // Streamed, with the length declared (the API requires it): fetch keeps a stream's Content-Length.
    const bytes = new TextEncoder().encode(body);
    headers['content-length'] = String(bytes.byteLength);
    init.body = countedBody(bytes, options.onUpload);
    init.duplex = 'half';
  }
  const res = await fetch(new URL(path, baseUrl), init);
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

/** How fetch says the connection was refused or reset: Node (undici), Chromium, Firefox, Safari. */
const FETCH_FAILED = new Set(['fetch failed', 'Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed']);

/** A failure worth asking again about: the coordinator or the network could not answer this time. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 502 || err.status === 503 || err.status === 504;
  // fetch's own failures (not any TypeError, which may be a bug), or the request's deadline passed.
  return (err instanceof TypeError && FETCH_FAILED.has(err.message)) || (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError'));
}

export interface RetryHooks {
  onRateLimited?: (retryAfterSeconds: number) => void;
  onTransient?: (message: string, nextTryInMs: number) => void;
  /** What is being called, for the message on giving up (e.g. the URL). */
  target?: string;
  /**
   * A deadline the call is for (e.g. the next check-in's, as the coordinator gave it). Retrying never lets it pass
   * silently: onDeadlinePassed is told once when it does, and the retries go on (a coordinator that
   * was down excuses deadlines that fell in its outage).
   */
  deadline?: number;
  onDeadlinePassed?: () => void;
}

/** How long to keep trying a call that is safe to repeat, and how the pauses grow. */
export interface Patience {
  /** Give up once this long has passed since the first failure (default 10 min). */
  budgetMs: number;
  /** The first pause; each later one doubles, up to capMs, with jitter. */
  baseMs: number;
  capMs: number;
}

export const DEFAULT_PATIENCE: Patience = { budgetMs: 10 * 60_000, baseMs: 250, capMs: 15_000 };

/**
 * The pause before retry number `failures` (0 for the first): capped exponential backoff with "equal
 * jitter", so a crowd of clients that lost the coordinator at one moment do not all come back at once.
 * `random` is in [0, 1). Pure, for tests.
 */
export function backoffMs(failures: number, patience: Pick<Patience, 'baseMs' | 'capMs'>, random: number): number {
  const ceiling = Math.min(patience.capMs, patience.baseMs * 2 ** Math.min(failures, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** A call given up after the patience budget: says what, why, and that running again resumes. */
export class GaveUpError extends Error {
  override readonly name = 'GaveUpError';
  constructor(
    readonly target: string,
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`gave up on ${target} after ${Math.round(waitedMs / 1000)} s of failures (last: ${why}); run the same command again to resume where you are`);
  }
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Makes a call again after 429 (once its Retry-After has passed, at most 60 s) and, when the call is
 * safe to repeat, after a failure the coordinator or the network may not have the next time
 * (isTransient), with capped exponential backoff and jitter for a budget of time (Patience, 10 min by
 * default: a rolling restart or a long outage of the coordinator does not end the contributor).
 */
export async function withRetries<T>(call: () => Promise<T>, repeatable: boolean, hooks: RetryHooks = {}, patience: Patience = DEFAULT_PATIENCE): Promise<T> {
  let limited = 0;
  let failed = 0;
  let firstFailureAt: number | undefined;
  let deadlineTold = false;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429 && limited < 20) {
        limited += 1;
        const wait = Math.min(60, err.retryAfterSeconds ?? 1);
        hooks.onRateLimited?.(wait);
        await pause(wait * 1000);
        continue;
      }
      if (!repeatable || !isTransient(err)) throw err;
      const now = Date.now();
      firstFailureAt ??= now;
      const delay = backoffMs(failed, patience, Math.random());
      if (now + delay - firstFailureAt > patience.budgetMs) throw new GaveUpError(hooks.target ?? 'the coordinator', now - firstFailureAt, err);
      hooks.onTransient?.(err instanceof Error ? err.message : String(err), delay);
      if (!deadlineTold && hooks.deadline !== undefined && now + delay > hooks.deadline) {
        deadlineTold = true;
        hooks.onDeadlinePassed?.();
      }
      await pause(delay);
      failed += 1;
    }
  }
}
