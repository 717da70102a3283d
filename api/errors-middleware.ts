// Maps every thrown error to a JSON body {code, message} and an HTTP status, in one place.
import type { Middleware } from 'koa';
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

export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new CeremonyError('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const known = err instanceof CeremonyError ? err : fromKoaHttpError(err);
      const error = known ?? new CeremonyError('INTERNAL', 'internal error');
      if (known === undefined) log.error({ err, requestId: ctx.state['requestId'] }, 'unhandled error');
      ctx.status = error.status;
      ctx.body = error.toBody();
      if (error.code === 'RATE_LIMITED' && typeof error.details?.['retryAfterSeconds'] === 'number') {
        ctx.set('Retry-After', String(error.details['retryAfterSeconds']));
      }
    }
  };
}
