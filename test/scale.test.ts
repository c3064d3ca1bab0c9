/**
 * Bad-input and scale cases from the engine issue: a million-term library, a 10 MB single-line
 * text, empty input. Correct results, no crash, no hang (vitest's timeout is the hang guard; there
 * are no timing assertions here — speed lives in bench/).
 */
import { describe, expect, it } from 'vitest';
import { deserializeMatcher, serializeMatcher } from '../src/engine/keywords/binary.js';
import { KeywordMatcher } from '../src/engine/keywords/matcher.js';
import type { KeywordEntry } from '../src/engine/keywords/types.js';
import { assembleModerator } from '../src/engine/assemble.js';

/** mulberry32: a small seeded PRNG so the library is the same every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a library with 1,000,000 terms', () => {
  it('compiles, serialises, loads and finds its own terms', () => {
    const random = prng(7);
    const entries: KeywordEntry[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      let term = '';
      const length = 2 + Math.floor(random() * 5);
      for (let j = 0; j < length; j++) term += String.fromCharCode(0x4e00 + Math.floor(random() * 3000));
      entries.push({ term, category: 'A1h', action: undefined, source: `big.txt:${i + 1}` });
    }
    const matcher = KeywordMatcher.compile({ entries, allow: [], diagnostics: [] }, { normalize: false });
    expect(matcher.patternCount).toBeGreaterThan(990_000);
    const loaded = deserializeMatcher(serializeMatcher(matcher));
    for (const index of [0, 123_456, 999_999]) {
      const { term } = entries[index]!;
      const text = `前文${term}后文`;
      const hits = loaded.scan(text);
      const own = hits.find((h) =>
        loaded.entries(h.pattern).some((e) => e.source === `big.txt:${index + 1}`),
      );
      expect(own).toMatchObject({ start: 2, end: 2 + term.length });
    }
  }, 120_000);
});

describe('the default moderator on extreme inputs', () => {
  const { moderator } = assembleModerator();

  it('moderates a 10 MB single line with a term at the very end', () => {
    const text = '这是一段很长的正常文字，'.repeat(870_000) + '冰毒';
    expect(text.length).toBeGreaterThan(10_000_000);
    const verdict = moderator.moderate(text, { direction: 'input' });
    expect(verdict.action).toBe('block');
    expect(verdict.evidence.at(-1)).toMatchObject({ start: text.length - 2, end: text.length });
  }, 120_000);

  it('allows empty input and tolerates lone surrogates', () => {
    expect(moderator.moderate('', { direction: 'input' }).action).toBe('allow');
    const v = moderator.moderate('\ud800冰\udfff毒\ud800', { direction: 'output' });
    expect(v.action).toBe('block');
  });

  it('rejects a non-string with input_invalid', () => {
    expect(() => moderator.moderate(42 as unknown as string, { direction: 'input' })).toThrow(
      expect.objectContaining({ code: 'input_invalid' }),
    );
  });
});
