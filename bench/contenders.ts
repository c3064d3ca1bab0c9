/**
 * The contenders, behind one interface. Every contender is built from the same distinct term list and
 * scanned through the call a gateway would use to get all matches of a document:
 *
 * - fastscan 1.0.6           `search(doc)` → [offset, word][] (all overlapping occurrences)
 * - aho-corasick 0.1.3       `search(doc, cb)` → cb(word, data, offset) per occurrence
 * - mint-filter 4.0.3        `filter(doc, { replace: false }).words` — lower-cases terms and text; reports
 *                            at most one word per position (the word ending at the current trie node,
 *                            never shorter words on its failure chain)
 * - modern-ahocorasick 3.3.0 `search(doc)` (strategy `all`), matching whole grapheme clusters; also
 *                            its optional double-array backend `modern-ahocorasick/fast`
 * - hegui                    `matcher.scan(doc)` with normalisation ON (default options) and OFF
 *                            (`normalize: false, wordBoundaries: false`: plain Aho–Corasick on raw text).
 */
import { createRequire } from 'node:module';
import AhoCorasickModern from 'modern-ahocorasick';
import FastAhoCorasickModern from 'modern-ahocorasick/fast';
import { KeywordMatcher, type KeywordLibrary } from '../src/engine/keywords/index.js';

const require = createRequire(import.meta.url);

interface FastScanner {
  search(content: string, options?: { quick?: boolean; longest?: boolean }): [number, string][];
}
const FastScannerCtor = require('fastscan') as new (words: string[]) => FastScanner;

interface AhoCorasickLegacy {
  add(word: string, data: unknown): void;
  build_fail(): void;
  search(text: string, callback: (word: string, data: unknown[], offset: number) => void): void;
}
const AhoCorasickLegacyCtor = require('aho-corasick') as new () => AhoCorasickLegacy;

interface Mint {
  filter(text: string, options?: { replace?: boolean }): { words: string[]; text: string };
}
const MintCtor = (require('mint-filter') as { Mint: new (keys: string[]) => Mint }).Mint;

export interface TermSet {
  readonly terms: readonly string[];
  readonly library: KeywordLibrary;
}

/** A built matcher as the bench drives it. */
export interface Scanner {
  /** Number of matches the library reports for the document (its natural "all matches" call). */
  count(doc: string): number;
  /** Distinct matched substrings of the document (for the agreement check). */
  found(doc: string): Set<string>;
  /** For hegui only: the compiled matcher. */
  readonly matcher?: KeywordMatcher;
}

export interface Contender {
  readonly name: string;
  /** Whether it normalises text (only hegui ON does). */
  readonly normalises: boolean;
  /** True for the hegui rows (not competitors). */
  readonly ours: boolean;
  build(set: TermSet): Scanner;
}

export const RAW_OPTIONS = { normalize: false, wordBoundaries: false } as const;

export const CONTENDERS: readonly Contender[] = [
  {
    name: 'fastscan',
    normalises: false,
    ours: false,
    build({ terms }) {
      const scanner = new FastScannerCtor(terms.slice());
      return {
        count: (doc) => scanner.search(doc).length,
        found: (doc) => new Set(scanner.search(doc).map(([, word]) => word)),
      };
    },
  },
  {
    name: 'aho-corasick',
    normalises: false,
    ours: false,
    build({ terms }) {
      const ac = new AhoCorasickLegacyCtor();
      for (const term of terms) ac.add(term, term);
      ac.build_fail();
      return {
        count(doc) {
          let n = 0;
          ac.search(doc, () => n++);
          return n;
        },
        found(doc) {
          const out = new Set<string>();
          ac.search(doc, (word) => out.add(word));
          return out;
        },
      };
    },
  },
  {
    name: 'mint-filter',
    normalises: false,
    ours: false,
    build({ terms }) {
      const mint = new MintCtor(terms.slice());
      return {
        count: (doc) => mint.filter(doc, { replace: false }).words.length,
        found: (doc) => new Set(mint.filter(doc, { replace: false }).words),
      };
    },
  },
  {
    name: 'modern-ahocorasick',
    normalises: false,
    ours: false,
    build({ terms }) {
      const m = new AhoCorasickModern(terms.slice());
      return {
        count: (doc) => m.search(doc).length,
        found: (doc) => new Set(m.search(doc).map((hit) => doc.slice(hit.start, hit.end))),
      };
    },
  },
  {
    name: 'modern-ahocorasick/fast',
    normalises: false,
    ours: false,
    build({ terms }) {
      const m = new FastAhoCorasickModern(terms.slice());
      return {
        count: (doc) => m.search(doc).length,
        found: (doc) => new Set(m.search(doc).map((hit) => doc.slice(hit.start, hit.end))),
      };
    },
  },
  {
    name: 'hegui (normalise OFF)',
    normalises: false,
    ours: true,
    build({ library }) {
      return heguiScanner(KeywordMatcher.compile(library, RAW_OPTIONS));
    },
  },
  {
    name: 'hegui (normalise ON)',
    normalises: true,
    ours: true,
    build({ library }) {
      return heguiScanner(KeywordMatcher.compile(library));
    },
  },
];

export function heguiScanner(matcher: KeywordMatcher): Scanner {
  return {
    matcher,
    count: (doc) => matcher.scan(doc).length,
    found: (doc) => new Set(matcher.scan(doc).map((hit) => doc.slice(hit.start, hit.end))),
  };
}

export const HEGUI_ON = 'hegui (normalise ON)';
export const HEGUI_OFF = 'hegui (normalise OFF)';
