import fc from 'fast-check';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { BLS_CURVE_ORDER, hashToG1, IDENTITY_BLS_DST, potPubkeyFromSecret, signIdentity, verifyIdentitySignature } from '../../engine/identity/bls.js';
import { IdentityError } from '../../engine/identity/errors.js';
import { bigIntToBytes } from '../../engine/format/hex.js';

const ETH_ID = 'eth|0x000000000000000000000000000000000000dead';
const GIT_ID = 'git|12345678|@username';
const TAU = 0x2a1f7e3c5b9d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2fn;

describe('hash to G1', () => {
  // RFC 9380, appendix J.9.1 (suite BLS12381G1_XMD:SHA-256_SSWU_RO_): our wiring must be the
  // random-oracle hash_to_curve, not encode_to_curve.
  const DST = 'QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_';
  it.each([
    [
      '',
      '052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1',
      '08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb7994998f3eae0c9c6a265',
    ],
    [
      'abc',
      '03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655d3c68900be2f6903',
      '0b9c15f3fe6e5cf4211f346271d7b01c8f3b28be689c8429c85b67af215533311f0b8dfaaa154fa6b88176c229f2885d',
    ],
  ])('matches the RFC 9380 vector for msg=%j', (msg, x, y) => {
    const p = hashToG1(utf8ToBytes(msg), DST).toAffine();
    expect(p.x.toString(16).padStart(96, '0')).toBe(x);
    expect(p.y.toString(16).padStart(96, '0')).toBe(y);
  });

  it('uses the spec ciphersuite as DST', () => {
    expect(IDENTITY_BLS_DST).toBe('BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_');
  });
});

describe('BLS identity signature', () => {
  const pubkey = potPubkeyFromSecret(TAU);

  it('produces lowercase compressed points of the right width', () => {
    const sig = signIdentity(TAU, ETH_ID);
    expect(sig).toMatch(/^0x[0-9a-f]{96}$/);
    expect(pubkey).toMatch(/^0x[0-9a-f]{192}$/);
    expect(signIdentity(TAU, ETH_ID)).toBe(sig); // deterministic
  });

  it("agrees with noble's short-signature (G1) scheme under the POP DST", () => {
    const sk = bigIntToBytes(TAU, 32);
    const expected = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(utf8ToBytes(GIT_ID), IDENTITY_BLS_DST), sk);
    expect(signIdentity(TAU, GIT_ID)).toBe(`0x${expected.toHex(true)}`);
    expect(pubkey).toBe(`0x${bls12_381.shortSignatures.getPublicKey(sk).toHex(true)}`);
  });

  it('verifies its own signatures for both identity kinds', () => {
    expect(verifyIdentitySignature(ETH_ID, pubkey, signIdentity(TAU, ETH_ID))).toBe(true);
    expect(verifyIdentitySignature(GIT_ID, pubkey, signIdentity(TAU, GIT_ID))).toBe(true);
  });

  it('rejects a wrong identity, a wrong pubkey and a signature under another DST', () => {
    const sig = signIdentity(TAU, ETH_ID);
    expect(verifyIdentitySignature('eth|0x000000000000000000000000000000000000beef', pubkey, sig)).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, potPubkeyFromSecret(TAU + 1n), sig)).toBe(false);
    const nul = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(utf8ToBytes(ETH_ID)), bigIntToBytes(TAU, 32));
    expect(verifyIdentitySignature(ETH_ID, pubkey, `0x${nul.toHex(true)}`)).toBe(false);
  });

  it('treats encoding problems as invalid, never as errors', () => {
    const sig = signIdentity(TAU, ETH_ID);
    const g1Infinity = `0xc0${'00'.repeat(47)}`;
    const g2Infinity = `0xc0${'00'.repeat(95)}`;
    expect(verifyIdentitySignature(ETH_ID, pubkey, '')).toBe(false); // the spec's "no signature"
    expect(verifyIdentitySignature(ETH_ID, pubkey, sig.toUpperCase().replace('0X', '0x'))).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, pubkey, sig.slice(2))).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, pubkey, sig.slice(0, -2))).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, pubkey, g1Infinity)).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, g2Infinity, sig)).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, '', sig)).toBe(false);
    expect(verifyIdentitySignature(ETH_ID, pubkey, `0x${'00'.repeat(48)}`)).toBe(false); // uncompressed flag
    expect(verifyIdentitySignature(ETH_ID, pubkey, `0x${'ff'.repeat(48)}`)).toBe(false);
  });

  it('rejects a point on the curve outside the prime-order subgroup', () => {
    const { Fp } = bls12_381.fields;
    // Find x with x^3 + 4 a square; a random curve point is almost surely not in G1
    // (the cofactor is about 2^125).
    let x = 1n;
    for (;;) {
      const y2 = Fp.add(Fp.pow(x, 3n), 4n);
      let root: bigint | undefined;
      try {
        root = Fp.sqrt(y2);
      } catch {
        root = undefined; // not a square: no point with this x
      }
      if (root !== undefined) {
        const point = bls12_381.G1.Point.fromAffine({ x, y: root });
        if (!point.isTorsionFree()) break;
      }
      x += 1n;
    }
    const bytes = bigIntToBytes(x, 48);
    bytes[0] = (bytes[0] ?? 0) | 0x80; // compressed flag; sort bit left as found
    const encoded = `0x${Buffer.from(bytes).toString('hex')}`;
    expect(verifyIdentitySignature(ETH_ID, pubkey, encoded)).toBe(false);
    bytes[0] = (bytes[0] ?? 0) | 0x20;
    expect(verifyIdentitySignature(ETH_ID, pubkey, `0x${Buffer.from(bytes).toString('hex')}`)).toBe(false);
  });

  it('rejects secrets outside (0, r)', () => {
    expect(() => signIdentity(0n, ETH_ID)).toThrow(IdentityError);
    expect(() => signIdentity(BLS_CURVE_ORDER, ETH_ID)).toThrow(IdentityError);
    expect(() => potPubkeyFromSecret(-1n)).toThrow(IdentityError);
  });

  it('round-trips for random secrets and identities', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: BLS_CURVE_ORDER - 1n }), fc.string(), (secret, identity) => {
        const pk = potPubkeyFromSecret(secret);
        expect(verifyIdentitySignature(identity, pk, signIdentity(secret, identity))).toBe(true);
      }),
      { numRuns: 5 },
    );
  });
});
