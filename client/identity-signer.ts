// Which contributions carry the BLS signature of the identity (engine/identity/bls.ts), and the
// signer that makes it from each sub-ceremony's secret. The spec signs Ethereum and GitHub
// identities; a development identity is left unsigned. The CLI and the browser contributor share it.
import { bytesToBigInt } from '../engine/format/hex.js';
import { signIdentity } from '../engine/identity/bls.js';
import type { IdentitySigner } from '../engine/ops/identity-hooks.js';

export function identitySigner(identity: string): IdentitySigner | undefined {
  if (!identity.startsWith('eth|') && !identity.startsWith('git|')) return undefined;
  return (secret: Uint8Array) => signIdentity(bytesToBigInt(secret), identity);
}
