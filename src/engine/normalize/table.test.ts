import { describe, expect, it } from 'vitest';
import { foldCodePoint, type FoldOptions } from './fold.js';
import { resolveNormalizeOptions } from './options.js';
import {
  CLASS_MASK,
  CLASS_SHIFT,
  compileFoldTable,
  describeEntry,
  EXPANDS,
  HIGH_SURROGATE,
  SLOW_PATH,
} from './table.js';
import { classify } from './separators.js';

const OPTION_SETS: Record<string, FoldOptions> = {
  defaults: resolveNormalizeOptions(),
  allOff: resolveNormalizeOptions({
    width: false,
    caseFold: false,
    traditional: false,
    stripInvisible: false,
    homoglyphs: false,
  }),
  noWidth: resolveNormalizeOptions({ width: false }),
  onlyHomoglyphsAndCase: resolveNormalizeOptions({ width: false, traditional: false, stripInvisible: false }),
};

describe('compiled fold table', () => {
  for (const [name, options] of Object.entries(OPTION_SETS)) {
    it(`equals the composition of the steps for every BMP code point (${name})`, () => {
      const table = compileFoldTable(options);
      const mismatches: string[] = [];
      for (let unit = 0; unit < 0x10000; unit++) {
        const entry = table.bmp[unit] ?? 0;
        if (entry & HIGH_SURROGATE) continue; // resolved through the astral table, checked below
        const expected = foldCodePoint(unit, options);
        if (describeEntry(table, unit, entry) !== expected) mismatches.push(unit.toString(16));
        if (
          (entry & SLOW_PATH) === 0 &&
          ((entry >>> CLASS_SHIFT) & CLASS_MASK) !== classify(expected.codePointAt(0) ?? 0)
        ) {
          mismatches.push(`class ${unit.toString(16)}`);
        }
      }
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }

  it('resolves astral code points lazily and consistently', () => {
    const options = OPTION_SETS.defaults as FoldOptions;
    const table = compileFoldTable(options);
    for (const char of ['𝐟', '🎲', '𠀀', '🄪', '🅐', '\u{E0041}', '\u{1F3FB}']) {
      const codePoint = char.codePointAt(0) ?? 0;
      const entry = table.astral(codePoint);
      expect(table.astral(codePoint)).toBe(entry);
      expect(describeEntry(table, codePoint, entry), char).toBe(foldCodePoint(codePoint, options));
    }
  });

  it('folding is idempotent per character (a second fold changes nothing)', () => {
    const options = OPTION_SETS.defaults as FoldOptions;
    for (let unit = 0; unit < 0x10000; unit++) {
      const once = foldCodePoint(unit, options);
      const twice = [...once].map((c) => foldCodePoint(c.codePointAt(0) ?? 0, options)).join('');
      if (twice !== once) expect.fail(`U+${unit.toString(16)}: ${once} → ${twice}`);
    }
  });

  it('has some expansions and keeps the common case on the fast path', () => {
    const table = compileFoldTable(OPTION_SETS.defaults as FoldOptions);
    expect(table.expansions.length).toBeGreaterThan(100);
    for (const char of 'a赌，。 1') expect((table.bmp[char.charCodeAt(0)] ?? 0) & SLOW_PATH).toBe(0);
    expect((table.bmp['㎏'.charCodeAt(0)] ?? 0) & EXPANDS).toBe(EXPANDS);
  });
});
