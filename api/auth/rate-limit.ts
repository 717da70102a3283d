// The participant API's rate limits, per client address and per replica (seed 002): login attempts,
// other requests without valid authentication, and requests with valid authentication, each with its
// own window. Mount after `authenticate` so a valid session is known. Excess → RATE_LIMITED (429 with
// Retry-After). Requests are classed by the route they reach (api/route-of.ts), never by the raw path.
// The client address is ctx.ip: with api.trustProxy, the address api.proxyHops proxies back in
// X-Forwarded-For (api/koa-app.ts), never an entry the client could have written itself; an IPv6
// address counts by its /64 (api/auth/client-address.ts).
import type { Middleware } from 'koa';
import { CeremonyError } from '../../common/errors.js';
import type { RateLimitConfig } from '../../identity/auth-config.js';
import type { RequestRoute } from '../route-of.js';
import { addressKey } from './client-address.js';
import { sessionOf } from './middleware.js';
import { SlidingWindowLimiter } from './sliding-window.js';
import { WEB_ASSET_ROUTE, WEB_PAGES } from '../web-front.js';

export type RequestClass = 'exempt' | 'login' | 'unauthenticated' | 'authenticated';

/**
 * Never rate limited, in whichever mode serves them: the web front, and what its live page polls
 * every few seconds (answered from short caches). Each viewer would otherwise exhaust the
 * unauthenticated limit within minutes. The in-flight bound per address still applies.
 */
export const LIVE_PAGE_ROUTES: ReadonlySet<string> = new Set([...Object.keys(WEB_PAGES), WEB_ASSET_ROUTE, '/ceremony/status', '/ceremony/contributions', '/rounds/status']);

/** Which limit a request counts against, from the route it reaches and whether it carries a valid session. */
export function classifyRequest(route: string | undefined, authenticated: boolean, cfg: Pick<RateLimitConfig, 'exemptPaths' | 'loginPaths'>): RequestClass {
  if (route !== undefined && (cfg.exemptPaths.includes(route) || LIVE_PAGE_ROUTES.has(route))) return 'exempt';
  if (route !== undefined && cfg.loginPaths.includes(route)) return 'login';
  return authenticated ? 'authenticated' : 'unauthenticated';
}

export interface RateLimitOptions {
  /** Clock in milliseconds; Date.now by default. */
  now?: () => number;
}

type Limited = Exclude<RequestClass, 'exempt'>;

/** Refuses a configuration that names a route no router declares: such a limit would never apply. */
export function checkLimitedRoutes(cfg: Pick<RateLimitConfig, 'exemptPaths' | 'loginPaths'>, declared: ReadonlySet<string>): void {
  const unknown = [...cfg.loginPaths, ...cfg.exemptPaths].filter((route) => !declared.has(route));
  if (unknown.length > 0) throw new Error(`auth.rateLimits names routes the API does not serve: ${unknown.join(', ')}`);
}

export function rateLimits(cfg: RateLimitConfig, route: RequestRoute, options: RateLimitOptions = {}): Middleware {
  const now = options.now ?? Date.now;
  const limiter = (kind: Limited) => new SlidingWindowLimiter({ limit: cfg[kind].limit, windowMs: cfg[kind].windowSeconds * 1000 }, cfg.maxTrackedClients);
  const limiters: Record<Limited, SlidingWindowLimiter> = {
    login: limiter('login'),
    unauthenticated: limiter('unauthenticated'),
    authenticated: limiter('authenticated'),
  };
  return async (ctx, next) => {
    if (!cfg.enabled) return next();
    const kind = classifyRequest(route(ctx), sessionOf(ctx) !== undefined, cfg);
    if (kind === 'exempt') return next();
    const rule = cfg[kind];
    const decision = limiters[kind].hit(addressKey(ctx.ip), now());
    ctx.set('RateLimit-Policy', `${rule.limit};w=${rule.windowSeconds}`);
    if (!decision.allowed) {
      throw new CeremonyError('RATE_LIMITED', `too many ${kind === 'login' ? 'login attempts' : `${kind} requests`} from this address: at most ${rule.limit} per ${rule.windowSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
        limit: rule.limit,
        windowSeconds: rule.windowSeconds,
        class: kind,
      });
    }
    ctx.set('RateLimit-Remaining', String(decision.remaining));
    return next();
  };
}
