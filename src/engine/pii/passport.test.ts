import { describe, expect, it } from 'vitest';
import { passportRecognizer } from './passport.js';
import { scanInput } from './scan.js';

const find = (text: string) => passportRecognizer.find(scanInput(text));

describe('passportRecognizer', () => {
  it.each([
    ['E12345678', '护照号码：E12345678'],
    ['EA1234567', '护照 EA1234567 已过期'],
    ['G12345678', '旧版護照號碼G12345678'],
    ['E98765432', 'Passport No. E98765432'],
    ['DE1234567', '外交护照 DE1234567'],
    ['Ｅ１２３４５６７８', '护照：Ｅ１２３４５６７８'],
  ])('finds %s after a context word', (value, text) => {
    expect(find(text)).toEqual([
      { type: 'pii.passport', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it.each([
    ['no context word', '订单 E12345678 已发货'],
    ['context word too far away', `护照${'的'.repeat(25)}E12345678`],
    ['context word after the number', 'E12345678 是护照号吗'],
    ['letter I in the series', '护照 EI1234567'],
    ['9 digits', '护照 E123456789'],
    ['7 digits after E', '护照 E1234567'],
    ['unknown prefix', '护照 K12345678'],
    ['embedded in a longer id', '护照 XE12345678'],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
