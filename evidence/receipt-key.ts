// The coordinator's receipt signing key (Ed25519): from configuration, or generated once and kept
// under <dataDir>/keys/receipt-ed25519.pem (mode 0600). Its public JWK is published so anyone can
// check a receipt offline.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { ConfigError, RECEIPT_KEY_REQUIRED, type Config } from '../common/config.js';

export interface ReceiptKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

async function readConfiguredKey(cfg: Config): Promise<{ pem: string; origin: string } | undefined> {
  const inline = cfg.evidence.receiptKey;
  if (inline !== undefined) return { pem: inline, origin: 'evidence.receiptKey' };
  const file = cfg.evidence.receiptKeyFile;
  if (file === undefined) return undefined;
  try {
    return { pem: await readFile(file, 'utf8'), origin: file };
  } catch (err) {
    throw new ConfigError(`cannot read evidence.receiptKeyFile ${file}: ${(err as Error).message}`);
  }
}

async function generatedKey(cfg: Config): Promise<string> {
  const dir = path.join(cfg.dataDir, 'keys');
  const file = path.join(dir, 'receipt-ed25519.pem');
  try {
    return await readFile(file, 'utf8');
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
      return pem;
    } catch {
      // Another process created it first: use theirs.
      return readFile(file, 'utf8');
    }
  }
}

export async function loadReceiptKey(cfg: Config): Promise<ReceiptKey> {
  const configured = await readConfiguredKey(cfg);
  // Against a shared Temporal (not the embedded dev server), processes on other hosts sign receipts
  // too: a key made here would be this process's alone, and its receipts would not verify against
  // the one the public pins.
  if (configured === undefined && cfg.temporal.address !== undefined) {
    throw new ConfigError(RECEIPT_KEY_REQUIRED);
  }
  const pem = configured?.pem ?? (await generatedKey(cfg));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem.trim(), format: 'pem' });
  } catch (err) {
    throw new ConfigError(`receipt key from ${configured?.origin ?? 'the data directory'} is not a private PEM: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`receipt key from ${configured?.origin ?? 'the data directory'} must be Ed25519`);
  }
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}
