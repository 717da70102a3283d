// A bound on the requests one replica handles at once (api.maxInFlightRequests). Beyond it a request is
// refused at once with 503 OVERLOADED and Retry-After, instead of queueing behind the others until
// every client times out. Liveness (`/healthz`) is never refused: an overloaded replica is alive.
import type { Middleware } from 'koa';
import { CeremonyError } from '../common/errors.js';
import type { RouteOf } from './route-of.js';

const NEVER_REFUSED = new Set(['/healthz']);

export function inFlightLimit(max: number, route: RouteOf): Middleware {
  let inFlight = 0;
  return async (ctx, next) => {
    const counted = !NEVER_REFUSED.has(route(ctx.method, ctx.path) ?? '');
    if (counted && inFlight >= max) {
      throw new CeremonyError('OVERLOADED', `this replica is handling ${max} requests already; try again shortly`, { retryAfterSeconds: 1 });
    }
    if (counted) inFlight += 1;
    try {
      await next();
    } finally {
      if (counted) inFlight -= 1;
    }
  };
}
