// GET /metrics: a small Koa app with the metrics middleware, the error middleware and a router;
// after a few requests the exposition holds the process metrics, the duration histogram labelled by
// route template (never the raw path) and the error counter by code.
import Router from '@koa/router';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../../api/errors-middleware.js';
import { createMetrics, metricsMiddleware, metricsRoutes } from '../../api/metrics.js';
import { listen, type RunningServer } from '../../api/server.js';
import { CeremonyError } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';

let server: RunningServer;

beforeAll(async () => {
  const metrics = createMetrics();
  const app = new Koa();
  app.silent = true;
  app.use(metricsMiddleware(metrics));
  app.use(errorMiddleware(createLogger('silent')));
  const routes = new Router();
  routes.get('/transcript/:sequence', (ctx) => {
    if (ctx.params['sequence'] === '404') throw new CeremonyError('NOT_FOUND', 'no such contribution');
    ctx.body = { sequence: Number(ctx.params['sequence']) };
  });
  routes.post('/boom', () => {
    throw new Error('unexpected');
  });
  app.use(routes.routes()).use(routes.allowedMethods());
  const exposition = metricsRoutes(metrics);
  app.use(exposition.routes()).use(exposition.allowedMethods());
  server = await listen(app, '127.0.0.1', 0, 10_000);
});

afterAll(async () => {
  await server?.close(1_000);
});

async function call(method: string, path: string): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, { method });
  await res.arrayBuffer();
  return res;
}

describe('metrics', () => {
  it('exposes the histogram by route template and the error counter by code', async () => {
    expect((await call('GET', '/transcript/1')).status).toBe(200);
    expect((await call('GET', '/transcript/2')).status).toBe(200);
    expect((await call('GET', '/transcript/404')).status).toBe(404);
    expect((await call('POST', '/boom')).status).toBe(500);
    expect((await call('GET', '/no/such/path')).status).toBe(404);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    // Default process metrics.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);

    // The histogram: one series per method, route template and status.
    expect(text).toContain('# TYPE ceremony_http_request_duration_seconds histogram');
    expect(text).toMatch(/^ceremony_http_request_duration_seconds_count\{method="GET",route="\/transcript\/:sequence",status="200"\} 2$/m);
    expect(text).toMatch(/^ceremony_http_request_duration_seconds_count\{method="GET",route="\/transcript\/:sequence",status="404"\} 1$/m);
    expect(text).toMatch(/^ceremony_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/boom",status="500"\} 1$/m);
    expect(text).toMatch(/^ceremony_http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status="404"\} 1$/m);
    // Raw paths never become label values.
    expect(text).not.toContain('/transcript/1"');
    expect(text).not.toContain('/no/such/path');

    // The error counter, by the stable code of the JSON error body.
    expect(text).toContain('# TYPE ceremony_http_errors_total counter');
    expect(text).toMatch(/^ceremony_http_errors_total\{code="NOT_FOUND"\} 2$/m);
    expect(text).toMatch(/^ceremony_http_errors_total\{code="INTERNAL"\} 1$/m);
  });

  it('counts its own scrapes under the /metrics route', async () => {
    await call('GET', '/metrics');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^ceremony_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} [1-9]\d*$/m);
  });
});
