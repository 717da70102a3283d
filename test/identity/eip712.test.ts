import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { domainSeparator, encodeData, encodeType, hashStruct, hashTypedData, typeHash, type TypedData, type TypedStruct } from '../../engine/identity/eip712.js';
import { IdentityError } from '../../engine/identity/errors.js';
import { bytesToHex } from '../../engine/format/hex.js';
import { privateKeyToAddress, recoverDigestSigner, signDigest } from '../../engine/identity/secp256k1.js';

const hex = bytesToHex;
const COW_KEY = hex(keccak_256(utf8ToBytes('cow')));

const DOMAIN_TYPE = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];
const DOMAIN = {
  name: 'Ether Mail',
  version: '1',
  chainId: 1,
  verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
};

// The example of EIP-712 itself (assets/eip-712/Example.js).
const MAIL: TypedData = {
  types: {
    EIP712Domain: DOMAIN_TYPE,
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person' },
      { name: 'contents', type: 'string' },
    ],
  },
  primaryType: 'Mail',
  domain: DOMAIN,
  message: {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  },
};

// The eth_signTypedData_v4 example with arrays of structs and of addresses (MetaMask
// eth-sig-util; the same vector appears in several independent EIP-712 implementations).
const MAIL_V4: TypedData = {
  types: {
    EIP712Domain: DOMAIN_TYPE,
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallets', type: 'address[]' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person[]' },
      { name: 'contents', type: 'string' },
    ],
  },
  primaryType: 'Mail',
  domain: DOMAIN,
  message: {
    from: {
      name: 'Cow',
      wallets: ['0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826', '0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF'],
    },
    to: [
      {
        name: 'Bob',
        wallets: ['0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', '0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57', '0xB0B0b0b0b0b0B000000000000000000000000000'],
      },
    ],
    contents: 'Hello, Bob!',
  },
};

describe('EIP-712 encoder against the EIP example (Mail)', () => {
  it('encodes the type and its hash', () => {
    expect(encodeType(MAIL.types, 'Mail')).toBe('Mail(Person from,Person to,string contents)Person(string name,address wallet)');
    expect(hex(typeHash(MAIL.types, 'Mail'))).toBe('0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2');
  });

  it('encodes the data, the struct hash, the domain separator and the signing hash', () => {
    expect(hex(encodeData(MAIL.types, 'Mail', MAIL.message))).toBe(
      '0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2fc71e5fa27ff56c350aa531bc129ebdf613b772b6604664f5d8dbe21b85eb0c8cd54f074a4af31b4411ff6a60c9719dbd559c221c8ac3492d9d872b041d703d1b5aadf3154a261abdd9086fc627b61efca26ae5702701d05cd2305f7c52a2fc8',
    );
    expect(hex(hashStruct(MAIL.types, 'Mail', MAIL.message))).toBe('0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e');
    expect(hex(domainSeparator(MAIL.types, MAIL.domain))).toBe('0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f');
    expect(hex(hashTypedData(MAIL))).toBe('0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2');
  });

  it('signs it exactly as the EIP does with the "cow" key (RFC 6979), and recovers Cow', () => {
    expect(privateKeyToAddress(COW_KEY)).toBe('0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826');
    const signature = hex(signDigest(hashTypedData(MAIL), COW_KEY));
    expect(signature).toBe(
      '0x' + '4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d' + '07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562' + '1c', // v = 28
    );
    expect(recoverDigestSigner(hashTypedData(MAIL), signature)).toBe('0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826');
  });
});

describe('EIP-712 encoder with arrays (signTypedData v4 example)', () => {
  it('matches the known hashes and signature', () => {
    expect(encodeType(MAIL_V4.types, 'Mail')).toBe('Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)');
    expect(hex(typeHash(MAIL_V4.types, 'Mail'))).toBe('0x4bd8a9a2b93427bb184aca81e24beb30ffa3c747e2a33d4225ec08bf12e2e753');
    expect(hex(typeHash(MAIL_V4.types, 'Person'))).toBe('0xfabfe1ed996349fc6027709802be19d047da1aa5d6894ff5f6486d92db2e6860');
    expect(hex(hashStruct(MAIL_V4.types, 'Mail', MAIL_V4.message))).toBe('0xeb4221181ff3f1a83ea7313993ca9218496e424604ba9492bb4052c03d5c3df8');
    expect(hex(hashTypedData(MAIL_V4))).toBe('0xa85c2e2b118698e88db68a8105b794a8cc7cec074e89ef991cb4f5f533819cc2');
    expect(hex(signDigest(hashTypedData(MAIL_V4), COW_KEY))).toBe(
      '0x65cbd956f2fae28a601bebc9b906cea0191744bd4c4247bcd27cd08f8eb6b71c78efdf7a31dc9abee78f492292721f362d296cf86b4538e07b51303b67f749061b',
    );
  });
});

describe('EIP-712 encoder input checks', () => {
  const types = {
    T: [
      { name: 'u', type: 'uint8' },
      { name: 'i', type: 'int8' },
      { name: 'b', type: 'bytes2' },
      { name: 'f', type: 'bool' },
      { name: 'a', type: 'uint8[2]' },
    ],
  };
  const ok = { u: 255, i: -128, b: '0xabcd', f: true, a: [1, 2] };

  function code(data: TypedStruct): string | undefined {
    try {
      hashStruct(types, 'T', data);
    } catch (error) {
      if (error instanceof IdentityError) return error.code;
      throw error;
    }
    return undefined;
  }

  it("accepts in-range values and encodes negatives in two's complement", () => {
    const data = encodeData(types, 'T', ok);
    expect(hex(data.subarray(64, 96))).toBe(`0x${'ff'.repeat(31)}80`);
    expect(hex(data.subarray(96, 128))).toBe(`0xabcd${'00'.repeat(30)}`);
  });

  it('rejects out-of-range, wrong-size and missing values', () => {
    expect(code({ ...ok, u: 256 })).toBe('EIP712_BAD_VALUE');
    expect(code({ ...ok, i: 128 })).toBe('EIP712_BAD_VALUE');
    expect(code({ ...ok, b: '0xab' })).toBe('EIP712_BAD_VALUE');
    expect(code({ ...ok, f: 1 })).toBe('EIP712_BAD_VALUE');
    expect(code({ ...ok, a: [1] })).toBe('EIP712_BAD_VALUE');
    expect(code({ u: 1, i: 1, b: '0xabcd', f: false })).toBe('EIP712_BAD_VALUE');
    expect(() => encodeType(types, 'Missing')).toThrow(IdentityError);
  });
});
