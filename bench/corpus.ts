/**
 * Bench inputs, read from the shared data folder (never copied into the repo):
 * - the keyword list: houbb's dict plus every konsheng Vocabulary file, merged and deduplicated;
 * - the corpus: comment / prompt texts of COLD (train, dev), ToxiCN 1.0, JADE-DB v1/v2, Flames and
 *   CValues-responsibility, concatenated into gateway-sized documents (1–6 KB of UTF-8 each).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { buildLibrary, parseKeywordText, type KeywordLibrary } from '../src/engine/keywords/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export class MissingDataError extends Error {}

/** `../shared/data` next to the repo, or `$HEGUI_SHARED_DATA`. */
export function sharedDataDir(): string {
  const dir = process.env.HEGUI_SHARED_DATA ?? path.resolve(REPO_ROOT, '../shared/data');
  const needed = [
    'sensitive-words-houbb/dict_v20240407.txt',
    'sensitive-lexicon-konsheng/Vocabulary',
    'cold/train.csv',
    'cold/dev.csv',
    'toxicn/ToxiCN_1.0.csv',
  ];
  const missing = needed.filter((p) => !existsSync(path.join(dir, p)));
  if (missing.length > 0) {
    throw new MissingDataError(
      `bench data not found in ${dir} (missing: ${missing.join(', ')}).\n` +
        `The bench reads the shared data sets from ../shared/data relative to the repository root; ` +
        `set HEGUI_SHARED_DATA=/path/to/data to point elsewhere.`,
    );
  }
  return dir;
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const rand = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keyword list

export interface TermList {
  /** Distinct terms, in first-seen order (houbb first, then konsheng files by name). */
  readonly terms: string[];
  /** The same terms as a hegui library (one `unclassified` entry per term). */
  readonly library: KeywordLibrary;
  readonly files: number;
  readonly lines: number;
  /** Lines parseKeywordText refused (control characters …); they are left out for every contender. */
  readonly refused: number;
  readonly duplicates: number;
  /** Wall time of reading the files + parseKeywordText + buildLibrary. */
  readonly parseMs: number;
}

export function loadTerms(dataDir: string): TermList {
  const t0 = performance.now();
  const vocab = path.join(dataDir, 'sensitive-lexicon-konsheng/Vocabulary');
  const files = [
    path.join(dataDir, 'sensitive-words-houbb/dict_v20240407.txt'),
    ...readdirSync(vocab)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => path.join(vocab, f)),
  ];
  let lines = 0;
  const sources = files.map((file) => {
    const content = readFileSync(file, 'utf8');
    lines += content.split('\n').filter((l) => l.trim() !== '').length;
    return parseKeywordText(content, path.relative(dataDir, file));
  });
  const library = buildLibrary(sources);
  const parseMs = performance.now() - t0;
  const refused = library.diagnostics.filter((d) => d.severity === 'error').length;
  const duplicates = library.diagnostics.filter((d) => d.severity === 'warning').length;
  return {
    terms: library.entries.map((e) => e.term),
    library,
    files: files.length,
    lines,
    refused,
    duplicates,
    parseMs,
  };
}

/** A seeded sample of `size` terms, as a list and a library. */
export function sampleTerms(
  list: TermList,
  size: number,
  seed: number,
): { terms: string[]; library: KeywordLibrary } {
  const picked = new Set(shuffled(list.terms, seed).slice(0, size));
  const entries = list.library.entries.filter((e) => picked.has(e.term));
  return { terms: entries.map((e) => e.term), library: { entries, allow: [], diagnostics: [] } };
}

// ---------------------------------------------------------------------------------------------
// Corpus

export interface CorpusSource {
  readonly name: string;
  readonly texts: number;
  readonly bytes: number;
}

export interface Corpus {
  /** Every document of every round, round 0 first. */
  readonly docs: string[];
  /** UTF-8 bytes of each document. */
  readonly docBytes: number[];
  /** docs[roundStart[r] .. roundStart[r+1]) is round r. */
  readonly roundStart: number[];
  readonly rounds: number;
  readonly totalBytes: number;
  /** Bytes of distinct text (the texts themselves, without the joining newlines). */
  readonly distinctBytes: number;
  readonly distinctTexts: number;
  readonly droppedTailBytes: number;
  readonly sources: CorpusSource[];
}

const MIN_DOC = 1024;
const MAX_DOC = 6144;

function csvColumn(file: string, column: string): string[] {
  const rows = parseCsv(readFileSync(file), { bom: true, columns: true, relax_quotes: true }) as Record<
    string,
    string
  >[];
  return rows.map((r) => r[column] ?? '');
}

function jsonlField(file: string, field: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => String((JSON.parse(l) as Record<string, unknown>)[field] ?? ''));
}

function loadTexts(dataDir: string): { texts: string[]; sources: CorpusSource[] } {
  const p = (rel: string) => path.join(dataDir, rel);
  const plan: [string, () => string[]][] = [
    ['cold/train.csv (TEXT)', () => csvColumn(p('cold/train.csv'), 'TEXT')],
    ['cold/dev.csv (TEXT)', () => csvColumn(p('cold/dev.csv'), 'TEXT')],
    ['toxicn/ToxiCN_1.0.csv (content)', () => csvColumn(p('toxicn/ToxiCN_1.0.csv'), 'content')],
  ];
  // Optional prompt sets: used when present. (JADE-DB v3 is GBK-encoded; left out.)
  const optional: [string, string, () => string[]][] = [
    [
      'jade-db/jade-db-v1.0/jade_benchmark_zh.csv',
      '(问题)',
      () => csvColumn(p('jade-db/jade-db-v1.0/jade_benchmark_zh.csv'), '问题'),
    ],
    [
      'jade-db/jade-db-v2.0/jade_benchmark_easy_zh.csv',
      '(问题)',
      () => csvColumn(p('jade-db/jade-db-v2.0/jade_benchmark_easy_zh.csv'), '问题'),
    ],
    [
      'jade-db/jade-db-v2.0/jade_benchmark_medium_zh.csv',
      '(问题)',
      () => csvColumn(p('jade-db/jade-db-v2.0/jade_benchmark_medium_zh.csv'), '问题'),
    ],
    [
      'flames/Flames_1k_Chinese.jsonl',
      '(prompt)',
      () => jsonlField(p('flames/Flames_1k_Chinese.jsonl'), 'prompt'),
    ],
    [
      'cvalues-responsibility/cvalues_responsibility_prompts.jsonl',
      '(prompt)',
      () => jsonlField(p('cvalues-responsibility/cvalues_responsibility_prompts.jsonl'), 'prompt'),
    ],
  ];
  for (const [file, col, load] of optional) if (existsSync(p(file))) plan.push([`${file} ${col}`, load]);
  const texts: string[] = [];
  const sources: CorpusSource[] = [];
  for (const [name, load] of plan) {
    const got = load()
      .map((t) => t.trim())
      .filter((t) => t !== '');
    texts.push(...got);
    sources.push({ name, texts: got.length, bytes: got.reduce((s, t) => s + Buffer.byteLength(t), 0) });
  }
  return { texts, sources };
}

/**
 * Groups the texts into documents: shuffle (seeded), pick a target size uniform in [1 KB, 6 KB], append
 * texts (newline-joined) until the document reaches it; a text that would push it past 6 KB closes
 * the document first. A single text longer than 6 KB (none in these sets) is a document of its own.
 * Each round regroups all texts in a new seeded order until `minBytes` is reached. The last
 * document of a round is dropped when it is under 1 KB.
 */
export function buildCorpus(dataDir: string, minBytes: number, seed: number): Corpus {
  const { texts, sources } = loadTexts(dataDir);
  const lens = new Map<string, number>();
  const byteLen = (t: string) => {
    let n = lens.get(t);
    if (n === undefined) lens.set(t, (n = Buffer.byteLength(t)));
    return n;
  };
  const distinctBytes = texts.reduce((s, t) => s + byteLen(t), 0);
  const docs: string[] = [];
  const docBytes: number[] = [];
  const roundStart: number[] = [0];
  let totalBytes = 0;
  let droppedTailBytes = 0;
  let round = 0;
  while (totalBytes < minBytes) {
    const order = shuffled(texts, seed + round * 7919);
    const rand = prng(seed + round * 7919 + 1);
    let parts: string[] = [];
    let size = 0;
    let target = MIN_DOC + Math.floor(rand() * (MAX_DOC - MIN_DOC + 1));
    const close = () => {
      docs.push(parts.join('\n'));
      docBytes.push(size);
      totalBytes += size;
      parts = [];
      size = 0;
      target = MIN_DOC + Math.floor(rand() * (MAX_DOC - MIN_DOC + 1));
    };
    for (const text of order) {
      const n = byteLen(text);
      const added = parts.length === 0 ? n : n + 1;
      if (parts.length > 0 && size + added > MAX_DOC) close();
      size += parts.length === 0 ? n : n + 1;
      parts.push(text);
      if (size >= target) close();
    }
    if (size >= MIN_DOC) close();
    else droppedTailBytes += size;
    round++;
    roundStart.push(docs.length);
  }
  return {
    docs,
    docBytes,
    roundStart,
    rounds: round,
    totalBytes,
    distinctBytes,
    distinctTexts: texts.length,
    droppedTailBytes,
    sources,
  };
}
