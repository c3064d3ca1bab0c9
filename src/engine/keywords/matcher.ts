/**
 * Compiles a keyword library into a matcher: every term (and allow-list term, and optional pinyin
 * variant) is normalised with the same chain the text will go through, deduplicated into patterns,
 * and built into one automaton. Hits are reported in the original text's offsets.
 */
import { NormalizationPass, type PassSettings } from '../normalize/engine.js';
import { createNormalizer, type ResolvedNormalizeOptions } from '../normalize/index.js';
import { getFoldTable } from '../normalize/table.js';
import type { NormalizeOptions } from '../normalize/types.js';
import { buildAutomaton, transition, type AutomatonArrays } from './automaton.js';
import { arrayTable, type EntryTable } from './entries.js';
import { pinyinVariants } from './pinyin.js';
import {
  KeywordStreamScanner,
  PATTERN_ALLOW,
  PATTERN_KEYWORD,
  PATTERN_LEFT_BOUNDARY,
  PATTERN_RIGHT_BOUNDARY,
  WholeTextScanner,
  type ScanTables,
} from './scanner.js';
import type { KeywordEntry, KeywordHit, KeywordLibrary, LibraryDiagnostic } from './types.js';

/** How a pattern was derived from its entries' terms. */
export type PatternVariant = 'term' | 'pinyin' | 'initials';
const VARIANTS: readonly PatternVariant[] = ['term', 'pinyin', 'initials'];

export interface MatcherOptions {
  /** Normalisation chain applied to terms and texts; `false` scans the raw text. Default: all steps. */
  normalize?: NormalizeOptions | false;
  /** Categories whose CJK terms also match as pinyin. */
  pinyinCategories?: readonly string[];
  /** Purely alphanumeric ASCII terms match only as whole words ("ass" not in "class"). Default true. */
  wordBoundaries?: boolean;
}

/** Everything a matcher is made of; exactly what the binary format stores. */
export interface MatcherData {
  readonly normalize: NormalizeOptions | false;
  readonly wordBoundaries: boolean;
  readonly pinyinCategories: readonly string[];
  readonly automaton: AutomatonArrays;
  readonly patternFlags: Uint8Array;
  readonly patternVariant: Uint8Array;
  /** CSR: entries of pattern p are entryIds[patternEntryStart[p] .. patternEntryStart[p+1]). */
  readonly patternEntryStart: Int32Array;
  readonly entryIds: Int32Array;
  readonly entries: EntryTable;
  readonly allowCount: number;
  readonly maxPatternLength: number;
}

const ALL_STEPS_OFF: NormalizeOptions = {
  width: false,
  caseFold: false,
  traditional: false,
  stripInvisible: false,
  skipSeparators: false,
  homoglyphs: false,
  collapseRepeats: false,
};

const WORD = /^[0-9a-zA-Z]+$/;
/** A whole-text scan keeps its normaliser buffers for the next call unless they grew beyond this (units). */
const KEEP_PASS_UNITS = 1 << 20;

export class KeywordMatcher {
  readonly data: MatcherData;
  /** Problems met while compiling (terms that normalise to nothing, …). */
  readonly diagnostics: readonly LibraryDiagnostic[];
  private readonly normalizer: ReturnType<typeof createNormalizer>;
  private readonly tables: ScanTables;
  private readonly partCache = new WeakMap<KeywordEntry, readonly number[]>();
  private readonly passSettings: PassSettings;
  /** Reused by `scan` (synchronous, so one at a time; a reentrant call gets fresh ones). */
  private pass: NormalizationPass | undefined;
  private readonly whole: WholeTextScanner;
  private scanning = false;

  constructor(data: MatcherData, diagnostics: readonly LibraryDiagnostic[] = []) {
    this.data = data;
    this.diagnostics = diagnostics;
    this.normalizer = createNormalizer(data.normalize === false ? ALL_STEPS_OFF : data.normalize);
    this.tables = {
      automaton: data.automaton,
      patternFlags: data.patternFlags,
      maxPatternLength: data.maxPatternLength,
    };
    this.passSettings = passSettings(this.normalizer.options);
    this.whole = new WholeTextScanner(this.tables);
  }

  static compile(library: KeywordLibrary, options: MatcherOptions = {}): KeywordMatcher {
    const normalizeOptions = options.normalize === undefined ? {} : options.normalize;
    const wordBoundaries = options.wordBoundaries ?? true;
    const pinyinCategories = new Set(options.pinyinCategories ?? []);
    const normalizer = createNormalizer(normalizeOptions === false ? ALL_STEPS_OFF : normalizeOptions);
    const normalizeTerm = termNormalizer(normalizer.options);
    const diagnostics: LibraryDiagnostic[] = [];

    const patternIds = new Map<string, number>();
    const patterns: string[] = [];
    const flags: number[] = [];
    const variant: number[] = [];
    const entriesOf: number[][] = [];
    const intern = (text: string, flag: number, kind: PatternVariant): number => {
      let id = patternIds.get(text);
      if (id === undefined) {
        id = patterns.length;
        patternIds.set(text, id);
        patterns.push(text);
        flags.push(0);
        variant.push(VARIANTS.indexOf(kind));
        entriesOf.push([]);
      }
      flags[id]! |= flag;
      if (wordBoundaries && WORD.test(text)) flags[id]! |= PATTERN_LEFT_BOUNDARY | PATTERN_RIGHT_BOUNDARY;
      return id;
    };

    library.entries.forEach((entry, index) => {
      if (entry.parts) {
        // A combination: each part is its own pattern pointing back at the entry.
        for (const part of entry.parts) {
          const text = normalizeTerm(part);
          if (text !== '') entriesOf[intern(text, PATTERN_KEYWORD, 'term')]!.push(index);
        }
        return;
      }
      const text = normalizeTerm(entry.term);
      if (text === '') {
        diagnostics.push({
          severity: 'warning',
          where: entry.source,
          message: `"${entry.term}" normalises to nothing`,
        });
        return;
      }
      entriesOf[intern(text, PATTERN_KEYWORD, 'term')]!.push(index);
      if (pinyinCategories.has(entry.category)) {
        for (const v of pinyinVariants(text)) {
          const id = intern(
            v.text,
            PATTERN_KEYWORD | PATTERN_LEFT_BOUNDARY | PATTERN_RIGHT_BOUNDARY,
            v.kind === 'full' ? 'pinyin' : 'initials',
          );
          entriesOf[id]!.push(index);
        }
      }
    });
    for (const term of library.allow) {
      const text = normalizeTerm(term);
      if (text !== '') intern(text, PATTERN_ALLOW, 'term');
    }

    const patternEntryStart = new Int32Array(patterns.length + 1);
    entriesOf.forEach((ids, p) => (patternEntryStart[p + 1] = patternEntryStart[p]! + ids.length));
    const entryIds = new Int32Array(patternEntryStart[patterns.length]!);
    entriesOf.forEach((ids, p) => entryIds.set(ids, patternEntryStart[p]!));

    const data: MatcherData = {
      normalize: normalizeOptions,
      wordBoundaries,
      pinyinCategories: [...pinyinCategories],
      automaton: buildAutomaton(patterns),
      patternFlags: Uint8Array.from(flags),
      patternVariant: Uint8Array.from(variant),
      patternEntryStart,
      entryIds,
      entries: arrayTable(library.entries),
      allowCount: library.allow.length,
      maxPatternLength: patterns.reduce((max, p) => Math.max(max, p.length), 0),
    };
    return new KeywordMatcher(data, [...library.diagnostics, ...diagnostics]);
  }

  /** All keyword hits in `text`, sorted by start then end. */
  scan(text: string): KeywordHit[] {
    // Same hits as `stream()` fed the text in one chunk (the property tests hold the two together),
    // with the normaliser buffers and scan scratch reused across calls.
    if (this.scanning) {
      const pass = new NormalizationPass(this.passSettings, text.length + 16);
      pass.feed(text);
      pass.finish();
      return new WholeTextScanner(this.tables).scan(pass);
    }
    this.scanning = true;
    try {
      let pass = this.pass;
      if (pass === undefined) pass = this.pass = new NormalizationPass(this.passSettings, text.length + 16);
      else pass.reset();
      pass.feed(text);
      pass.finish();
      const hits = this.whole.scan(pass);
      if (pass.capacity > KEEP_PASS_UNITS) this.pass = undefined;
      return hits;
    } finally {
      this.scanning = false;
    }
  }

  /** A scanner that keeps its state across chunks. */
  stream(): KeywordStreamScanner {
    return new KeywordStreamScanner(this.tables, this.normalizer.stream());
  }

  /** The library entries a hit's pattern stands for. */
  entries(pattern: number): KeywordEntry[] {
    const { patternEntryStart, entryIds, entries } = this.data;
    const result: KeywordEntry[] = [];
    for (let i = patternEntryStart[pattern]!; i < patternEntryStart[pattern + 1]!; i++)
      result.push(entries.at(entryIds[i]!));
    return result;
  }

  /**
   * Pattern ids of a combination entry's parts (a part that normalises to nothing is left out).
   * Derived by walking the automaton, so it also works for a matcher loaded from a binary.
   */
  partPatterns(entry: KeywordEntry): readonly number[] {
    let ids = this.partCache.get(entry);
    if (!ids) {
      ids = (entry.parts ?? [])
        .map((part) => this.patternId(this.normalizer.normalize(part).text))
        .filter((id) => id >= 0);
      this.partCache.set(entry, ids);
    }
    return ids;
  }

  /** The id of the pattern equal to `normalised`, or -1. */
  patternId(normalised: string): number {
    const a = this.data.automaton;
    let node = 0;
    for (let i = 0; i < normalised.length && node !== -1; i++) {
      const c = a.classOf[normalised.charCodeAt(i)]!;
      node = c === 0 ? -1 : transition(a, node, c);
      if (node === 0) node = -1;
    }
    return node <= 0 ? -1 : a.out[node]!;
  }

  variant(pattern: number): PatternVariant {
    return VARIANTS[this.data.patternVariant[pattern]!] ?? 'term';
  }

  get patternCount(): number {
    return this.data.patternFlags.length;
  }

  /** Bytes held by the compiled tables (not counting entry strings). */
  get tableBytes(): number {
    const a = this.data.automaton;
    return [
      a.classOf,
      a.rootNext,
      a.nodes,
      a.compact,
      a.edges,
      a.labels,
      a.wideClass,
      a.wideTarget,
      a.depth,
      a.out,
      a.dictLink,
      a.patternLength,
      this.data.patternFlags,
      this.data.patternVariant,
      this.data.patternEntryStart,
      this.data.entryIds,
    ].reduce((sum, array) => sum + array.byteLength, 0);
  }
}

/**
 * `normalizer.normalize(term).text` for many short terms: one pass reused for all of them instead of
 * fresh buffers per term (compiling a 100k-term library).
 */
function termNormalizer(options: ResolvedNormalizeOptions): (term: string) => string {
  const pass = new NormalizationPass(passSettings(options), 64);
  return (term) => {
    pass.reset();
    pass.feed(term);
    pass.finish();
    const { codes, length } = pass;
    let text = '';
    for (let at = 0; at < length; at += 4096) {
      text += String.fromCharCode(...codes.subarray(at, Math.min(length, at + 4096)));
    }
    return text;
  };
}

function passSettings(options: ResolvedNormalizeOptions): PassSettings {
  return {
    table: getFoldTable(options),
    skipSeparators: options.skipSeparators,
    collapseRepeats: options.collapseRepeats,
  };
}

export function sortHits(hits: KeywordHit[]): KeywordHit[] {
  return hits.sort((x, y) => x.start - y.start || x.end - y.end || x.pattern - y.pattern);
}
