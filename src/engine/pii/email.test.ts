import { describe, expect, it } from 'vitest';
import { emailRecognizer } from './email.js';
import { scanInput } from './scan.js';

const find = (text: string) => emailRecognizer.find(scanInput(text));

describe('emailRecognizer', () => {
  it.each([
    ['zhang.san@example.com', '邮箱：zhang.san@example.com，谢谢'],
    ['a_b+tag@mail.example.com.cn', '发到a_b+tag@mail.example.com.cn。'],
    ['13812345678@qq.com', '请联系13812345678@qq.com'],
    ['ＺＨＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ', '全角ＺＨＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ'],
    ['user@xn--fiqs8s.xn--fiqz9s', 'idn user@xn--fiqs8s.xn--fiqz9s'],
    ['x@example.com', 'end of sentence x@example.com.'],
    ['li@example.org', '见.li@example.org'],
  ])('finds %s with exact offsets', (value, text) => {
    expect(find(text)).toEqual([
      { type: 'pii.email', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it.each([
    ['no TLD', 'user@localhost'],
    ['one-letter TLD', 'a@a.a.a.'],
    ['numeric TLD', 'user@example.123'],
    ['empty local part', '@example.com'],
    ['double dot in local part', 'a..b@example.com'],
    ['label starting with hyphen', 'user@-example.com'],
    ['local part over 64 characters', `${'a'.repeat(65)}@example.com`],
    ['no at sign', 'user.example.com'],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
