// Prometheus metrics of the API: default process metrics, a request duration histogram labelled by
// method, route template and status, and a counter of error answers by their stable code.
// Labels never carry a raw path: an unmatched request is counted under the route "(unmatched)".
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  errors: Counter<'code'>;
  /** From a complete upload to the turn's verdict (verification and the transcript's update), by outcome. */
  verification: Histogram<'outcome'>;
  /** Contributions the verification refused, by the check that failed. */
  rejections: Counter<'check'>;
}

export const UNMATCHED_ROUTE = '(unmatched)';

/** A fresh registry with the default process metrics and the API's own metrics. */
export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'ceremony_http_request_duration_seconds',
    help: 'Duration of HTTP requests, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'ceremony_http_errors_total',
    help: 'Error answers of the API, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const verification = new Histogram({
    name: 'ceremony_contribution_verification_seconds',
    help: "From a complete upload to the turn's verdict (verification, the new transcript, the receipt), by outcome",
    labelNames: ['outcome'] as const,
    buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'ceremony_contributions_rejected_total',
    help: 'Contributions refused by verification, by the failed check (as the records name it)',
    labelNames: ['check'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, errors, verification, rejections };
}

let processMetrics: ApiMetrics | undefined;

/** The process-wide metrics (created on first use: default metrics are collected once per process). */
export function apiMetrics(): ApiMetrics {
  processMetrics ??= createMetrics();
  return processMetrics;
}

/** The route template @koa/router matched (e.g. `/transcript/:sequence`), else "(unmatched)". */
function routeTemplate(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string' && matched !== '') return matched;
  if (matched instanceof RegExp) return matched.source;
  return UNMATCHED_ROUTE;
}

/** The `code` of a JSON error body `{code, message}`, if the body is one. */
function errorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return undefined;
  const code = (body as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : undefined;
}

/**
 * Times every request and counts error answers. Mount it before the error middleware so it sees the
 * final status and the `{code, message}` body the error middleware wrote.
 */
export function metricsMiddleware(metrics: ApiMetrics = apiMetrics()): Middleware {
  return async (ctx, next) => {
    const stop = metrics.httpDuration.startTimer();
    let thrown: unknown;
    let failed = false;
    try {
      await next();
    } catch (err) {
      thrown = err;
      failed = true;
    }
    const errStatus = (thrown as { status?: unknown } | undefined)?.status;
    const status = failed ? (typeof errStatus === 'number' ? errStatus : 500) : ctx.status;
    stop({ method: ctx.method, route: routeTemplate(ctx), status: String(status) });
    if (status >= 400) {
      const code = failed ? errorCode(thrown) : errorCode(ctx.body);
      metrics.errors.inc({ code: code ?? `HTTP_${status}` });
    }
    if (failed) throw thrown;
  };
}

/** `GET /metrics`: the registry in the Prometheus text exposition format. */
export function metricsRoutes(metrics: ApiMetrics = apiMetrics()): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', metrics.registry.contentType);
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
