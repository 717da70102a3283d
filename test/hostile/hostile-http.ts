// What the hostile suites share: requests sent exactly as written (odd methods, raw paths, lying
// headers, bodies cut short), the invariant every answer must keep, forged session tokens, and the
// route list of each ceremony mode taken from the routers the API mounts.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { Client } from '@temporalio/client';
import { base64url, generateKeyPair, SignJWT } from 'jose';
import { expect } from 'vitest';
import { apiRouters } from '../../api/app.js';
import { createSessionTokens } from '../../api/auth/session.js';
import { loadConfig, type Config } from '../../common/config.js';
import { errorCodes, isErrorCode } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import { FsObjectStore } from '../../store/fs-store.js';

export interface RawRequest {
  method: string;
  /** Sent as written: no normalisation, no encoding. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request through node:http, which sends the method and path as given. */
export function send(baseUrl: string, request: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(body.length);
    const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${request.method} ${request.path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written straight to a socket (for what node:http refuses to send); the answer's status line and body. */
export function sendBytes(baseUrl: string, bytes: string, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no answer')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      resolve({ status, text: raw.slice(raw.indexOf('\r\n\r\n') + 4) });
    });
    socket.end(bytes);
  });
}

/**
 * Sends the headers and the first bytes of a body whose Content-Length promises far more, then waits:
 * the answer must come without the rest of the body (the request was refused before it was read).
 */
export function sendHeadOfLargeBody(baseUrl: string, request: { path: string; headers: Record<string, string>; declaredBytes: number; sentBytes: number }, timeoutMs = 30_000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: request.path, headers: { ...request.headers, 'content-length': String(request.declaredBytes) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms: the server waited for the body`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('close', () => clearTimeout(timer));
    req.write(Buffer.alloc(request.sentBytes, 0x20));
  });
}

/** The invariant of every answer: never a 5xx; an error is JSON {code, message} with a known code whose status it carries. */
export function expectWellFormed(answer: { status: number; text: string }, what: string): Record<string, unknown> | undefined {
  expect(answer.status, `${what}: status`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${what}: a 5xx (${answer.text.slice(0, 200)})`).toBeLessThan(500);
  if (answer.status < 400) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`${what}: ${answer.status} answered with a body that is not JSON: ${JSON.stringify(answer.text.slice(0, 200))}`);
  }
  const error = body as { code?: unknown; message?: unknown };
  expect(isErrorCode(error.code), `${what}: unknown code ${String(error.code)}`).toBe(true);
  expect(typeof error.message, `${what}: message`).toBe('string');
  if (isErrorCode(error.code)) expect(errorCodes[error.code], `${what}: ${error.code} carries its own status`).toBe(answer.status);
  return body as Record<string, unknown>;
}

/** Sends, checks the invariant, and returns the error code (undefined for a success). */
export async function codeOf(baseUrl: string, request: RawRequest, what = `${request.method} ${request.path}`): Promise<{ status: number; code: string | undefined; answer: RawAnswer }> {
  const answer = await send(baseUrl, request);
  const body = expectWellFormed(answer, what);
  return { status: answer.status, code: body === undefined ? undefined : String(body['code']), answer };
}

export interface Route {
  method: string;
  template: string;
  /** The template with its parameters filled with plausible values. */
  path: string;
}

const PARAM_VALUES: Record<string, string> = {
  chunk: '0',
  sha: 'a'.repeat(64),
  prefix: 'records',
  submission: 'b'.repeat(32),
  sequence: '0',
  id: 'c'.repeat(64),
  identity: 'dev%7Cnobody',
  contributionId: 'r1a0-c0-1',
};

/** Every route the API serves in the mode (HEAD aside), from the routers api/app.ts mounts. */
export async function routesOf(mode: 'sequential' | 'rounds'): Promise<Route[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hostile-routes-'));
  try {
    const cfg = loadConfig({ env: {}, overrides: { dataDir: dir, ceremony: { mode } } });
    // Listing needs the routers only: the client's connection is lazy and never used.
    const routers = apiRouters({
      cfg,
      log: createLogger('silent'),
      temporal: new Client(),
      store: new FsObjectStore(path.join(dir, 'objects')),
      tokens: await createSessionTokens(cfg),
      receiptKeys: [],
    });
    return routers.flatMap((router) =>
      router.stack.flatMap((layer) =>
        layer.methods
          .filter((m) => m !== 'HEAD')
          .map((method) => ({ method, template: String(layer.path), path: String(layer.path).replace(/:(\w+)/g, (_, name: string) => PARAM_VALUES[name] ?? 'x') })),
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ForgedTokens {
  /** A valid token with one character of its signature changed. */
  badSignature: string;
  /** `alg: none`, no signature, the same claims. */
  algNone: string;
  /** HS256 with the public key's JWK as the HMAC secret (algorithm confusion). */
  algConfusion: string;
  /** Signed by another key pair with the same alg and kid. */
  otherKey: string;
  /** Signed with the real key, expired an hour ago. */
  expired: string;
  /** Signed with the real key for another audience. */
  otherAudience: string;
  /** Three dots of nothing. */
  garbage: string;
}

/** Tokens an attacker could bring, built against the stack's own session keys (loaded from its data directory). */
export async function forgedTokens(cfg: Config, validToken: string): Promise<ForgedTokens> {
  const real = await createSessionTokens(cfg);
  const [header, payload, signature] = validToken.split('.') as [string, string, string];
  const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
  const hsHeader = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: real.keys.kid }));
  const hsMac = createHmac('sha256', JSON.stringify(real.keys.publicJwk)).update(`${hsHeader}.${payload}`).digest('base64url');
  const other = await generateKeyPair(real.keys.alg, { extractable: true });
  const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: real.keys.alg, kid: real.keys.kid, typ: 'JWT' }).sign(other.privateKey);
  const past = Math.floor(Date.now() / 1000) - 7200;
  const expired = await new SignJWT({ ...claims, iat: past, exp: past + 3600 }).setProtectedHeader({ alg: real.keys.alg, kid: real.keys.kid, typ: 'JWT' }).sign(real.keys.privateKey);
  const otherAudience = await new SignJWT({ ...claims, aud: 'another-ceremony' }).setProtectedHeader({ alg: real.keys.alg, kid: real.keys.kid, typ: 'JWT' }).sign(real.keys.privateKey);
  return { badSignature: `${header}.${payload}.${flipped}`, algNone: none, algConfusion: `${hsHeader}.${payload}.${hsMac}`, otherKey, expired, otherAudience, garbage: '...' };
}

/** A JSON value nested `depth` levels deep. */
export function deeplyNested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
export const json = { 'content-type': 'application/json' };
