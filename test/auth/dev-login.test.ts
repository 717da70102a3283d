// Development login: on only when auth.dev.enabled; refused with FORBIDDEN otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postJson, startTestApp, type TestApp } from './helpers.js';

let enabled: TestApp;
let disabled: TestApp;

beforeAll(async () => {
  enabled = await startTestApp({ auth: { dev: { enabled: true } } });
  disabled = await startTestApp();
});

afterAll(async () => {
  await enabled?.close();
  await disabled?.close();
});

describe('POST /login {provider: dev}', () => {
  it('answers {token, participantId, expiresAt} when enabled', async () => {
    const before = Date.now();
    const res = await postJson(`${enabled.url}/login`, { provider: 'dev', name: 'alice' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'participantId', 'token']);
    expect(res.body['participantId']).toBe('dev|alice');
    const expiresAt = Number(res.body['expiresAt']);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is FORBIDDEN when auth.dev.enabled is false (the default)', async () => {
    const res = await postJson(`${disabled.url}/login`, { provider: 'dev', name: 'alice' });
    expect(res.status).toBe(403);
    expect(res.body['code']).toBe('FORBIDDEN');
    expect(String(res.body['message'])).toMatch(/dev login is disabled/);
  });

  it('validates the name', async () => {
    for (const name of ['', 'Alice', 'a|b', '-x', 'x'.repeat(41), 'with space']) {
      const res = await postJson(`${enabled.url}/login`, { provider: 'dev', name });
      expect(res.status, name).toBe(400);
      expect(res.body['code']).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses bad bodies with typed 4xx errors', async () => {
    expect((await postJson(`${enabled.url}/login`, { provider: 'dev' })).body['code']).toBe('VALIDATION_FAILED');
    expect((await postJson(`${enabled.url}/login`, { provider: 'nope', name: 'x' })).body['code']).toBe('VALIDATION_FAILED');
    expect((await postJson(`${enabled.url}/login`, { provider: 'dev', name: 'x', extra: 1 })).body['code']).toBe('VALIDATION_FAILED');
    const github = await postJson(`${enabled.url}/login`, { provider: 'github' });
    expect(github.body['message']).toMatch(/auth\/github\/start/);
    const malformed = await call(`${enabled.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(malformed.status).toBe(400);
    expect(malformed.body['code']).toBe('MALFORMED_JSON');
    const text = await call(`${enabled.url}/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    const huge = await postJson(`${enabled.url}/login`, { provider: 'dev', name: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body['code']).toBe('PAYLOAD_TOO_LARGE');
  });
});
