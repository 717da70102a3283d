// Gives each request an id (taken from X-Request-Id when well-formed) and logs one line per request.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../common/logger.js';

const idPattern = /^[A-Za-z0-9._-]{1,64}$/;

export function requestContext(log: Logger): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const requestId = idPattern.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const line = { requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms };
      if (ctx.path === '/healthz' || ctx.path === '/readyz' || ctx.path === '/metrics') log.debug(line, 'request');
      else log.info(line, 'request');
    }
  };
}
