// The public web front, served by the API itself: the live page (/), the browser contributor
// (/contribute), the receipt checker (/receipt) and their assets, built into web/dist by
// scripts/build-web.ts (npm run setup). The files are read once at start-up into memory, so a
// request can only ever name one of them; nothing is fetched from anywhere else at run time.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import type { Context } from 'koa';
import { CeremonyError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url)); // web/build.ts writes it

/** The route of the pages' scripts and styles. */
export const WEB_ASSET_ROUTE = '/assets/:file';

/** The pages, by path. */
export const WEB_PAGES = { '/': 'index.html', '/contribute': 'contribute.html', '/receipt': 'receipt.html' } as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Scripts and styles from this origin only. 'wasm-unsafe-eval' lets the contributor's workers compile
 * the engine's WebAssembly (mcl), which is bundled, not fetched. connect-src is this origin: the pages
 * talk only to the coordinator that served them.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

interface WebFile {
  body: Buffer;
  type: string;
  etag: string;
}

const MAX_ASSETS = 64;
const MAX_ASSET_BYTES = 16 * 1024 * 1024;

function load(path: string): WebFile {
  const body = readFileSync(path);
  return { body, type: TYPES[extname(path)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** Every built file, by its URL path; undefined when the web front has not been built. */
export function loadWebFront(dist = WEB_DIST): Map<string, WebFile> | undefined {
  if (!existsSync(join(dist, 'index.html'))) return undefined;
  const files = new Map<string, WebFile>();
  for (const [path, name] of Object.entries(WEB_PAGES)) files.set(path, load(join(dist, name)));
  const assets = readdirSync(join(dist, 'assets')).filter((name) => TYPES[extname(name)] !== undefined);
  if (assets.length > MAX_ASSETS) throw new Error(`web/dist/assets holds ${assets.length} files, more than ${MAX_ASSETS}`);
  for (const name of assets) {
    const path = join(dist, 'assets', name);
    if (!statSync(path).isFile() || statSync(path).size > MAX_ASSET_BYTES) continue;
    files.set(`/assets/${name}`, load(path));
  }
  return files;
}

function send(ctx: Context, file: WebFile): void {
  ctx.set('Content-Security-Policy', WEB_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  // The names are not content-hashed: a browser asks again each time, and an unchanged file is a 304.
  ctx.set('Cache-Control', 'no-cache');
  ctx.etag = file.etag;
  ctx.type = file.type;
  // Koa judges freshness only for a 2xx answer.
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = file.body;
}

export function webFrontRoutes(deps: { log: Logger; dist?: string }): Router {
  const files = loadWebFront(deps.dist);
  if (files === undefined) deps.log.warn({ dist: deps.dist ?? WEB_DIST }, 'the web front is not built (npm run setup builds it); its pages answer 503');
  const router = new Router();
  const serve = (ctx: Context, path: string): void => {
    if (files === undefined) throw new CeremonyError('NOT_READY', 'the web front is not built on this server (npm run setup builds it)');
    const file = files.get(path);
    if (file === undefined) throw new CeremonyError('NOT_FOUND', `no file ${path}`);
    send(ctx, file);
  };
  for (const path of Object.keys(WEB_PAGES)) router.get(path, (ctx) => serve(ctx, path));
  router.get(WEB_ASSET_ROUTE, (ctx) => serve(ctx, `/assets/${ctx.params['file'] ?? ''}`));
  return router;
}
