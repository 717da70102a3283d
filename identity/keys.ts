// The session signing key: from configuration (PEM or JWK, inline or a file), or generated once and
// kept under <dataDir>/keys/ (mode 0600) so a restart keeps sessions valid. Also derives, from the same
// key, the HMAC secret of the stateless login nonces and OAuth states, so replicas sharing the key agree.
import { createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError, type Config } from '../common/config.js';

export type SessionAlgorithm = 'EdDSA' | 'ES256';

export interface SessionKeys {
  readonly alg: SessionAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Public JWK with kid, alg and use; safe to publish. */
  readonly publicJwk: JWK;
  /** 32 bytes derived from the private key for HMACs (nonces, OAuth state). */
  readonly hmacSecret: Uint8Array;
  /** Where the key came from: 'config', or the path of the generated key file. */
  readonly source: string;
}

function parsePrivateKey(text: string, origin: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as JsonWebKey;
      if (typeof jwk.d !== 'string') throw new Error('the JWK has no private part (d)');
      return createPrivateKey({ key: jwk, format: 'jwk' });
    }
    return createPrivateKey({ key: trimmed, format: 'pem' });
  } catch (err) {
    throw new ConfigError(`session signing key from ${origin} is not a private PEM or JWK: ${(err as Error).message}`);
  }
}

function checkKeyType(key: KeyObject, alg: SessionAlgorithm, origin: string): void {
  const ok = alg === 'EdDSA' ? key.asymmetricKeyType === 'ed25519' : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!ok) {
    const want = alg === 'EdDSA' ? 'an Ed25519 key' : 'a P-256 EC key';
    throw new ConfigError(`session signing key from ${origin} is not ${want} (auth.algorithm is ${alg})`);
  }
}

function generatePem(alg: SessionAlgorithm): string {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Reads the persisted key, creating it first when absent. Creation writes a private temporary file and
 * hard-links it into place, so concurrent starts on one dataDir agree on a single key.
 */
async function persistedKeyPem(dataDir: string, alg: SessionAlgorithm): Promise<{ pem: string; file: string }> {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, `session-${alg === 'EdDSA' ? 'ed25519' : 'es256'}.pem`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return { pem: await readFile(file, 'utf8'), file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = `${file}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(tmp, generatePem(alg), { mode: 0o600, flag: 'wx' });
  try {
    await chmod(tmp, 0o600);
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return { pem: await readFile(file, 'utf8'), file };
}

async function privateKeyText(cfg: Config): Promise<{ text: string; source: string }> {
  const { signingKey, signingKeyFile, algorithm } = cfg.auth;
  if (signingKey !== undefined) return { text: signingKey, source: 'config' };
  if (signingKeyFile !== undefined) {
    try {
      return { text: await readFile(signingKeyFile, 'utf8'), source: 'config' };
    } catch (err) {
      throw new ConfigError(`cannot read auth.signingKeyFile ${signingKeyFile}: ${(err as Error).message}`);
    }
  }
  const { pem, file } = await persistedKeyPem(cfg.dataDir, algorithm);
  return { text: pem, source: file };
}

/** Loads (or generates and persists) the session signing key named by the configuration. */
export async function loadSessionKeys(cfg: Config): Promise<SessionKeys> {
  const alg = cfg.auth.algorithm;
  const { text, source } = await privateKeyText(cfg);
  const origin = source === 'config' ? 'configuration' : source;
  const privateKey = parsePrivateKey(text, origin);
  checkKeyType(privateKey, alg, origin);
  const publicKey = createPublicKey(privateKey);
  const bare = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(bare);
  const publicJwk: JWK = { ...bare, kid, alg, use: 'sig' };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const hmacSecret = new Uint8Array(hkdfSync('sha256', der, 'ceremony-auth', 'login-hmac-v1', 32));
  return { alg, kid, privateKey, publicKey, publicJwk, hmacSecret, source };
}
