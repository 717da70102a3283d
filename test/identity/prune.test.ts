import { describe, expect, it } from 'vitest';
import { potPubkeyFromSecret, signIdentity } from '../../engine/identity/bls.js';
import { ethIdentity, githubIdentity } from '../../engine/identity/identity.js';
import { signEcdsa } from '../../engine/identity/pot-typed-data.js';
import { pruneInvalidSignatures } from '../../engine/identity/prune.js';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const IDENTITY = ethIdentity(privateKeyToAddress(KEY));
const GIT = githubIdentity(42, '@alice');
const SECRETS = [11n, 22n, 33n];
const SIZES = [4, 8, 16];

function batch(identity: string, overrides: Partial<Record<number, string>> = {}) {
  const contributions = SECRETS.map((secret, i) => ({
    numG1Powers: SIZES[i] ?? 0,
    numG2Powers: 2,
    potPubkey: potPubkeyFromSecret(secret),
    powersOfTau: { g1Powers: [`g1-${i}`], g2Powers: [`g2-${i}`] },
    blsSignature: overrides[i] ?? signIdentity(secret, identity),
  }));
  return { contributions, ecdsaSignature: signEcdsa(KEY, contributions) };
}

describe('pruneInvalidSignatures', () => {
  it('keeps every valid signature and reports nothing', () => {
    const input = batch(IDENTITY);
    const out = pruneInvalidSignatures(input, IDENTITY);
    expect(out.pruned).toEqual([]);
    expect(out.ecdsaSignature).toBe(input.ecdsaSignature);
    expect(out.contributions.map((c) => c.blsSignature)).toEqual(input.contributions.map((c) => c.blsSignature));
    // Other fields pass through untouched; the input is not modified.
    expect(out.contributions[1]?.powersOfTau).toEqual({ g1Powers: ['g1-1'], g2Powers: ['g2-1'] });
    expect(out.contributions[1]).not.toBe(input.contributions[1]);
  });

  it('spec policy: one invalid BLS signature empties all of them', () => {
    const input = batch(IDENTITY, { 1: signIdentity(999n, IDENTITY) });
    const out = pruneInvalidSignatures(input, IDENTITY);
    expect(out.contributions.map((c) => c.blsSignature)).toEqual(['', '', '']);
    expect(out.pruned).toEqual([
      { kind: 'bls', index: 0, reason: 'sibling-invalid' },
      { kind: 'bls', index: 1, reason: 'invalid' },
      { kind: 'bls', index: 2, reason: 'sibling-invalid' },
    ]);
    expect(out.ecdsaSignature).toBe(input.ecdsaSignature); // ECDSA is judged on its own
  });

  it('spec policy: a missing BLS signature counts as invalid for the others', () => {
    const input = batch(IDENTITY, { 2: '' });
    const out = pruneInvalidSignatures(input, IDENTITY);
    expect(out.contributions.map((c) => c.blsSignature)).toEqual(['', '', '']);
    expect(out.pruned.map((p) => p.kind === 'bls' && p.reason)).toEqual(['sibling-invalid', 'sibling-invalid']);
  });

  it('per-contribution policy (the reference sequencer): only the invalid one goes', () => {
    const input = batch(IDENTITY, { 1: signIdentity(999n, IDENTITY), 2: '' });
    const out = pruneInvalidSignatures(input, IDENTITY, { blsPolicy: 'per-contribution' });
    expect(out.contributions.map((c) => c.blsSignature)).toEqual([input.contributions[0]?.blsSignature, '', '']);
    expect(out.pruned).toEqual([{ kind: 'bls', index: 1, reason: 'invalid' }]);
  });

  it('prunes BLS signatures made for another identity, and garbage', () => {
    const input = batch(IDENTITY, { 0: signIdentity(11n, GIT), 1: 'not-a-point' });
    const out = pruneInvalidSignatures(input, IDENTITY, { blsPolicy: 'per-contribution' });
    expect(out.contributions.map((c) => c.blsSignature)).toEqual(['', '', input.contributions[2]?.blsSignature]);
  });

  it("reads the spec's bls_signature spelling and writes blsSignature", () => {
    const input = batch(IDENTITY);
    const snake = {
      contributions: input.contributions.map(({ blsSignature, ...rest }) => ({ ...rest, bls_signature: blsSignature })),
      ecdsaSignature: input.ecdsaSignature,
    };
    const out = pruneInvalidSignatures(snake, IDENTITY);
    expect(out.pruned).toEqual([]);
    expect(out.contributions[0]?.blsSignature).toBe(input.contributions[0]?.blsSignature);
    expect(out.contributions[0]).not.toHaveProperty('bls_signature');
  });

  it('prunes an ECDSA signature that does not recover the identity address', () => {
    const input = { ...batch(IDENTITY), ecdsaSignature: signEcdsa('0x' + '11'.repeat(32), batch(IDENTITY).contributions) };
    const out = pruneInvalidSignatures(input, IDENTITY);
    expect(out.ecdsaSignature).toBe('');
    expect(out.pruned).toEqual([{ kind: 'ecdsa', reason: 'invalid' }]);
    const tampered = { ...batch(IDENTITY) };
    const changed = { ...tampered, contributions: tampered.contributions.map((c, i) => (i === 0 ? { ...c, numG1Powers: 5 } : c)) };
    expect(pruneInvalidSignatures(changed, IDENTITY).ecdsaSignature).toBe('');
  });

  it('prunes any ECDSA signature for a GitHub identity', () => {
    const input = batch(GIT);
    const out = pruneInvalidSignatures(input, GIT);
    expect(out.ecdsaSignature).toBe('');
    expect(out.pruned).toEqual([{ kind: 'ecdsa', reason: 'not-eth-identity' }]);
    expect(out.contributions.every((c) => c.blsSignature !== '')).toBe(true);
  });

  it('leaves absent signatures absent without reporting them', () => {
    const input = batch(IDENTITY);
    const bare = {
      contributions: input.contributions.map(({ blsSignature: _b, ...rest }) => rest),
    };
    const out = pruneInvalidSignatures(bare, IDENTITY);
    expect(out.pruned).toEqual([]);
    expect(out.ecdsaSignature).toBe('');
    expect(out.contributions.map((c) => c.blsSignature)).toEqual(['', '', '']);
  });

  it('writes a kept ECDSA signature in lowercase', () => {
    const input = batch(IDENTITY);
    const upper = { ...input, ecdsaSignature: `0x${input.ecdsaSignature.slice(2).toUpperCase()}` };
    expect(pruneInvalidSignatures(upper, IDENTITY).ecdsaSignature).toBe(input.ecdsaSignature);
  });
});
