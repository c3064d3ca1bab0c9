import { describe, expect, it } from 'vitest';
import { bankCardRecognizer, isLuhnValid, luhnCheckDigit } from './bank-card.js';
import { scanInput } from './scan.js';

const find = (text: string) => bankCardRecognizer.find(scanInput(text));

/** Independent Luhn: try every check digit and keep the one whose full sum is divisible by 10. */
function withLuhn(body: string): string {
  for (let check = 0; check <= 9; check++) {
    const digits = body + String(check);
    const sum = [...digits]
      .reverse()
      .map((ch, i) => (i % 2 === 1 ? Number(ch) * 2 : Number(ch)))
      .reduce((acc, n) => acc + (n > 9 ? n - 9 : n), 0);
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

function breakLuhn(card: string): string {
  const last = Number(card.slice(-1));
  return card.slice(0, -1) + String((last + 1) % 10);
}

describe('Luhn', () => {
  it('accepts well-known test numbers', () => {
    for (const card of ['4111111111111111', '5555555555554444', '6011111111111117', '3530111333300000']) {
      expect(isLuhnValid(card)).toBe(true);
    }
  });
  it('agrees with an independent implementation', () => {
    for (const body of ['622202123456789', '62284801234567890', '955880123456789012', '4000123412341234']) {
      expect(body + luhnCheckDigit(body)).toBe(withLuhn(body));
    }
  });
});

describe('bankCardRecognizer', () => {
  const unionPay19 = withLuhn('622848012345678901');
  const unionPay16 = withLuhn('622202123456789');
  const visa = withLuhn('400012341234123');
  const grouped = unionPay16.replace(/(\d{4})(?=\d)/g, '$1 ');
  const hyphenated = unionPay19.replace(/(\d{4})(?=\d)/g, '$1-');
  const mastercard2 = withLuhn('222100123456789');

  it.each([
    ['UnionPay 19', `卡号${unionPay19}。`, unionPay19],
    ['UnionPay 16', `卡号：${unionPay16}`, unionPay16],
    ['Visa', `visa ${visa} end`, visa],
    ['Mastercard 2-series', `${mastercard2}`, mastercard2],
    ['space-grouped', `卡号 ${grouped} 请核对`, grouped],
    ['hyphen-grouped 19', `卡号 ${hyphenated}`, hyphenated],
  ])('finds %s', (_name, text, value) => {
    expect(find(text)).toEqual([
      { type: 'pii.bank_card', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it.each([
    ['Luhn-invalid', breakLuhn(unionPay19)],
    ['unknown prefix 1', withLuhn('123456789012345')],
    ['15 digits', withLuhn('62220212345678')],
    ['20 digits', withLuhn('6222021234567890123')],
    ['inside a longer digit run', `00${unionPay16}`],
    [
      'mixed separators',
      `${unionPay16.slice(0, 4)} ${unionPay16.slice(4, 8)}-${unionPay16.slice(8, 12)} ${unionPay16.slice(12)}`,
    ],
    ['followed by letters', `${unionPay16}ab`],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
