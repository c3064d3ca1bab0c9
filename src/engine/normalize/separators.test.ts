import { describe, expect, it } from 'vitest';
import { CharClass, classify, isCJK, isSeparator } from './separators.js';

const cp = (char: string): number => char.codePointAt(0) ?? 0;

describe('character classes', () => {
  it('CJK: unified ideographs, extension A and B, compatibility ideographs, 〇 and 々', () => {
    for (const char of ['赌', '㐀', '𠀀', '豈', '〇', '々', '鿿']) expect(isCJK(cp(char)), char).toBe(true);
  });
  it('not CJK: kana, hangul, radicals, CJK punctuation, Latin, digits', () => {
    for (const char of ['ア', '한', '⺀', '⼀', '。', 'a', '1']) expect(isCJK(cp(char)), char).toBe(false);
  });
  it('separators: punctuation, symbols, emoji and their modifiers, spaces, controls, marks', () => {
    const separators = [
      '*',
      '.',
      ' ',
      '\n',
      '\t',
      '。',
      '，',
      '🎲',
      '🏻',
      '\u200d',
      '\ufe0f',
      '\u20e3',
      '\u0336',
      '♥',
      '$',
      '\u3000',
      '🇨',
    ];
    for (const char of separators) expect(isSeparator(cp(char)), JSON.stringify(char)).toBe(true);
  });
  it('letters and digits are never separators', () => {
    for (const char of ['a', 'Z', '1', '٣', 'д', 'ア', '赌']) expect(isSeparator(cp(char)), char).toBe(false);
  });
  it('classify', () => {
    expect(classify(cp('赌'))).toBe(CharClass.CJK);
    expect(classify(cp('*'))).toBe(CharClass.Separator);
    expect(classify(cp('x'))).toBe(CharClass.Other);
    expect(classify(0xd800)).toBe(CharClass.Other);
  });
});

describe('sentence boundaries', () => {
  it('never joins CJK across a sentence end or a line break', async () => {
    const { normalize } = await import('./index.js');
    expect(normalize('我不赌。博物馆').text).toBe('我不赌。博物馆');
    expect(normalize('我不赌！博物馆').text).toBe('我不赌!博物馆');
    expect(normalize('赌\n博').text).toBe('赌\n博');
    expect(normalize('赌，博').text).toBe('赌博');
  });
});
