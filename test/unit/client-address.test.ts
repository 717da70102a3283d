// The key an address is counted under: IPv4 as is, IPv6 by its /64, IPv4-mapped IPv6 as the IPv4.
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../api/auth/client-address.js';

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:ffff::', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['', ''],
    ['not an address', 'not an address'],
  ])('%s → %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('every address of one /64 shares a key; the next /64 does not', () => {
    const keys = new Set(Array.from({ length: 50 }, (_, i) => addressKey(`2001:db8:5:6:${i.toString(16)}::${(i * 7).toString(16)}`)));
    expect([...keys]).toEqual(['2001:db8:5:6::/64']);
    expect(addressKey('2001:db8:5:7::1')).not.toBe(addressKey('2001:db8:5:6::1'));
  });
});
