/**
 * Evasion suite (bench/evasion-cases.ts): hegui with its default normalisation and pinyin for the
 * suite's A1h terms must catch every evasion, with a hit covering exactly the evasion span in the
 * original text, and stay silent on the benign negative cases. Needs no external data.
 */
import { describe, expect, it } from 'vitest';
import {
  EVASION_CASES,
  EVASION_STEPS,
  EVASION_TERMS,
  NEGATIVE_CASES,
  PINYIN_CATEGORIES,
  evasionLibraryText,
} from '../bench/evasion-cases.js';
import { KeywordMatcher, buildLibrary, parseKeywordText } from '../src/engine/keywords/index.js';

const parsed = parseKeywordText(evasionLibraryText(), 'evasion-terms.txt');
const library = buildLibrary([parsed]);
const matcher = KeywordMatcher.compile(library, { pinyinCategories: PINYIN_CATEGORIES });

function describeHits(text: string): string[] {
  return matcher
    .scan(text)
    .map(
      (hit) =>
        `${JSON.stringify(text.slice(hit.start, hit.end))} → ${matcher.entries(hit.pattern).map((e) => e.term)}`,
    );
}

describe('evasion suite data', () => {
  it('parses every term without diagnostics', () => {
    expect(parsed.diagnostics).toEqual([]);
    expect(library.entries.map((e) => e.term)).toEqual(EVASION_TERMS.map((t) => t.term));
  });

  it('has at least 60 cases, at least 4 per step, unique ids, evasion inside text', () => {
    expect(EVASION_CASES.length).toBeGreaterThanOrEqual(60);
    for (const step of EVASION_STEPS) {
      expect(EVASION_CASES.filter((c) => c.step === step).length, step).toBeGreaterThanOrEqual(4);
    }
    expect(new Set(EVASION_CASES.map((c) => c.id)).size).toBe(EVASION_CASES.length);
    for (const c of EVASION_CASES) {
      expect(c.text.includes(c.evasion), c.id).toBe(true);
      // An evasion is not the plain term: a raw keyword list would not see it.
      expect(c.text.includes(c.term), c.id).toBe(false);
    }
  });
});

describe('hegui catches every evasion with the exact span', () => {
  it.each(EVASION_CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const hits = matcher.scan(c.text);
    const ofTerm = hits.filter((hit) => matcher.entries(hit.pattern).some((e) => e.term === c.term));
    expect(
      ofTerm.length,
      `${c.id}: no hit for "${c.term}" in ${JSON.stringify(c.text)}; hits: ${describeHits(c.text)}`,
    ).toBeGreaterThan(0);
    const spans = ofTerm.map((hit) => c.text.slice(hit.start, hit.end));
    expect(spans, `${c.id}: span`).toContain(c.evasion);
    const at = c.text.indexOf(c.evasion);
    expect(
      ofTerm.some((hit) => hit.start === at && hit.end === at + c.evasion.length),
      `${c.id}: hit offsets`,
    ).toBe(true);
  });

  it('streaming in small chunks finds the same hits as scan()', () => {
    for (const c of EVASION_CASES) {
      const stream = matcher.stream();
      const hits = [];
      for (let i = 0; i < c.text.length; i += 3) hits.push(...stream.push(c.text.slice(i, i + 3)));
      hits.push(...stream.end());
      const key = (h: { start: number; end: number; pattern: number }) => `${h.start}:${h.end}:${h.pattern}`;
      expect(hits.map(key).sort(), c.id).toEqual(matcher.scan(c.text).map(key).sort());
    }
  });
});

describe('hegui stays silent on benign texts', () => {
  it.each(NEGATIVE_CASES.map((n) => [n.id, n] as const))('%s', (_id, n) => {
    expect(describeHits(n.text), `${n.id}: ${n.why}`).toEqual([]);
  });
});
