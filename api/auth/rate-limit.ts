// The participant API's rate limits, per client address and per replica (seed 002): login attempts,
// other requests without valid authentication, and requests with valid authentication, each with its
// own window. Mount after `authenticate` so a valid session is known. Excess → RATE_LIMITED (429 with
// Retry-After). The client address is ctx.ip (X-Forwarded-For is honoured when app.proxy is true).
import type { Context, Middleware } from 'koa';
import { CeremonyError } from '../../common/errors.js';
import type { RateLimitConfig } from '../../identity/auth-config.js';
import { sessionOf } from './middleware.js';
import { SlidingWindowLimiter } from './sliding-window.js';

export type RequestClass = 'exempt' | 'login' | 'unauthenticated' | 'authenticated';

/** Which limit a request counts against. Needs `authenticate` to have run. */
export function classifyRequest(ctx: Context, cfg: Pick<RateLimitConfig, 'exemptPaths' | 'loginPaths'>): RequestClass {
  if (cfg.exemptPaths.includes(ctx.path)) return 'exempt';
  if (cfg.loginPaths.includes(ctx.path)) return 'login';
  return sessionOf(ctx) === undefined ? 'unauthenticated' : 'authenticated';
}

export interface RateLimitOptions {
  /** Clock in milliseconds; Date.now by default. */
  now?: () => number;
}

type Limited = Exclude<RequestClass, 'exempt'>;

export function rateLimits(cfg: RateLimitConfig, options: RateLimitOptions = {}): Middleware {
  const now = options.now ?? Date.now;
  const limiters: Record<Limited, SlidingWindowLimiter> = {
    login: new SlidingWindowLimiter({ limit: cfg.login.limit, windowMs: cfg.login.windowSeconds * 1000 }, cfg.maxTrackedClients),
    unauthenticated: new SlidingWindowLimiter(
      { limit: cfg.unauthenticated.limit, windowMs: cfg.unauthenticated.windowSeconds * 1000 },
      cfg.maxTrackedClients,
    ),
    authenticated: new SlidingWindowLimiter(
      { limit: cfg.authenticated.limit, windowMs: cfg.authenticated.windowSeconds * 1000 },
      cfg.maxTrackedClients,
    ),
  };
  return async (ctx, next) => {
    if (!cfg.enabled) return next();
    const kind = classifyRequest(ctx, cfg);
    if (kind === 'exempt') return next();
    const rule = cfg[kind];
    const decision = limiters[kind].hit(ctx.ip, now());
    ctx.set('RateLimit-Policy', `${rule.limit};w=${rule.windowSeconds}`);
    if (!decision.allowed) {
      throw new CeremonyError(
        'RATE_LIMITED',
        `too many ${kind === 'login' ? 'login attempts' : `${kind} requests`} from this address: at most ${rule.limit} per ${rule.windowSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds, limit: rule.limit, windowSeconds: rule.windowSeconds, class: kind },
      );
    }
    ctx.set('RateLimit-Remaining', String(decision.remaining));
    return next();
  };
}
