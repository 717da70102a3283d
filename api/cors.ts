// CORS for clients served from other origins (api.corsOrigins): the seed asks for a diversity of
// contributor clients, and a browser client hosted elsewhere needs the API to say it may call it.
// Sessions are bearer tokens in the Authorization header, never cookies, so no origin is given
// credentials; the turn's headers (x-turn-id, x-sequence, ...) are exposed to it.
import cors from '@koa/cors';
import type { Context, Middleware } from 'koa';
import { TURN_HEADERS } from './contracts/turn-headers.js';
import { CHECKIN_TOKEN } from './contracts/checkin-token.js';

/** Headers of POST /contribution/start (and the request id) a cross-origin client must be able to read. */
export const EXPOSED_HEADERS = ['X-Request-Id', ...Object.values(TURN_HEADERS), 'Retry-After'];

/** The CORS middleware for the configured origins; none configured: no CORS headers at all. */
export function corsFor(origins: readonly string[]): Middleware | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return cors({
    // An origin not on the list gets no Access-Control-Allow-Origin, so its browser refuses the answer.
    origin: (ctx: Context) => {
      const origin = ctx.get('Origin');
      return any ? '*' : allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', CHECKIN_TOKEN.header.toLowerCase()],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    credentials: false,
  });
}
