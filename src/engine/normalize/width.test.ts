import { describe, expect, it } from 'vitest';
import { foldWidth } from './width.js';

const fold = (char: string): string => foldWidth(char.codePointAt(0) ?? 0);

describe('foldWidth', () => {
  it('turns full-width ASCII into half-width', () => {
    expect([...'ｆｕｃｋ０９！　'].map(fold).join('')).toBe('fuck09! ');
  });
  it('folds circled digits and letters, ligatures and compatibility ideographs', () => {
    expect(fold('①')).toBe('1');
    expect(fold('ⓕ')).toBe('f');
    expect(fold('ﬁ')).toBe('fi');
    expect(fold('豈')).toBe('豈');
    expect(fold('⼀')).toBe('一');
  });
  it('expands some characters to several units', () => {
    expect(fold('㎏')).toBe('kg');
    expect(fold('½')).toBe('1⁄2');
    expect(fold('⑴')).toBe('(1)');
  });
  it('leaves ordinary characters alone', () => {
    for (const char of ['a', 'Z', '赌', '。', '🎲']) expect(fold(char)).toBe(char);
  });
});
