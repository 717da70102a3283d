// The API server's graceful close waits for handlers still at work, also when their client went
// away: their Temporal calls must not outlive the close. The timeout still bounds it.
import Koa from 'koa';
import { expect, it } from 'vitest';
import { listen } from '../../api/server.js';

function appHeldUntilReleased(): { app: Koa; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let began!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const started = new Promise<void>((r) => (began = r));
  const app = new Koa();
  app.use(async (ctx) => {
    began();
    await held;
    ctx.body = { ok: true };
  });
  return { app, started, release };
}

it('waits for a handler whose client disconnected, then closes', async () => {
  const { app, started, release } = appHeldUntilReleased();
  const server = await listen(app, '127.0.0.1', 0, 10_000);
  const gone = new AbortController();
  const call = fetch(server.url, { signal: gone.signal }).catch(() => 'aborted');
  await started;
  gone.abort();
  expect(await call).toBe('aborted');
  let closed = false;
  const closing = server.close(10_000).then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 300));
  expect(closed).toBe(false);
  release();
  await closing;
  expect(closed).toBe(true);
});

it('gives up waiting after its timeout', async () => {
  const { app, started } = appHeldUntilReleased();
  const server = await listen(app, '127.0.0.1', 0, 10_000);
  const call = fetch(server.url).catch(() => 'dropped');
  await started;
  const began = Date.now();
  await server.close(300);
  expect(Date.now() - began).toBeGreaterThanOrEqual(250);
  expect(await call).toBe('dropped');
});
