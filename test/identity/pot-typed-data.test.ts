import { describe, expect, it } from 'vitest';
import { encodeType, hashStruct, typeHash } from '../../engine/identity/eip712.js';
import { bytesToHex } from '../../engine/format/hex.js';
import { KZG_EIP712_DOMAIN, KZG_EIP712_TYPES, potPubkeysTypedData, recoverEcdsaAddress, signEcdsa, typedDataHash, verifyEcdsa, type PotPubkeyEntry } from '../../engine/identity/pot-typed-data.js';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = privateKeyToAddress(KEY);
// The spec's example message (contributionSigning.md): tau = 1 in every sub-ceremony, so every
// potPubkey is the G2 generator.
const G2_ONE =
  '0x93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8';
const PUBKEYS: PotPubkeyEntry[] = [4096, 8192, 16384, 32768].map((n) => ({
  numG1Powers: n,
  numG2Powers: 65,
  potPubkey: G2_ONE,
}));

describe('KZG ceremony typed data', () => {
  it('uses the spec domain and types', () => {
    expect(KZG_EIP712_DOMAIN).toEqual({ name: 'Ethereum KZG Ceremony', version: '1.0', chainId: 1 });
    expect(encodeType(KZG_EIP712_TYPES, 'PoTPubkeys')).toBe('PoTPubkeys(contributionPubkey[] potPubkeys)contributionPubkey(uint256 numG1Powers,uint256 numG2Powers,bytes potPubkey)');
    expect(encodeType(KZG_EIP712_TYPES, 'EIP712Domain')).toBe('EIP712Domain(string name,string version,uint256 chainId)');
    const typed = potPubkeysTypedData(PUBKEYS);
    expect(typed.primaryType).toBe('PoTPubkeys');
    // JSON-safe, ready for eth_signTypedData_v4.
    expect(JSON.parse(JSON.stringify(typed))).toEqual(typed);
  });

  it('hashes as EIP-712 prescribes, spelled out by hand', () => {
    const word = (n: number): Uint8Array => {
      const out = new Uint8Array(32);
      new DataView(out.buffer).setUint32(28, n);
      return out;
    };
    const pubkeyBytes = Uint8Array.from(Buffer.from(G2_ONE.slice(2), 'hex'));
    const entryHashes = PUBKEYS.map((p) =>
      keccak_256(
        concatBytes(keccak_256(utf8ToBytes('contributionPubkey(uint256 numG1Powers,uint256 numG2Powers,bytes potPubkey)')), word(p.numG1Powers), word(p.numG2Powers), keccak_256(pubkeyBytes)),
      ),
    );
    const message = keccak_256(concatBytes(typeHash(KZG_EIP712_TYPES, 'PoTPubkeys'), keccak_256(concatBytes(...entryHashes))));
    const domain = keccak_256(
      concatBytes(keccak_256(utf8ToBytes('EIP712Domain(string name,string version,uint256 chainId)')), keccak_256(utf8ToBytes('Ethereum KZG Ceremony')), keccak_256(utf8ToBytes('1.0')), word(1)),
    );
    expect(bytesToHex(hashStruct(KZG_EIP712_TYPES, 'PoTPubkeys', potPubkeysTypedData(PUBKEYS).message))).toBe(bytesToHex(message));
    expect(bytesToHex(typedDataHash(PUBKEYS))).toBe(bytesToHex(keccak_256(concatBytes(Uint8Array.of(0x19, 0x01), domain, message))));
  });

  it('sorts sub-ceremonies by numG1Powers then numG2Powers', () => {
    const shuffled = [PUBKEYS[2], PUBKEYS[0], PUBKEYS[3], PUBKEYS[1]].filter((p): p is PotPubkeyEntry => p !== undefined);
    expect(bytesToHex(typedDataHash(shuffled))).toBe(bytesToHex(typedDataHash(PUBKEYS)));
    const tie = [
      { numG1Powers: 4096, numG2Powers: 65, potPubkey: '0x01' },
      { numG1Powers: 4096, numG2Powers: 33, potPubkey: '0x02' },
    ];
    const sorted = potPubkeysTypedData(tie).message.potPubkeys;
    expect(sorted).toEqual([tie[1], tie[0]]);
  });

  it('signs and recovers; verifies only for the signer and these pubkeys', () => {
    const signature = signEcdsa(KEY, PUBKEYS);
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(recoverEcdsaAddress(PUBKEYS, signature)).toBe(ADDRESS);
    expect(verifyEcdsa(PUBKEYS, signature, ADDRESS)).toBe(true);
    expect(verifyEcdsa(PUBKEYS, signature, ADDRESS.toLowerCase())).toBe(true);
    expect(verifyEcdsa(PUBKEYS, signature, '0x000000000000000000000000000000000000dead')).toBe(false);
    const other = PUBKEYS.map((p, i) => (i === 0 ? { ...p, numG2Powers: 64 } : p));
    expect(verifyEcdsa(other, signature, ADDRESS)).toBe(false);
    expect(verifyEcdsa(PUBKEYS, '', ADDRESS)).toBe(false);
    expect(verifyEcdsa(PUBKEYS, '0x1234', ADDRESS)).toBe(false);
    expect(verifyEcdsa([{ numG1Powers: 1, numG2Powers: 1, potPubkey: 'nothex' }], signature, ADDRESS)).toBe(false);
    expect(verifyEcdsa(PUBKEYS, signature, 'eth|' + ADDRESS)).toBe(false);
  });

  it('binds the domain: a signature for another chain id does not verify', () => {
    const signature = signEcdsa(KEY, PUBKEYS, { domain: { ...KZG_EIP712_DOMAIN, chainId: 5 } });
    expect(verifyEcdsa(PUBKEYS, signature, ADDRESS)).toBe(false);
    expect(verifyEcdsa(PUBKEYS, signature, ADDRESS, { domain: { ...KZG_EIP712_DOMAIN, chainId: 5 } })).toBe(true);
  });
});
