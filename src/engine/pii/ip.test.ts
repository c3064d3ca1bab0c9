import { describe, expect, it } from 'vitest';
import { ipRecognizer } from './ip.js';
import { scanInput } from './scan.js';

const find = (text: string) => ipRecognizer.find(scanInput(text));

describe('ipRecognizer', () => {
  it.each([
    ['192.168.1.1', '服务器192.168.1.1。'],
    ['0.0.0.0', 'bind 0.0.0.0:8080'],
    ['255.255.255.255', '广播255.255.255.255'],
    ['１０.０.０.１', '全角１０.０.０.１'],
    ['8.8.8.8', '地址是8.8.8.8.'],
    ['2001:db8:85a3:0000:0000:8a2e:0370:7334', 'v6 2001:db8:85a3:0000:0000:8a2e:0370:7334'],
    ['2001:db8::1', '地址2001:db8::1，'],
    ['fe80::1', 'IPv6:fe80::1'],
    ['::1', 'loopback ::1'],
  ])('finds %s', (value, text) => {
    expect(find(text)).toEqual([
      { type: 'pii.ip', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it('finds an IPv4-mapped IPv6 address (and the embedded IPv4, left to overlap resolution)', () => {
    const text = 'mapped ::ffff:192.168.1.1 ok';
    expect(find(text).map((m) => m.value)).toEqual(['::ffff:192.168.1.1', '192.168.1.1']);
  });

  it.each([
    ['octet over 255', '999.1.1.1'],
    ['octet 256', '1.2.3.256'],
    ['leading zero', '192.168.01.1'],
    ['version string', 'v1.2.3.4.5'],
    ['five-part number', '1.2.3.4.5'],
    ['three octets', '1.2.3'],
    ['inside letters', 'a1.2.3.4'],
    ['C++ scope', 'std::vector'],
    ['time', '12:30:45'],
    ['bare double colon', 'a :: b'],
    ['too many groups', '1:2:3:4:5:6:7:8:9'],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
