// The Koa application: stateless, any number of replicas. Each route turns a call into a workflow
// signal, update or query; the app itself keeps no ceremony state.
import Koa from 'koa';
import type { Client } from '@temporalio/client';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { ObjectStore } from '../store/index.js';
import { errorMiddleware } from './errors-middleware.js';
import { healthRoutes } from './health.js';
import { requestContext } from './request-context.js';
import { authenticate } from './auth/middleware.js';
import { rateLimits } from './auth/rate-limit.js';
import { authRoutes } from './auth/routes.js';
import type { SessionTokens } from './auth/session.js';
import type { JWK } from 'jose';
import { SequentialGateway } from './sequential/gateway.js';
import { sequentialRoutes } from './sequential/routes.js';
import { RoundsGateway } from './rounds/gateway.js';
import { roundsRoutes } from './rounds/routes.js';
import { openApiRoutes } from './openapi.js';
import { metricsMiddleware, metricsRoutes } from './metrics.js';

export interface ApiDeps {
  cfg: Config;
  log: Logger;
  temporal: Client;
  store: ObjectStore;
  tokens: SessionTokens;
  /** Public keys that sign receipts (published at /ceremony/info). */
  receiptKeys: JWK[];
}

export function createApp(deps: ApiDeps): Koa {
  const app = new Koa({ proxy: deps.cfg.api.trustProxy });
  app.silent = true;
  app.use(requestContext(deps.log));
  app.use(metricsMiddleware());
  app.use(errorMiddleware(deps.log));
  app.use(authenticate(deps.tokens));
  app.use(rateLimits(deps.cfg.auth.rateLimits));
  const auth = authRoutes({ cfg: deps.cfg, tokens: deps.tokens });
  app.use(auth.routes()).use(auth.allowedMethods());
  const health = healthRoutes(deps);
  app.use(health.routes()).use(health.allowedMethods());
  const metrics = metricsRoutes();
  app.use(metrics.routes()).use(metrics.allowedMethods());
  const openapi = openApiRoutes();
  app.use(openapi.routes()).use(openapi.allowedMethods());
  if (deps.cfg.ceremony.mode === 'sequential') {
    const gateway = new SequentialGateway(deps.temporal, deps.cfg);
    const sequential = sequentialRoutes({ ...deps, gateway });
    app.use(sequential.routes()).use(sequential.allowedMethods());
  } else {
    const rounds = roundsRoutes({ ...deps, gateway: new RoundsGateway(deps.temporal, deps.cfg) });
    app.use(rounds.routes()).use(rounds.allowedMethods());
  }
  return app;
}
