import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../engine/identity/errors.js';
import { bytesToHex, decodeHex } from '../../engine/format/hex.js';
import { encodeSignature, privateKeyToAddress, publicKeyToAddress, recoverDigestSigner, signDigest } from '../../engine/identity/secp256k1.js';
import { personalMessageHash } from '../../identity/eip191.js';

// Hardhat/Anvil default account #0.
const HARDHAT_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const HARDHAT_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const N = secp256k1.Point.Fn.ORDER;

describe('secp256k1 (Ethereum flavour)', () => {
  it('derives the known address of a known key, with or without 0x', () => {
    expect(privateKeyToAddress(HARDHAT_KEY)).toBe(HARDHAT_ADDRESS);
    expect(privateKeyToAddress(HARDHAT_KEY.slice(2))).toBe(HARDHAT_ADDRESS);
  });

  it('reproduces a published personal_sign signature of "Hello World" by that key', () => {
    const digest = personalMessageHash('Hello World');
    expect(bytesToHex(digest)).toBe('0xa1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2');
    const expected = encodeSignature(0x65e72b1cf8e189569963750e10ccb88fe89389daeeb8b735277d59cd6885ee82n, 0x3eb5a6982b540f185703492dab77b863a88ce01f27e21ade8b2879c10fc9e653n, 28);
    expect(bytesToHex(signDigest(digest, HARDHAT_KEY))).toBe(expected);
    expect(recoverDigestSigner(digest, expected)).toBe(HARDHAT_ADDRESS);
  });

  it('round-trips sign -> recover for random keys and digests', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (k, digest) => {
        const key = bytesToHex(Uint8Array.from(Buffer.from(k.toString(16).padStart(64, '0'), 'hex')));
        const signature = signDigest(digest, key);
        expect(signature[64] === 27 || signature[64] === 28).toBe(true);
        expect(recoverDigestSigner(digest, bytesToHex(signature))).toBe(privateKeyToAddress(key));
      }),
      { numRuns: 25 },
    );
  });

  it('accepts v as 0/1 and high-s (ecrecover semantics), rejects other v and out-of-range r, s', () => {
    const digest = personalMessageHash('x');
    const sig = signDigest(digest, HARDHAT_KEY);
    const hexSig = bytesToHex(sig);
    const r = BigInt(`0x${hexSig.slice(2, 66)}`);
    const s = BigInt(`0x${hexSig.slice(66, 130)}`);
    const v = sig[64] ?? 0;
    expect(recoverDigestSigner(digest, encodeSignature(r, s, v - 27))).toBe(HARDHAT_ADDRESS);
    // (r, n - s) with the other parity is the same signature in its malleable form.
    expect(recoverDigestSigner(digest, encodeSignature(r, N - s, v === 27 ? 28 : 27))).toBe(HARDHAT_ADDRESS);
    expect(() => recoverDigestSigner(digest, encodeSignature(r, s, 29))).toThrow(IdentityError);
    expect(() => recoverDigestSigner(digest, encodeSignature(0n, s, v))).toThrow(IdentityError);
    expect(() => recoverDigestSigner(digest, encodeSignature(r, N, v))).toThrow(IdentityError);
    expect(() => recoverDigestSigner(digest, hexSig.slice(0, 130))).toThrow(IdentityError);
    expect(() => recoverDigestSigner(digest, '')).toThrow(IdentityError);
  });

  it('rejects private keys out of range', () => {
    for (const key of ['0x00', `0x${'00'.repeat(32)}`, bytesToHex(decodeHex(`0x${N.toString(16)}`) ?? new Uint8Array()), 'zz']) {
      expect(() => privateKeyToAddress(key)).toThrow(IdentityError);
    }
  });

  it('derives the same address from compressed and uncompressed public keys', () => {
    const key = decodeHex(HARDHAT_KEY) ?? new Uint8Array();
    expect(publicKeyToAddress(secp256k1.getPublicKey(key, true))).toBe(HARDHAT_ADDRESS);
    expect(publicKeyToAddress(secp256k1.getPublicKey(key, false))).toBe(HARDHAT_ADDRESS);
  });
});
