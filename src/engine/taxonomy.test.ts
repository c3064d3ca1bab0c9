import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  CATEGORY_CODES,
  GROUPS,
  KEYWORD_SCOPE_CATEGORIES,
  TC260_CATEGORIES,
  TC260_KEYWORD_LIBRARY_MIN_TOTAL,
  categoriesInGroup,
  getCategory,
  getGroup,
  isCategoryCode,
  isGroupCode,
} from './taxonomy.js';

describe('taxonomy', () => {
  it('has the 31 TC260 categories in 5 groups', () => {
    expect(TC260_CATEGORIES).toHaveLength(31);
    expect(GROUPS.filter((g) => g.tc260).map((g) => g.code)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
  });

  it('has the per-group counts of Appendix A (8, 9, 5, 7, 2)', () => {
    const counts = (['A1', 'A2', 'A3', 'A4', 'A5'] as const).map((g) => categoriesInGroup(g).length);
    expect(counts).toEqual([8, 9, 5, 7, 2]);
    expect(KEYWORD_SCOPE_CATEGORIES).toHaveLength(17);
  });

  it('has unique codes, all with zh and en names and a known group', () => {
    const codes = CATEGORIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...CATEGORY_CODES]);
    for (const c of CATEGORIES) {
      expect(c.zh.length, c.code).toBeGreaterThan(0);
      expect(c.en.length, c.code).toBeGreaterThan(0);
      expect(isGroupCode(c.group), c.code).toBe(true);
      if (c.tc260) expect(c.code.startsWith(c.group)).toBe(true);
    }
    for (const g of GROUPS) {
      expect(g.zh.length).toBeGreaterThan(0);
      expect(g.en.length).toBeGreaterThan(0);
    }
    expect(new Set(GROUPS.map((g) => g.code)).size).toBe(GROUPS.length);
  });

  it('gives keyword minimums of 200 per A.1 and 100 per A.2 category (TC260 §8.1)', () => {
    for (const c of CATEGORIES) {
      const expected = c.group === 'A1' ? 200 : c.group === 'A2' ? 100 : undefined;
      expect(c.keywordMinimum, c.code).toBe(expected);
    }
    const sum = CATEGORIES.reduce((s, c) => s + (c.keywordMinimum ?? 0), 0);
    expect(sum).toBe(2500);
    expect(TC260_KEYWORD_LIBRARY_MIN_TOTAL).toBe(10_000);
  });

  it('has every pii code, in group pii, related to A4f', () => {
    const pii = [
      'pii.id_card',
      'pii.mobile',
      'pii.landline',
      'pii.email',
      'pii.bank_card',
      'pii.uscc',
      'pii.passport',
      'pii.plate',
      'pii.ip',
    ];
    for (const code of pii) {
      const c = getCategory(code);
      expect(c, code).toBeDefined();
      expect(c?.group).toBe('pii');
      expect(c?.tc260).toBe(false);
      expect(c?.relatesTo).toBe('A4f');
    }
    expect(categoriesInGroup('pii')).toHaveLength(pii.length);
  });

  it('has prompt_injection and spam', () => {
    expect(isCategoryCode('prompt_injection')).toBe(true);
    expect(isCategoryCode('spam')).toBe(true);
  });

  it('looks codes up', () => {
    expect(getCategory('A1d')?.zh).toBe('宣扬恐怖主义、极端主义');
    expect(getCategory('A9z')).toBeUndefined();
    expect(isCategoryCode('A1')).toBe(false);
    expect(isCategoryCode('a1a')).toBe(false);
    expect(isGroupCode('A1')).toBe(true);
    expect(getGroup('A2')?.en).toBe('Discriminatory content');
  });
});

// The data files under data/keywords name categories by these codes; keep them in step.
describe('keyword data files use taxonomy codes', () => {
  const dir = fileURLToPath(new URL('../../data/keywords/', import.meta.url));
  const lines = (file: string): string[] =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));

  const entries = lines('default.txt').map((l) => l.split('\t'));

  it('default.txt: term<TAB>category[<TAB>action] with valid codes and no duplicates', () => {
    const seen = new Set<string>();
    for (const [term, category, action, ...rest] of entries) {
      expect(rest, term).toEqual([]);
      expect(term?.trim(), term).toBe(term);
      expect(term?.toLowerCase(), term).toBe(term);
      expect(isCategoryCode(category ?? ''), `${term} ${category}`).toBe(true);
      expect([undefined, 'block', 'review', 'hard'], term).toContain(action);
      expect(seen.has(term!), term).toBe(false);
      seen.add(term!);
    }
  });

  it('default.txt seeds every A.1/A.2 category and spam', () => {
    const count = new Map<string, number>();
    for (const [, category] of entries) count.set(category!, (count.get(category!) ?? 0) + 1);
    for (const c of [...KEYWORD_SCOPE_CATEGORIES.map((k) => k.code), 'spam']) {
      expect(count.get(c) ?? 0, c).toBeGreaterThanOrEqual(10);
    }
  });

  it('allow.txt: every benign word contains a library term and is not one itself', () => {
    const terms = entries.map(([t]) => t!);
    const hard = entries.filter(([, , a]) => a === 'hard').map(([t]) => t!);
    for (const line of lines('allow.txt')) {
      const [word, comment] = line.split('\t');
      expect(comment === undefined || comment.startsWith('#'), line).toBe(true);
      expect(terms, word).not.toContain(word);
      // The allow-list also suppresses hard terms, so it must never cover one.
      expect(
        hard.filter((h) => word!.includes(h)),
        word,
      ).toEqual([]);
      expect(
        terms.some((t) => word!.includes(t)),
        word,
      ).toBe(true);
    }
  });

  it('shared-lists.yaml maps every shared file to a valid code and action', () => {
    const mapping = parse(readFileSync(join(dir, 'shared-lists.yaml'), 'utf8')) as {
      lists: Record<string, { root: string; files: Record<string, { category: string; action: string }> }>;
    };
    const shared = '/work/shared/data';
    for (const list of Object.values(mapping.lists)) {
      for (const [file, m] of Object.entries(list.files)) {
        expect(isCategoryCode(m.category), file).toBe(true);
        expect(['block', 'review'], file).toContain(m.action);
      }
      const folder = join(shared, list.root);
      if (existsSync(folder)) {
        const txt = readdirSync(folder).filter((f) => f.endsWith('.txt') && f !== 'LICENSE.txt');
        expect(Object.keys(list.files).sort()).toEqual(txt.sort());
      }
    }
  });
});
