// An external verifier: takes pending chunk contributions, checks them with the engine, and returns a
// verdict signed with its own Ed25519 key (the public key travels in the JWS header).
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { chunkStateFromText } from '../engine/chunked/any-document.js';
import { parseChunkContribution } from '../engine/chunked/format.js';
import { verifyChunkContribution } from '../engine/chunked/verify.js';
import type { Engine } from '../engine/context.js';
import { InvalidInputError } from '../engine/errors.js';
import { ApiError, isTransient } from './http.js';
import { RoundsClient } from './rounds-client.js';

export type VerifierEvent = { kind: 'verified'; contributionId: string; valid: boolean; code?: string; ms: number } | { kind: 'dropped'; reason: string };

export interface VerifierOptions {
  url: string;
  engine: Engine;
  name: string;
  heartbeatMs?: number;
  onEvent?: (event: VerifierEvent) => void;
  stop?: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runVerifier(options: VerifierOptions): Promise<{ verified: number; outcome: 'stopped' | 'dropped' }> {
  const client = new RoundsClient(options.url);
  await client.loginDev(options.name);
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  let stopped = false;
  void options.stop?.then(() => (stopped = true));
  const beat = setInterval(() => {
    if (!stopped) client.heartbeat().catch(() => undefined);
  }, options.heartbeatMs ?? 2_000);
  let verified = 0;
  try {
    while (!stopped) {
      const task = await client.nextVerification().catch((err: unknown) => {
        // The coordinator could not answer this time: ask again shortly.
        if (isTransient(err)) return { action: 'wait' as const, retryAfterMs: 1_000 };
        throw err;
      });
      if (task.action === 'wait') {
        await sleep(Math.min(task.retryAfterMs, 500));
        continue;
      }
      if (task.action === 'dropped') {
        options.onEvent?.({ kind: 'dropped', reason: task.reason });
        return { verified, outcome: 'dropped' };
      }
      const began = Date.now();
      let verdict: { valid: boolean; code?: string; message?: string; pubkey?: string };
      try {
        const previous = chunkStateFromText(await client.object(task.baseStateKey));
        const contribution = parseChunkContribution(await client.object(task.uploadKey));
        if (contribution.chunkIndex !== task.chunk) throw new InvalidInputError('WRONG_COUNT', `the upload is for chunk ${contribution.chunkIndex}, not ${task.chunk}`);
        await verifyChunkContribution(options.engine, previous, contribution, task.expectedPubkey === undefined ? {} : { expectedPubkey: task.expectedPubkey });
        verdict = { valid: true, pubkey: contribution.potPubkey };
      } catch (err) {
        // The download failed this time: the lease is still ours, and the next ask returns it.
        if (isTransient(err)) continue;
        if (!(err instanceof InvalidInputError)) throw err;
        verdict = { valid: false, code: err.code, message: err.message.slice(0, 1_000) };
      }
      const payload = { contributionId: task.contributionId, uploadKey: task.uploadKey, ...verdict };
      const signature = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', jwk }).sign(privateKey);
      try {
        await client.submitVerification(task.contributionId, signature);
      } catch (err) {
        // The lease expired (the work went to another verifier) or the contribution was removed by a drop;
        // or the answer was lost: if the verdict did not land, the next ask hands this verifier its own
        // lease again (a verdict that landed is then not counted here).
        if ((err instanceof ApiError && err.status === 409) || isTransient(err)) continue;
        throw err;
      }
      verified += 1;
      options.onEvent?.({ kind: 'verified', contributionId: task.contributionId, valid: verdict.valid, code: verdict.code, ms: Date.now() - began });
    }
    return { verified, outcome: 'stopped' };
  } finally {
    clearInterval(beat);
  }
}
