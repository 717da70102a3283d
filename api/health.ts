// Liveness and readiness.
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { CeremonyError } from '../common/errors.js';
import type { ObjectStore } from '../store/index.js';
import type { Health, Readiness } from './contracts/health.js';
import { pingTemporal } from '../runtime/temporal.js';

export function healthRoutes(deps: { temporal: Client; store: ObjectStore }): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' } satisfies Health;
  });
  router.get('/readyz', async (ctx) => {
    const checks: Record<string, string> = {};
    const results = await Promise.allSettled([pingTemporal(deps.temporal, 2_000), deps.store.ping()]);
    const names = ['temporal', 'store'];
    results.forEach((result, i) => {
      checks[names[i] ?? String(i)] = result.status === 'fulfilled' ? 'ok' : (result.reason as Error).message;
    });
    const ready = results.every((r) => r.status === 'fulfilled');
    if (!ready) {
      throw new CeremonyError('NOT_READY', 'a dependency is not reachable', { checks });
    }
    ctx.body = { status: 'ready', checks } satisfies Readiness;
  });
  return router;
}
