/**
 * Hostile input: huge texts built to trigger catastrophic regex backtracking, and broken UTF-16.
 * No timing assertions; the test timeout is the guard (every case must stay linear).
 */
import { describe, expect, it } from 'vitest';
import { detectPii, redactPii } from './index.js';

const TEN_MB = 10 * 1024 * 1024;
const repeatTo = (unit: string, length: number) =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

describe('robustness', () => {
  it.each([
    ['digits', '7'],
    ['at-sign chains', 'a@a.a.a.'],
    ['dotted numbers', '1.'],
    ['colon-separated hex', 'f:'],
    ['space-grouped digits', '1 '],
    ['hyphen-grouped digits', '1-'],
    ['plate prefixes', '粤B'],
    ['local-part characters', 'a.'],
  ])('scans 10 MB of %s', (_name, unit) => {
    const text = repeatTo(unit, TEN_MB);
    const matches = detectPii(text);
    expect(matches).toEqual([]);
  });

  it('finds a value at the end of 10 MB of local-part characters', () => {
    const text = `${'a'.repeat(TEN_MB)} x@example.com`;
    expect(detectPii(text).map((m) => m.value)).toEqual(['x@example.com']);
  });

  it('handles 10 MB with hundreds of thousands of matches and redacts them all', () => {
    const text = repeatTo('电话13812345678，', TEN_MB);
    const matches = detectPii(text, { types: ['pii.mobile'] });
    expect(matches.length).toBeGreaterThan(500_000);
    const result = redactPii(text, matches, 'placeholder');
    expect(result.text).not.toContain('13812345678');
  });

  it('does not crash on lone surrogates and keeps offsets into the original', () => {
    const text = '\uD800手机13812345678\uDC00，\uDFFF邮箱a@b.cn\uD83D';
    const matches = detectPii(text);
    expect(matches.map((m) => [m.type, text.slice(m.start, m.end)])).toEqual([
      ['pii.mobile', '13812345678'],
      ['pii.email', 'a@b.cn'],
    ]);
    for (const mode of ['mask', 'placeholder', 'pseudonym'] as const) {
      expect(() => redactPii(text, matches, mode, { key: 'k' })).not.toThrow();
    }
  });

  it('returns nothing for empty text', () => {
    expect(detectPii('')).toEqual([]);
  });
});
