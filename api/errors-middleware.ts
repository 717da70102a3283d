// Maps every thrown error, and every error status a router left without a body (404, 405, 501), to a
// JSON body {code, message} and an HTTP status, in one place. An error answered before the request's
// body has arrived closes the connection, so the rest of the body is never read. A request whose
// client went away before its body ended is CLIENT_CLOSED, whatever the code under it failed with: it
// is the client's doing, never counted as an outage of the store or of Temporal.
import type { Context, Middleware } from 'koa';
import { CeremonyError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

function fromKoaHttpError(err: unknown): CeremonyError | undefined {
  const status = (err as { status?: unknown; expose?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const message = (err as Error).message;
  if (status === 413) return new CeremonyError('PAYLOAD_TOO_LARGE', message);
  if (status === 415) return new CeremonyError('UNSUPPORTED_MEDIA_TYPE', message);
  return new CeremonyError('BAD_REQUEST', message);
}

/** The error an empty error answer stands for: the routers' 404, 405 and 501 (an unknown method, which is the caller's mistake). */
function fromEmptyAnswer(ctx: Context): CeremonyError {
  const allowed = ctx.response.get('Allow');
  // 501 is the router's answer to a method it does not know: on a path no route has, that is a 404.
  if (ctx.status === 405 || (ctx.status === 501 && allowed !== '')) {
    return new CeremonyError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path} (allowed: ${allowed})`);
  }
  if (ctx.status === 501) ctx.remove('Allow');
  if (ctx.status === 404 || ctx.status === 501) return new CeremonyError('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
  return new CeremonyError('BAD_REQUEST', `the request was refused (HTTP ${ctx.status})`);
}

/** True when the client closed the connection before sending its whole request. */
export function clientClosedEarly(ctx: Context): boolean {
  return !ctx.req.complete && (ctx.req.destroyed || ctx.req.socket.destroyed);
}

export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status >= 400 && (ctx.body === undefined || ctx.body === null)) throw fromEmptyAnswer(ctx);
    } catch (err) {
      const { requestId } = ctx.state;
      let error: CeremonyError;
      if (clientClosedEarly(ctx)) {
        error = new CeremonyError('CLIENT_CLOSED', 'the client closed the connection before its request ended');
        log.info({ requestId, method: ctx.method, path: ctx.path, cause: (err as Error).message }, 'client closed the request');
      } else {
        const known = err instanceof CeremonyError ? err : fromKoaHttpError(err);
        if (known === undefined) log.error({ err, requestId }, 'unhandled error');
        error = known ?? new CeremonyError('INTERNAL', 'internal error');
      }
      ctx.status = error.status;
      ctx.body = error.toBody();
      // Refused before its body was read: close the connection after the answer instead of reading
      // (and discarding) the rest of a body nobody will use.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
      if (typeof error.details?.['retryAfterSeconds'] === 'number') {
        ctx.set('Retry-After', String(error.details['retryAfterSeconds']));
      }
    }
  };
}
