import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeMatcher, serializeMatcher } from './binary.js';
import { buildLibrary } from './library.js';
import { tableToArray } from './entries.js';
import { KeywordMatcher, sortHits } from './matcher.js';
import { parseKeywordText } from './parse.js';
import type { KeywordHit } from './types.js';

function compile(
  lines: string,
  allow: string[] = [],
  options: Parameters<typeof KeywordMatcher.compile>[1] = {},
) {
  return KeywordMatcher.compile(
    buildLibrary([parseKeywordText(lines, 't.txt', { defaultCategory: 'A1h' })], allow),
    options,
  );
}

function found(matcher: KeywordMatcher, text: string): string[] {
  return matcher
    .scan(text)
    .map((h) => `${text.slice(h.start, h.end)}=${matcher.entries(h.pattern)[0]!.term}`);
}

const LIB = '赌博\n网络赌博\n冰毒\n代开发票\nfuck\nporn\nass\n';

describe('KeywordMatcher', () => {
  const matcher = compile(LIB, ['大赌博家'], { pinyinCategories: ['A1h'] });

  it('reports every occurrence in original offsets, through evasions', () => {
    expect(found(matcher, '他在搞网络賭 博')).toEqual(['网络賭 博=网络赌博', '賭 博=赌博']);
    expect(found(matcher, '冰\u200b毒和代*开*发*票')).toEqual(['冰\u200b毒=冰毒', '代*开*发*票=代开发票']);
    expect(found(matcher, 'ＦＵＣＫ this 𝐩𝐨𝐫𝐧')).toEqual(['ＦＵＣＫ=fuck', '𝐩𝐨𝐫𝐧=porn']);
  });

  it('matches ASCII terms only as whole words', () => {
    expect(found(matcher, 'a classic class, kiss my ass!')).toEqual(['ass=ass']);
    expect(found(matcher, 'pornography')).toEqual([]);
  });

  it('suppresses a hit lying inside an allow-listed term, not one outside it', () => {
    expect(found(matcher, '他是大赌博家')).toEqual([]);
    expect(found(matcher, '大赌博家说赌博不好')).toEqual(['赌博=赌博']);
  });

  it('matches pinyin variants of the chosen categories as whole words', () => {
    expect(found(matcher, '一起 dubo 吗')).toEqual(['dubo=赌博']);
    expect(found(matcher, '一起du bo吗')).toEqual(['du bo=赌博']);
    expect(found(matcher, 'dkfp 找我')).toEqual(['dkfp=代开发票']);
    expect(found(matcher, 'duboard')).toEqual([]);
  });

  it('finds nothing in empty text and handles lone surrogates', () => {
    expect(matcher.scan('')).toEqual([]);
    expect(found(matcher, '\ud800赌博\udc00')).toEqual(['赌博=赌博']);
  });

  it('scans raw text when normalisation is off', () => {
    const raw = compile(LIB, [], { normalize: false, wordBoundaries: false });
    expect(found(raw, '賭博 赌 博 classic')).toEqual(['ass=ass']);
  });

  it('scans a 10 MB single line', () => {
    const text = '正常的文字'.repeat(2_000_000) + '冰毒';
    const hits = matcher.scan(text);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.start).toBe(10_000_000);
  });

  it('round-trips through the binary format', () => {
    const copy = deserializeMatcher(serializeMatcher(matcher));
    const text = '网络賭 博, dubo, ＦＵＣＫ, 大赌博家';
    expect(copy.scan(text)).toEqual(matcher.scan(text));
    expect(tableToArray(copy.data.entries)).toEqual(tableToArray(matcher.data.entries));
  });

  it('refuses a damaged or foreign binary with library_format', () => {
    const bytes = serializeMatcher(matcher);
    const damaged = bytes.slice();
    damaged[damaged.length - 3]! ^= 0xff;
    expect(() => deserializeMatcher(damaged)).toThrow(expect.objectContaining({ code: 'library_format' }));
    expect(() => deserializeMatcher(new TextEncoder().encode('not a library at all'))).toThrow(
      expect.objectContaining({ code: 'library_format' }),
    );
    expect(() => deserializeMatcher(bytes.subarray(0, 40))).toThrow(
      expect.objectContaining({ code: 'library_format' }),
    );
  });
});

function streamScan(matcher: KeywordMatcher, chunks: string[]): KeywordHit[] {
  const scanner = matcher.stream();
  const hits: KeywordHit[] = [];
  let lastSafe = 0;
  for (const chunk of chunks) {
    hits.push(...scanner.push(chunk));
    const safe = scanner.safeOffset;
    expect(safe).toBeGreaterThanOrEqual(lastSafe);
    lastSafe = safe;
  }
  hits.push(...scanner.end());
  return sortHits(hits);
}

function chunk(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(text.slice(at, p));
    at = p;
  }
  chunks.push(text.slice(at));
  return chunks;
}

describe('stream scanner', () => {
  const matcher = compile('赌博\n博彩\n赌博网站\nab\nabc\nbc\n彩票\n', ['大赌博家', '博彩票'], {
    pinyinCategories: ['A1h'],
  });
  const alphabet = fc.constantFrom(
    '赌',
    '博',
    '彩',
    '票',
    '網',
    '站',
    '网',
    '大',
    '家',
    ' ',
    '*',
    '\u200b',
    'a',
    'b',
    'c',
    'd',
    'u',
    'o',
    '🎲',
    '\ud83d',
    'A',
  );

  it('returns exactly the whole-text hits for every chunking', () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (chars, cuts) => {
          const text = chars.join('');
          expect(streamScan(matcher, chunk(text, cuts))).toEqual(matcher.scan(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never lets released text reach into a hit', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        const whole = matcher.scan(text);
        const scanner = matcher.stream();
        const seen: KeywordHit[] = [];
        for (let i = 0; i < text.length; i++) {
          seen.push(...scanner.push(text[i]!));
          const safe = scanner.safeOffset;
          // Any hit not yet reported must start at or after what may be released.
          for (const h of whole)
            if (!seen.some((s) => s.start === h.start && s.end === h.end && s.pattern === h.pattern))
              expect(h.start).toBeGreaterThanOrEqual(safe);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('holds back a term split across chunks and reports it when complete', () => {
    const scanner = matcher.stream();
    expect(scanner.push('我们去赌')).toEqual([]);
    expect(scanner.safeOffset).toBe(3);
    expect(scanner.push(' 博')).toEqual([]); // 赌博网站 or the allow-list may still complete
    const hits = [...scanner.push('吧'), ...scanner.end()];
    expect(hits.map((h) => [h.start, h.end])).toEqual([[3, 6]]);
  });
});
