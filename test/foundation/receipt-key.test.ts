// The receipt key outside the embedded stack (#13 item 7): against a shared Temporal every process must
// sign with the one configured key; a process refuses to start rather than make a key of its own.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config.js';
import { loadReceiptKey } from '../../evidence/receipt-key.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'receipt-key-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('refuses to make a key of its own when TEMPORAL_ADDRESS names a shared Temporal', async () => {
  const cfg = loadConfig({ env: { TEMPORAL_ADDRESS: 'temporal.example:7233', CEREMONY_DATA_DIR: dir } });
  const err = await loadReceiptKey(cfg).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/CEREMONY_RECEIPT_KEY_FILE/);
});

it('uses the configured key against a shared Temporal, and makes one only for the embedded stack', async () => {
  const file = path.join(dir, 'receipt.pem');
  await writeFile(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  const shared = await loadReceiptKey(loadConfig({ env: { TEMPORAL_ADDRESS: 'temporal.example:7233', CEREMONY_RECEIPT_KEY_FILE: file, CEREMONY_DATA_DIR: dir } }));
  expect(shared.kid).toMatch(/^[\w-]{43}$/);
  const embedded = await loadReceiptKey(loadConfig({ env: { CEREMONY_DATA_DIR: dir } }));
  expect(embedded.kid).not.toBe(shared.kid);
});
