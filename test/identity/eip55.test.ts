import { describe, expect, it } from 'vitest';
import { isChecksumAddress, isHexAddress, isValidAddress, toChecksumAddress } from '../../engine/identity/eip55.js';
import { IdentityError } from '../../engine/identity/errors.js';

// The test cases listed in EIP-55 itself.
const EIP55_VECTORS = [
  // all caps
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  // all lower
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  // normal
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

describe('EIP-55', () => {
  it.each(EIP55_VECTORS)('checksums %s to itself from any case', (vector) => {
    expect(toChecksumAddress(vector)).toBe(vector);
    expect(toChecksumAddress(vector.toLowerCase())).toBe(vector);
    expect(toChecksumAddress(`0x${vector.slice(2).toUpperCase()}`)).toBe(vector);
    expect(isChecksumAddress(vector)).toBe(true);
    expect(isValidAddress(vector)).toBe(true);
  });

  it('rejects a mixed-case address whose checksum is wrong', () => {
    const flipped = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';
    expect(isChecksumAddress(flipped)).toBe(false);
    expect(isValidAddress(flipped)).toBe(false);
  });

  it('accepts unchecksummed lowercase but does not call it checksummed', () => {
    const lower = '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed';
    expect(isValidAddress(lower)).toBe(true);
    expect(isChecksumAddress(lower)).toBe(false);
  });

  it('rejects malformed addresses', () => {
    for (const bad of [
      '',
      '0x',
      '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe',
      '0XD1220A0CF47C7B9BE7A2E6BA89F429762E7B9ADB',
      '0xg1220a0cf47c7b9be7a2e6ba89f429762e7b9adb',
    ]) {
      expect(isHexAddress(bad)).toBe(false);
      expect(isValidAddress(bad)).toBe(false);
      expect(() => toChecksumAddress(bad)).toThrow(IdentityError);
    }
  });
});
