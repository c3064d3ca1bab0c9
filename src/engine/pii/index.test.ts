import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES } from '../taxonomy.js';
import { HeguiError } from '../errors.js';
import { PII_TYPES, detectPii } from './index.js';
import type { PiiType } from './types.js';

const TODAY = new Date(Date.UTC(2025, 0, 1));

describe('PII_TYPES', () => {
  it('covers exactly the pii.* codes of the taxonomy', () => {
    expect(PII_TYPES.map((info) => info.type).sort()).toEqual(
      CATEGORY_CODES.filter((code) => code.startsWith('pii.')).sort(),
    );
  });
  it('has a Chinese and an English label for every type', () => {
    for (const info of PII_TYPES) {
      expect(info.zh).toMatch(/\p{Script=Han}/u);
      expect(info.en).toMatch(/^[A-Z][A-Za-z ]+$/);
    }
  });
});

describe('detectPii', () => {
  const text =
    '张三，身份证11010519491231002X，手机+86 138-1234-5678，座机(0755) 8765 4321，邮箱zhang.san@example.com，' +
    '卡号4111 1111 1111 1111，护照E12345678，车牌粤B·D12345，IP 192.168.1.10，代码91350100M000100Y43。';

  it('finds one of each type, sorted by start', () => {
    expect(detectPii(text, { referenceDate: TODAY }).map((m) => [m.type, m.value])).toEqual([
      ['pii.id_card', '11010519491231002X'],
      ['pii.mobile', '+86 138-1234-5678'],
      ['pii.landline', '(0755) 8765 4321'],
      ['pii.email', 'zhang.san@example.com'],
      ['pii.bank_card', '4111 1111 1111 1111'],
      ['pii.passport', 'E12345678'],
      ['pii.plate', '粤B·D12345'],
      ['pii.ip', '192.168.1.10'],
      ['pii.uscc', '91350100M000100Y43'],
    ]);
  });

  it('reports only the requested types', () => {
    const types: PiiType[] = ['pii.email', 'pii.ip'];
    expect(detectPii(text, { types }).map((m) => m.type)).toEqual(['pii.email', 'pii.ip']);
    expect(detectPii(text, { types: [] })).toEqual([]);
  });

  it('does not report an ID as a bank card when only bank cards are requested', () => {
    // 18 digits that are both a valid ID (Gansu, region 62) and Luhn-valid with a UnionPay prefix.
    const both = findIdThatIsAlsoACard();
    expect(detectPii(`号${both}`, { referenceDate: TODAY }).map((m) => m.type)).toEqual(['pii.id_card']);
    expect(detectPii(`号${both}`, { referenceDate: TODAY, types: ['pii.bank_card'] })).toEqual([]);
  });

  it('prefers the e-mail over the phone number inside it', () => {
    expect(detectPii('13812345678@qq.com').map((m) => m.type)).toEqual(['pii.email']);
  });

  it('prefers the IPv4-mapped IPv6 address over the IPv4 inside it', () => {
    expect(detectPii('::ffff:10.0.0.1').map((m) => m.value)).toEqual(['::ffff:10.0.0.1']);
  });

  it('rejects unknown types', () => {
    expect(() => detectPii('x', { types: ['pii.ssn' as PiiType] })).toThrow(HeguiError);
  });
});

/** Search sequence numbers until an ID is also Luhn-valid (about one in ten is). */
function findIdThatIsAlsoACard(): string {
  for (let sequence = 0; sequence < 1000; sequence++) {
    const body = `620102199001011${String(sequence).padStart(2, '0')}`.slice(0, 17);
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * weights[i]!, 0);
    const id = body + '10X98765432'[sum % 11];
    if (/X$/.test(id)) continue;
    const luhn = [...id]
      .reverse()
      .map((ch, i) => (i % 2 === 1 ? Number(ch) * 2 : Number(ch)))
      .reduce((acc, n) => acc + (n > 9 ? n - 9 : n), 0);
    if (luhn % 10 === 0) return id;
  }
  throw new Error('no ID/card collision found');
}
