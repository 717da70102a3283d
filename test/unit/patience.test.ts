// The clients' patience (#11, #13): capped exponential backoff with jitter for a budget of time, a
// deadline never passed in silence, and on giving up a message that names the target, the cause and
// how to resume.
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, DEFAULT_PATIENCE, GaveUpError, backoffMs, requestJson, withRetries } from '../../client/http.js';

describe('backoff', () => {
  it('doubles from the base up to the cap, with the jitter in the upper half', () => {
    const p = { baseMs: 250, capMs: 15_000 };
    expect([0, 1, 2, 3].map((n) => backoffMs(n, p, 0))).toEqual([125, 250, 500, 1_000]);
    expect([0, 1, 2, 3].map((n) => backoffMs(n, p, 0.999_999))).toEqual([250, 500, 1_000, 2_000]);
    expect(backoffMs(50, p, 0)).toBe(7_500);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = backoffMs(n, p, r);
        return d >= Math.min(p.capMs, p.baseMs * 2 ** Math.min(n, 30)) / 2 && d <= p.capMs;
      }),
    );
  });

  it('keeps trying for ten minutes by default', () => {
    expect(DEFAULT_PATIENCE.budgetMs).toBeGreaterThanOrEqual(10 * 60_000);
  });
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
  server = undefined;
});

/** A coordinator that answers 503 to the first `failures` requests, then 200. */
async function flaky(failures: number): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((req, res) => {
    hits += 1;
    req.resume();
    const ok = hits > failures;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { ok: true } : { code: 'TEMPORAL_UNAVAILABLE', message: 'down' }));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, hits: () => hits };
}

const quick = { budgetMs: 30_000, baseMs: 20, capMs: 100 };

describe('withRetries', () => {
  it('outlasts a run of failures within its budget', async () => {
    const { url, hits } = await flaky(8);
    const retries: number[] = [];
    expect(await withRetries(() => requestJson(url, '/x'), true, { onTransient: (_m, next) => retries.push(next) }, quick)).toEqual({ ok: true });
    expect(hits()).toBe(9);
    expect(retries).toHaveLength(8);
    for (const d of retries) expect(d).toBeLessThanOrEqual(quick.capMs);
  });

  it('gives up after its budget with the target, the cause and how to resume', async () => {
    const { url } = await flaky(Number.MAX_SAFE_INTEGER);
    const err = await withRetries(() => requestJson(url, '/x'), true, { target: url }, { ...quick, budgetMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GaveUpError);
    expect((err as GaveUpError).message).toContain(url);
    expect((err as GaveUpError).message).toMatch(/TEMPORAL_UNAVAILABLE: down/);
    expect((err as GaveUpError).message).toMatch(/run the same command again to resume/);
    expect((err as GaveUpError).cause).toBeInstanceOf(ApiError);
  });

  it('says once when a deadline passes while it retries, and goes on', async () => {
    const { url } = await flaky(6);
    let told = 0;
    await withRetries(() => requestJson(url, '/x'), true, { deadline: Date.now(), onDeadlinePassed: () => (told += 1) }, quick);
    expect(told).toBe(1);
  });

  it('does not repeat a call that is not safe to repeat', async () => {
    const { url, hits } = await flaky(1);
    await expect(withRetries(() => requestJson(url, '/x'), false, {}, quick)).rejects.toBeInstanceOf(ApiError);
    expect(hits()).toBe(1);
  });
});
