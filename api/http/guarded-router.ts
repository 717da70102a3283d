// A router with one guard for all its routes (requireSession, requireAdmin), mounted once with
// router.use: it runs only for a request that reaches one of this router's routes, before the
// route's own middleware (so before any body is read).
//
// The routes are written with their full paths rather than under the router's `prefix` option: with
// a prefix, @koa/router (15.7) matches router-level middleware case-sensitively while it matches the
// routes themselves case-insensitively, so `/ADMIN/ban` would reach the handler without the guard
// (test/hostile/ spells every route in upper case to pin this).
import Router from '@koa/router';
import type { Middleware } from 'koa';

export function guardedRouter(guard: Middleware): Router {
  const router = new Router();
  router.use(guard);
  return router;
}
