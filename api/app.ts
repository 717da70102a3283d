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

export interface ApiDeps {
  cfg: Config;
  log: Logger;
  temporal: Client;
  store: ObjectStore;
}

export function createApp(deps: ApiDeps): Koa {
  const app = new Koa({ proxy: deps.cfg.api.trustProxy });
  app.silent = true;
  app.use(requestContext(deps.log));
  app.use(errorMiddleware(deps.log));
  const health = healthRoutes(deps);
  app.use(health.routes()).use(health.allowedMethods());
  return app;
}
