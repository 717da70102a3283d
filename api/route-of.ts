// The route a request reaches, as its routers declare it (e.g. `/login`, `/transcript/:sequence`),
// found the way @koa/router dispatches: case-insensitively, with or without a trailing slash, first
// router first. Anything keyed on a route (rate limits) uses this, never the raw path, which a client
// can spell many ways (`/LOGIN`, `/login/`) that reach the same handler.
import type Router from '@koa/router';
import type { Context } from 'koa';

export type RouteOf = (method: string, path: string) => string | undefined;
/** The route of one request, looked up once however many middlewares ask. */
export type RequestRoute = (ctx: Pick<Context, 'method' | 'path' | 'state'>) => string | undefined;

export function requestRoute(route: RouteOf): RequestRoute {
  return (ctx) => {
    if (ctx.state.route === undefined) ctx.state.route = route(ctx.method, ctx.path) ?? null;
    return ctx.state.route ?? undefined;
  };
}

export function routeOf(routers: readonly Router[]): RouteOf {
  return (method, path) => {
    for (const router of routers) {
      const match = router.match(path, method);
      if (!match.route) continue;
      const layer = [...match.pathAndMethod].reverse().find((l) => l.methods.length > 0);
      if (layer !== undefined) return String(layer.path);
    }
    return undefined;
  };
}

/** Every route path the routers declare. */
export function declaredRoutes(routers: readonly Router[]): Set<string> {
  return new Set(routers.flatMap((router) => router.stack.filter((layer) => layer.methods.length > 0).map((layer) => String(layer.path))));
}
