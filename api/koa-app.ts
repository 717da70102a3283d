// The Koa application every API server runs, in one place: the proxy trust, the middleware in its
// order (request id and log line, CORS, metrics, errors, the in-flight bound, authentication, rate limits),
// then the routers.
// api/app.ts gives it the ceremony's routers; tests give it the routers they exercise.
import type Router from '@koa/router';
import Koa from 'koa';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { authenticate } from './auth/middleware.js';
import { corsFor } from './cors.js';
import { checkLimitedRoutes, rateLimits, type RateLimitOptions } from './auth/rate-limit.js';
import type { SessionTokens } from './auth/session.js';
import { errorMiddleware } from './errors-middleware.js';
import { inFlightLimit } from './in-flight.js';
import { metricsMiddleware } from './metrics.js';
import { requestContext } from './request-context.js';
import { declaredRoutes, requestRoute, routeOf } from './route-of.js';

/**
 * Koa with the configured proxy trust. Behind proxies, the client's address is the entry that
 * api.proxyHops proxies back in X-Forwarded-For (each proxy appends the address it saw); entries further
 * left were written by the client and are never trusted.
 */
export function createKoa(cfg: Config): Koa {
  return new Koa({ proxy: cfg.api.trustProxy, maxIpsCount: cfg.api.trustProxy ? cfg.api.proxyHops : 0 });
}

export interface AssembleOptions {
  rateLimits?: RateLimitOptions;
}

export function assembleApp(deps: { cfg: Config; log: Logger; tokens: SessionTokens }, routers: readonly Router[], options: AssembleOptions = {}): Koa {
  checkLimitedRoutes(deps.cfg.auth.rateLimits, declaredRoutes(routers));
  const app = createKoa(deps.cfg);
  app.silent = true;
  const route = requestRoute(routeOf(routers));
  app.use(requestContext(deps.log));
  // Before the error answers and the limits, so a refused call still tells a permitted origin's browser.
  const crossOrigin = corsFor(deps.cfg.api.corsOrigins);
  if (crossOrigin !== undefined) app.use(crossOrigin);
  app.use(metricsMiddleware());
  app.use(errorMiddleware(deps.log));
  const { rateLimits: limits } = deps.cfg.auth;
  app.use(inFlightLimit({ total: deps.cfg.api.maxInFlightRequests, perAddress: limits.enabled ? limits.inFlightPerAddress : Number.POSITIVE_INFINITY }, route));
  app.use(authenticate(deps.tokens));
  app.use(rateLimits(limits, route, options.rateLimits));
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
