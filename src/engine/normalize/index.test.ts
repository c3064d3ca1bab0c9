import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createNormalizer,
  DEFAULT_NORMALIZE_OPTIONS,
  NO_NORMALIZE_OPTIONS,
  normalize,
  toOriginalRange,
  type NormalizedText,
  type NormalizeOptions,
  type Normalizer,
} from './index.js';

const text = (input: string, options?: NormalizeOptions): string => normalize(input, options).text;

/** Runs a stream over `input` cut at `cuts` and glues the chunks back together. */
function streamed(normalizer: Normalizer, input: string, cuts: number[]): NormalizedText {
  const stream = normalizer.stream();
  const codes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const collect = (chunk: {
    codes: Uint16Array;
    starts: Int32Array;
    ends: Int32Array;
    length: number;
  }): void => {
    for (let i = 0; i < chunk.length; i++) {
      codes.push(chunk.codes[i] ?? 0);
      starts.push(chunk.starts[i] ?? 0);
      ends.push(chunk.ends[i] ?? 0);
    }
  };
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    collect(stream.push(input.slice(from, cut)));
    from = cut;
  }
  collect(stream.push(input.slice(from)));
  collect(stream.end());
  expect(stream.consumed).toBe(input.length);
  return {
    text: String.fromCharCode(...codes),
    starts: Int32Array.from(starts),
    ends: Int32Array.from(ends),
  };
}

function expectValidOffsets(result: NormalizedText, inputLength: number): void {
  expect(result.starts.length).toBe(result.text.length);
  expect(result.ends.length).toBe(result.text.length);
  for (let i = 0; i < result.text.length; i++) {
    const start = result.starts[i] ?? -1;
    const end = result.ends[i] ?? -1;
    if (!(start >= 0 && start < end && end <= inputLength))
      expect.fail(`bad range [${start}, ${end}) at ${i}`);
    if (i > 0 && (start < (result.starts[i - 1] ?? 0) || end < (result.ends[i - 1] ?? 0))) {
      expect.fail(`offsets go backwards at ${i}`);
    }
  }
}

describe('normalize: evasions are folded', () => {
  it.each([
    ['赌 博', '赌博'],
    ['赌*博', '赌博'],
    ['赌 * ·博', '赌博'],
    ['賭博', '赌博'],
    ['ｆｕｃｋ', 'fuck'],
    ['FUCK', 'fuck'],
    ['fu\u200bck', 'fuck'],
    ['赌\u200b博', '赌博'],
    ['сасао', 'cacao'],
    ['ⓕⓤⓒⓚ', 'fuck'],
    ['𝐟𝐮𝐜𝐤', 'fuck'],
    ['①②③', '123'],
    ['赌🎲博', '赌博'],
    ['赌👨‍👩‍👧博', '赌博'],
    ['赌👍🏻博', '赌博'],
    ['赌#️⃣博', '赌博'],
    ['赌\ufe0f博', '赌博'],
    ['赌\t博', '赌博'],
    ['赌̶博̶', '赌博̶'],
    ['賭　博', '赌博'],
  ])('%j → %j', (input, expected) => {
    expect(text(input)).toBe(expected);
  });
});

describe('normalize: what must survive', () => {
  it.each([
    ['A.B', 'a.b'],
    ['hello world', 'hello world'],
    ['3.14', '3.14'],
    ['我 love 你', '我 love 你'],
    ['赌1博', '赌1博'],
    ['赌 ', '赌 '],
    [' 赌', ' 赌'],
    ['赌博。', '赌博。'],
    ['什么', '什么'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it('keeps separators between CJK when skipSeparators is off', () => {
    expect(text('赌 博', { skipSeparators: false })).toBe('赌 博');
  });

  it('turns lone surrogates into U+FFFD mapped to their own offset', () => {
    const result = normalize('a\ud800b\udc00');
    expect(result.text).toBe('a\ufffdb\ufffd');
    expect([...result.starts]).toEqual([0, 1, 2, 3]);
    expect(text('赌\ud800博')).toBe('赌博');
  });

  it('collapses repeats only when asked, after separators are gone', () => {
    expect(text('好好好好')).toBe('好好好好');
    expect(text('好好好好', { collapseRepeats: 2 })).toBe('好好');
    expect(text('好 好 好', { collapseRepeats: 2 })).toBe('好好');
    expect(text('ⅲ', { collapseRepeats: 2 })).toBe('ii');
  });

  it('rejects a nonsensical collapseRepeats', () => {
    expect(() => createNormalizer({ collapseRepeats: 0 })).toThrow(/collapseRepeats/);
  });
});

describe('offsets', () => {
  it('map every unit back to what produced it', () => {
    const result = normalize('赌 🎲 博 ㎏ 𝐟');
    expect(result.text).toBe('赌博 kg f');
    expect([...result.starts]).toEqual([0, 5, 6, 7, 7, 8, 9]);
    expect([...result.ends]).toEqual([1, 6, 7, 8, 8, 9, 11]);
  });

  it('toOriginalRange covers the dropped characters in between', () => {
    const input = '他说：赌 * 博不好';
    const result = normalize(input);
    const at = result.text.indexOf('赌博');
    const range = toOriginalRange(result, at, at + 2);
    expect(input.slice(range.start, range.end)).toBe('赌 * 博');
  });

  it('toOriginalRange of an empty range is an empty range', () => {
    const result = normalize('ab');
    expect(toOriginalRange(result, 1, 1)).toEqual({ start: 1, end: 1 });
    expect(toOriginalRange(result, 2, 2)).toEqual({ start: 2, end: 2 });
    expect(() => toOriginalRange(result, 1, 3)).toThrow();
  });
});

describe('streaming', () => {
  const normalizer = createNormalizer();

  it('holds back separators after CJK until the next character decides', () => {
    const stream = normalizer.stream();
    expect(stream.push('赌 * ').length).toBe(1);
    expect(stream.push(' 博').length).toBe(1);
    expect(stream.push('  ').length).toBe(0);
    const tail = stream.end();
    expect(String.fromCharCode(...tail.codes)).toBe('  ');
  });

  it('joins a surrogate pair split between chunks', () => {
    expect(streamed(normalizer, '赌🎲博𝐟', [2, 5]).text).toBe('赌博f');
  });

  it('reuses its buffers: a chunk is valid until the next call', () => {
    const stream = normalizer.stream();
    const first = stream.push('abc');
    expect(first.length).toBe(3);
    expect(stream.push('xyz').codes.buffer).toBe(first.codes.buffer);
  });
});

const ALPHABET = [
  '赌',
  '博',
  '賭',
  '好',
  'a',
  'A',
  'ｆ',
  '1',
  ' ',
  '*',
  '。',
  '🎲',
  '👍🏻',
  '\u200b',
  '\u200d',
  '\ufe0f',
  '\u20e3',
  '\ud800',
  '\udc00',
  '\ud835',
  '\udc1f',
  '㎏',
  'ⓕ',
  'с',
  'ⅲ',
  '\n',
];
const mixedText = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(
  mixedText,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const cutsFor = (input: string): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 0, max: input.length }), { maxLength: 6 });
const OPTION_VARIANTS: NormalizeOptions[] = [
  {},
  { collapseRepeats: 2 },
  { skipSeparators: false },
  { width: false, homoglyphs: false },
];

describe('properties', () => {
  for (const options of OPTION_VARIANTS) {
    const normalizer = createNormalizer(options);
    const label = JSON.stringify(options);

    it(`offsets are in bounds, non-empty and monotonic ${label}`, () => {
      fc.assert(
        fc.property(anyText, (input) => expectValidOffsets(normalizer.normalize(input), input.length)),
        { numRuns: 300 },
      );
    });

    it(`stream ≡ whole for any chunking ${label}`, () => {
      fc.assert(
        fc.property(
          anyText.chain((input) => fc.tuple(fc.constant(input), cutsFor(input))),
          ([input, cuts]) => {
            const whole = normalizer.normalize(input);
            const pieces = streamed(normalizer, input, cuts);
            expect(pieces.text).toBe(whole.text);
            expect([...pieces.starts]).toEqual([...whole.starts]);
            expect([...pieces.ends]).toEqual([...whole.ends]);
          },
        ),
        { numRuns: 300 },
      );
    });

    it(`is idempotent ${label}`, () => {
      fc.assert(
        fc.property(anyText, (input) => {
          const once = normalizer.normalize(input).text;
          expect(normalizer.normalize(once).text).toBe(once);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('with every step off, output is the input with identity offsets (well-formed input)', () => {
    const identity = createNormalizer(NO_NORMALIZE_OPTIONS);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          mixedText.map((s) => s.toWellFormed()),
        ),
        (input) => {
          const result = identity.normalize(input);
          expect(result.text).toBe(input);
          // A surrogate pair is one character: both halves carry the pair's range.
          const starts = Array.from({ length: input.length }, (_, i) => (isLowHalf(input, i) ? i - 1 : i));
          const ends = Array.from({ length: input.length }, (_, i) => (isHighHalf(input, i) ? i + 2 : i + 1));
          expect([...result.starts]).toEqual(starts);
          expect([...result.ends]).toEqual(ends);
        },
      ),
    );
  });
});

const isHighHalf = (s: string, i: number): boolean => (s.codePointAt(i) ?? 0) > 0xffff;
const isLowHalf = (s: string, i: number): boolean => i > 0 && isHighHalf(s, i - 1);

describe('large input', () => {
  it('normalises 10 MB of one line', () => {
    const unit = '他说：赌 * 博、賭博和ｆｕｃｋ都不行🎲 hello world 3.14 ';
    const input = unit.repeat(Math.ceil(10_000_000 / unit.length));
    const result = normalize(input);
    expect(result.text.length).toBe(result.starts.length);
    expect(result.text.length).toBeGreaterThan(input.length * 0.7);
    expectValidOffsets(result, input.length);
    expect(result.text.slice(0, 64)).toBe(
      '他说赌博赌博和fuck都不行🎲 hello world 3.14 他说赌博赌博和fuck都不行🎲 hello world 3.14 '.slice(0, 64),
    );
  });

  it('exposes the defaults', () => {
    expect(DEFAULT_NORMALIZE_OPTIONS.collapseRepeats).toBe(false);
    expect(DEFAULT_NORMALIZE_OPTIONS.skipSeparators).toBe(true);
  });
});
