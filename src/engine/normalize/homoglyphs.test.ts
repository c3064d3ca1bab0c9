import { describe, expect, it } from 'vitest';
import { foldHomoglyph, getHomoglyphTable } from './homoglyphs.js';
import { foldWidth } from './width.js';

const fold = (text: string): string => [...text].map((c) => foldHomoglyph(c.codePointAt(0) ?? 0)).join('');

describe('homoglyphs', () => {
  it('folds Cyrillic and Greek look-alikes to Latin', () => {
    expect(fold('сасао')).toBe('cacao'); // Cyrillic с а о
    expect(fold('ΑΒΕΚΜΝΟΡΤΧ')).toBe('ABEKMNOPTX');
    expect(fold('ѕһіј')).toBe('shij');
  });
  it('folds circled, parenthesised, full-width and mathematical letters and digits', () => {
    expect(fold('ⓕⓤⓒⓚ')).toBe('fuck');
    expect(fold('𝐟𝐮𝐜𝐤')).toBe('fuck');
    expect(fold('𝔣𝕦𝓬𝚔')).toBe('fuck');
    expect(fold('①⑴⒈⒜🄐ｆ')).toBe('111aAf');
    expect(fold('⑽')).toBe('10');
  });
  it('covers what NFKC leaves alone: negative circled/squared letters, dingbat digits, small capitals', () => {
    const leftByNfkc = '🅐🅰❶➀➊⓫⓵⓿ᴀʙᴄ';
    for (const char of leftByNfkc) expect(foldWidth(char.codePointAt(0) ?? 0), char).toBe(char);
    expect(fold(leftByNfkc)).toBe('AA1111110abc');
  });
  it('leaves flags, symbols, CJK and plain ASCII alone', () => {
    for (const char of ['🇨', '℡', '№', '赌', 'a', '1', '.']) expect(fold(char)).toBe(char);
  });
  it('only ever produces ASCII letters and digits', () => {
    for (const value of getHomoglyphTable().values()) expect(value).toMatch(/^[A-Za-z0-9]+$/);
  });
});
