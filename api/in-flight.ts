// Bounds on the requests one replica handles at once: in all (api.maxInFlightRequests; beyond it 503
// OVERLOADED) and from one client address (auth.rateLimits.inFlightPerAddress; beyond it 429 RATE_LIMITED, so
// a few clients trickling bodies cannot take every slot). Either refusal comes at once, with
// Retry-After, instead of a queue every client times out in. Liveness (`/healthz`) is never refused:
// an overloaded replica is alive.
import type { Middleware } from 'koa';
import { CeremonyError } from '../common/errors.js';
import { addressKey } from './auth/client-address.js';
import type { RequestRoute } from './route-of.js';

const NEVER_REFUSED = new Set(['/healthz']);

export function inFlightLimit(limits: { total: number; perAddress: number }, route: RequestRoute): Middleware {
  let total = 0;
  const byAddress = new Map<string, number>();
  return async (ctx, next) => {
    if (NEVER_REFUSED.has(route(ctx) ?? '')) return next();
    const address = addressKey(ctx.ip);
    const mine = byAddress.get(address) ?? 0;
    if (mine >= limits.perAddress) {
      throw new CeremonyError('RATE_LIMITED', `this address has ${limits.perAddress} requests in flight already; wait for one to end`, {
        retryAfterSeconds: 1,
        limit: limits.perAddress,
        class: 'in-flight',
      });
    }
    if (total >= limits.total) {
      throw new CeremonyError('OVERLOADED', `this replica is handling ${limits.total} requests already; try again shortly`, { retryAfterSeconds: 1 });
    }
    total += 1;
    byAddress.set(address, mine + 1);
    try {
      await next();
    } finally {
      total -= 1;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left === 0) byAddress.delete(address);
      else byAddress.set(address, left);
    }
  };
}
