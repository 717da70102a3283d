// The Koa application: stateless, any number of replicas. Each route turns a call into a workflow
// signal, update or query; the app itself keeps no ceremony state.
import { CheckinTokens } from './sequential/checkin-token.js';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Client } from '@temporalio/client';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { ObjectStore } from '../store/index.js';
import { healthRoutes } from './health.js';
import { authRoutes } from './auth/routes.js';
import { TemporalNonceLedger } from './auth/nonce-ledger.js';
import type { SessionTokens } from './auth/session.js';
import type { JWK } from 'jose';
import { assembleApp } from './koa-app.js';
import { SequentialGateway } from './sequential/gateway.js';
import { sequentialRoutes } from './sequential/routes.js';
import { RoundsGateway } from './rounds/gateway.js';
import { roundsRoutes } from './rounds/routes.js';
import { openApiRoutes } from './openapi.js';
import { metricsRoutes } from './metrics.js';
import { receiptRoutes } from './receipts.js';
import { recordsRoutes } from './records.js';
import { RecordsLedger } from './records-ledger.js';
import { webFrontRoutes } from './web-front.js';

export interface ApiDeps {
  cfg: Config;
  log: Logger;
  temporal: Client;
  store: ObjectStore;
  tokens: SessionTokens;
  /** Public keys that sign receipts (published at /ceremony/info). */
  receiptKeys: JWK[];
}

/** The routers one replica serves, in dispatch order: the shared ones, then the ceremony mode's. */
export function apiRouters(deps: ApiDeps): Router[] {
  const ledger = new RecordsLedger(deps.temporal, deps.cfg);
  const shared = [
    authRoutes({ cfg: deps.cfg, tokens: deps.tokens, nonces: new TemporalNonceLedger(deps.temporal, deps.cfg) }),
    healthRoutes(deps),
    metricsRoutes(),
    openApiRoutes(),
    receiptRoutes(deps.store),
    recordsRoutes({ store: deps.store, ledger }),
    webFrontRoutes({ log: deps.log }),
  ];
  const mode =
    deps.cfg.ceremony.mode === 'sequential'
      ? sequentialRoutes({
          ...deps,
          ledger,
          gateway: new SequentialGateway(deps.temporal, deps.cfg),
          checkinTokens: new CheckinTokens(deps.tokens.keys.hmacSecret, deps.cfg.ceremony.id, deps.cfg.api.checkinTokenTtlMs),
        })
      : roundsRoutes({ ...deps, ledger, gateway: new RoundsGateway(deps.temporal, deps.cfg) });
  return [...shared, ...mode];
}

export function createApp(deps: ApiDeps): Koa {
  return assembleApp(deps, apiRouters(deps));
}
