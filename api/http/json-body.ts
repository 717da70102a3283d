// JSON request bodies: @koa/bodyparser with the configured limit (api.maxJsonBytes), JSON only. A body
// that is not declared application/json is 415 UNSUPPORTED_MEDIA_TYPE; one declared (or found) larger
// than the limit is 413 PAYLOAD_TOO_LARGE, refused before it is read; one that does not parse is 400
// MALFORMED_JSON. Mount it after the route's guard, so a caller who may not call the route never has
// its body read.
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { CeremonyError } from '../../common/errors.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The parser's error (raw-body, co-body, JSON.parse) as the API's error. */
function bodyError(err: unknown, maxBytes: number): CeremonyError {
  if (err instanceof CeremonyError) return err;
  const { status, type } = err as { status?: unknown; type?: unknown };
  if (type === 'entity.too.large' || status === 413) return new CeremonyError('PAYLOAD_TOO_LARGE', `body larger than ${maxBytes} bytes`);
  if (status === 415) return new CeremonyError('UNSUPPORTED_MEDIA_TYPE', (err as Error).message);
  if (err instanceof SyntaxError) return new CeremonyError('MALFORMED_JSON', 'the body is not valid JSON');
  return new CeremonyError('BAD_REQUEST', `the body could not be read: ${(err as Error).message}`);
}

export function jsonBody(maxBytes: number): Middleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: maxBytes,
    // Any JSON value: the route's schema says what it takes (a bare null is VALIDATION_FAILED, not MALFORMED_JSON).
    jsonStrict: false,
    encoding: 'utf-8',
    onError: (err) => {
      throw bodyError(err, maxBytes);
    },
  });
  return async (ctx, next) => {
    if (!BODY_METHODS.has(ctx.method)) return next();
    if (!ctx.is('application/json')) throw new CeremonyError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    const declared = Number(ctx.get('content-length') || '0');
    if (declared > maxBytes) throw new CeremonyError('PAYLOAD_TOO_LARGE', `body larger than ${maxBytes} bytes`);
    await parse(ctx, async () => {
      // co-body answers an empty body with '': that is no JSON document.
      if (ctx.request.body === '') throw new CeremonyError('MALFORMED_JSON', 'the body is not valid JSON');
      await next();
    });
  };
}
