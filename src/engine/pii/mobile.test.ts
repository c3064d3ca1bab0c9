import { describe, expect, it } from 'vitest';
import { mobileRecognizer } from './mobile.js';
import { scanInput } from './scan.js';

const find = (text: string) => mobileRecognizer.find(scanInput(text));

describe('mobileRecognizer', () => {
  it.each([
    ['13812345678', '电话13812345678。'],
    ['138 1234 5678', '请拨 138 1234 5678 联系'],
    ['138-1234-5678', '手机:138-1234-5678'],
    ['+86 13812345678', '国际 +86 13812345678'],
    ['+8613912345678', '(+8613912345678)'],
    ['0086-19912345678', '0086-19912345678'],
    ['8615012345678', '号码8615012345678'],
    ['１３８１２３４５６７８', '全角１３８１２３４５６７８号'],
  ])('finds %s with exact offsets', (value, text) => {
    expect(find(text)).toEqual([
      { type: 'pii.mobile', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it('finds a number after an unrelated short number', () => {
    expect(find('房间 302 13812345678').map((m) => m.value)).toEqual(['13812345678']);
  });

  it.each([
    ['12 digits', '138123456789'],
    ['10 digits', '1381234567'],
    ['second digit 2', '12812345678'],
    ['second digit 0', '10812345678'],
    ['inside a longer digit run', '6222013812345678'],
    ['preceded by letters', 'ID13812345678'],
    ['mixed separators', '138-1234 5678'],
    ['wrong grouping', '1381-234-5678'],
    ['inside a space-grouped card', '6222 138 1234 5678'],
    ['inside a hyphenated number', '99-13812345678'],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
