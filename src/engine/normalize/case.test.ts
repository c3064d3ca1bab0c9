import { describe, expect, it } from 'vitest';
import { foldCase } from './case.js';

const fold = (char: string): string => foldCase(char.codePointAt(0) ?? 0);

describe('foldCase', () => {
  it('lower-cases Latin, Greek and Cyrillic', () => {
    expect(fold('A')).toBe('a');
    expect(fold('Σ')).toBe('σ');
    expect(fold('Д')).toBe('д');
  });
  it('may expand (İ → i + combining dot)', () => {
    expect(fold('İ')).toBe('i\u0307');
  });
  it('leaves CJK, digits and lower case alone', () => {
    for (const char of ['赌', '1', 'a', '!']) expect(fold(char)).toBe(char);
  });
});
