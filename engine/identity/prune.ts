/**
 * Signature pruning (sequencer.md, "Signature Verification & Pruning"): an accepted
 * contribution keeps its identity signatures only when they verify; invalid ones are
 * replaced by the empty string, and the contribution itself is still accepted.
 *
 * BLS policy:
 *  - 'all-or-nothing' (default, the spec's text): if any sub-ceremony's BLS signature does
 *    not verify (a missing one included, since Verify of '' is False), all are set to ''.
 *  - 'per-contribution' (what ethereum/kzg-ceremony-sequencer does): each invalid signature
 *    is set to '' on its own; an absent one simply stays ''.
 * ECDSA: kept only for an `eth|` identity whose address recovers from the EIP-712 signature
 * over the sub-ceremony pubkeys (then written in lowercase hex, as the schema wants);
 * otherwise ''.
 *
 * Types are structural so that any contribution shape with these fields can be pruned; the
 * input is not modified. Both `blsSignature` and the spec's `bls_signature` are read, and
 * the result always carries `blsSignature` (and never `bls_signature`).
 */
import { verifyIdentitySignature } from './bls.js';
import { ethAddressOfIdentity } from './identity.js';
import { verifyEcdsa, type PotTypedDataOptions } from './pot-typed-data.js';

export interface PrunableContribution {
  readonly numG1Powers: number;
  readonly numG2Powers: number;
  readonly potPubkey: string;
  readonly blsSignature?: string | null;
  readonly bls_signature?: string | null;
}

export interface PrunableBatch<C extends PrunableContribution> {
  readonly contributions: readonly C[];
  readonly ecdsaSignature?: string | null;
}

export type BlsPrunePolicy = 'all-or-nothing' | 'per-contribution';

export type PrunedSignature =
  | { readonly kind: 'bls'; readonly index: number; readonly reason: 'invalid' | 'sibling-invalid' }
  | { readonly kind: 'ecdsa'; readonly reason: 'invalid' | 'not-eth-identity' };

export type PrunedContribution<C extends PrunableContribution> = Omit<C, 'bls_signature' | 'blsSignature'> & {
  readonly blsSignature: string;
};

export interface PruneResult<C extends PrunableContribution> {
  readonly contributions: PrunedContribution<C>[];
  readonly ecdsaSignature: string;
  /** Signatures that were present and removed; absent ones are not listed. */
  readonly pruned: PrunedSignature[];
}

export interface PruneOptions extends PotTypedDataOptions {
  readonly blsPolicy?: BlsPrunePolicy;
}

/** The BLS signature a contribution carries, '' when absent. */
export function blsSignatureOf(contribution: PrunableContribution): string {
  return contribution.blsSignature ?? contribution.bls_signature ?? '';
}

function withBlsSignature<C extends PrunableContribution>(contribution: C, blsSignature: string): PrunedContribution<C> {
  const { bls_signature: _snake, blsSignature: _camel, ...rest } = contribution;
  return { ...rest, blsSignature };
}

export function pruneInvalidSignatures<C extends PrunableContribution>(batch: PrunableBatch<C>, identity: string, options: PruneOptions = {}): PruneResult<C> {
  const policy = options.blsPolicy ?? 'all-or-nothing';
  const pruned: PrunedSignature[] = [];

  const signatures = batch.contributions.map(blsSignatureOf);
  const valid = batch.contributions.map((c, i) => verifyIdentitySignature(identity, c.potPubkey, signatures[i] ?? ''));
  const allValid = valid.every((v) => v);

  const contributions = batch.contributions.map((c, i) => {
    const signature = signatures[i] ?? '';
    if (signature === '') return withBlsSignature(c, '');
    if (valid[i] === true && (policy === 'per-contribution' || allValid)) return withBlsSignature(c, signature);
    pruned.push({ kind: 'bls', index: i, reason: valid[i] === true ? 'sibling-invalid' : 'invalid' });
    return withBlsSignature(c, '');
  });

  let ecdsaSignature = batch.ecdsaSignature ?? '';
  if (ecdsaSignature !== '') {
    const address = ethAddressOfIdentity(identity);
    if (address === null) {
      pruned.push({ kind: 'ecdsa', reason: 'not-eth-identity' });
      ecdsaSignature = '';
    } else if (!verifyEcdsa(batch.contributions, ecdsaSignature, address, options)) {
      pruned.push({ kind: 'ecdsa', reason: 'invalid' });
      ecdsaSignature = '';
    } else {
      ecdsaSignature = ecdsaSignature.toLowerCase();
    }
  }

  return { contributions, ecdsaSignature, pruned };
}
