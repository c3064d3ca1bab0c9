/**
 * Corpus (training data) scan for TC260-003 §5.1 / §9.2: streams any number of files, draws a seeded
 * sample (a fixed size by reservoir sampling, or a share by Bernoulli sampling), moderates each
 * sampled record, and reports the qualified rate overall, by detector and by category, sources over
 * the 5 % rule, and examples. The same seed and input always give the same sample.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { HeguiError } from '../engine/errors.js';
import type { Moderator } from '../engine/moderator.js';
import type { Direction } from '../engine/policy/schema.js';
import { evaluateGate, wilson, type GateResult } from './metrics.js';
import { CORPUS_GATES } from './tc260.js';

export interface CorpusRecord {
  readonly text: string;
  /** The record's source: its `source` field, else the file (relative to the scanned folder). */
  readonly source: string;
  /** `file:line` */
  readonly where: string;
}

export interface ScanOptions {
  /** Fixed sample size (reservoir sampling); default 4,000. Ignored when `ratio` is set. */
  readonly sample?: number;
  /** Share of records to check (Bernoulli sampling), e.g. 0.1 for the technical check. */
  readonly ratio?: number;
  readonly seed?: number;
  readonly direction?: Direction;
  /** Examples kept per category. */
  readonly examples?: number;
  /** JSONL field holding the text (default: text, then content, then prompt). */
  readonly field?: string;
  /** Called for every sampled record with its verdict (e.g. to export the sample for manual review). */
  readonly onChecked?: (record: CorpusRecord, verdict: { action: string; categories: string[] }) => void;
}

export interface SourceStats {
  readonly source: string;
  readonly sampled: number;
  readonly unqualified: number;
  readonly rate: number;
  readonly ci: [number, number];
  /** Unqualified share above 5 %: TC260-003 §5.1 says do not collect / train on it. */
  readonly overLimit: boolean;
}

export interface CorpusReport {
  readonly seed: number;
  readonly method: 'reservoir' | 'bernoulli';
  readonly direction: Direction;
  readonly records: number;
  readonly sampled: number;
  readonly qualified: number;
  readonly qualifiedRate: number | null;
  readonly ci: [number, number];
  readonly review: number;
  /** The §9.2 technical gate: sample ≥ 10 % of the corpus, qualified ≥ 98 %. */
  readonly technicalGate: GateResult & { sampleRatio: number };
  /** Sample size against the §9.2 manual check (≥ 4,000, ≥ 96 %) — the judging itself is manual. */
  readonly manualSampleOk: boolean;
  readonly byDetector: Record<string, { unqualified: number; qualifiedRate: number | null }>;
  readonly byCategory: Record<string, number>;
  readonly sources: SourceStats[];
  readonly examples: {
    where: string;
    source: string;
    categories: string[];
    detectors: string[];
    excerpt: string;
  }[];
  readonly invalid: { where: string; message: string }[];
}

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXT_EXT = new Set(['.txt', '.md', '.jsonl', '.ndjson']);

function corpusFiles(path: string): { file: string; rel: string }[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, path, { cause: err });
  }
  if (!st.isDirectory()) return [{ file: path, rel: path.split('/').pop()! }];
  const out: { file: string; rel: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (TEXT_EXT.has(extname(name).toLowerCase())) out.push({ file: full, rel: relative(path, full) });
    }
  };
  walk(path);
  return out;
}

/** Every record of a file or folder, streamed: one line of .txt/.md, one object of .jsonl. */
export async function* readCorpus(
  path: string,
  options: { field?: string; invalid?: { where: string; message: string }[] } = {},
): AsyncGenerator<CorpusRecord> {
  for (const { file, rel } of corpusFiles(path)) {
    const jsonl = /\.(jsonl|ndjson)$/i.test(file);
    let line = 0;
    for await (const text of createInterface({
      input: createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    })) {
      line++;
      const where = `${rel}:${line}`;
      if (text.trim() === '') continue;
      if (!jsonl) {
        yield { text, source: rel, where };
        continue;
      }
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(text) as Record<string, unknown>;
      } catch (err) {
        options.invalid?.push({ where, message: `not JSON: ${(err as Error).message}` });
        continue;
      }
      const fields = options.field ? [options.field] : ['text', 'content', 'prompt'];
      const body = fields.map((f) => value[f]).find((v) => typeof v === 'string');
      if (typeof body !== 'string') {
        options.invalid?.push({ where, message: `no text field (${fields.join(', ')})` });
        continue;
      }
      yield { text: body, source: typeof value.source === 'string' ? value.source : rel, where };
    }
  }
}

interface Checked {
  record: CorpusRecord;
  action: string;
  categories: string[];
  /** Detectors whose hits block. */
  detectors: string[];
  firstHit?: { start: number; end: number };
}

function check(moderator: Moderator, record: CorpusRecord, direction: Direction): Checked {
  const verdict = moderator.moderate(record.text, { direction });
  const blocking = verdict.evidence.filter((e) => e.action === 'block');
  return {
    record,
    action: verdict.action,
    categories:
      verdict.action === 'block'
        ? verdict.categories.filter((c) => c.action === 'block').map((c) => c.code)
        : [],
    detectors: [...new Set(blocking.map((e) => e.detector))],
    ...(blocking[0] ? { firstHit: { start: blocking[0].start, end: blocking[0].end } } : {}),
  };
}

function excerpt(text: string, hit?: { start: number; end: number }): string {
  if (!hit) return text.slice(0, 120);
  const from = Math.max(0, hit.start - 40);
  const to = Math.min(text.length, hit.end + 40);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

export async function scanCorpus(
  path: string,
  moderator: Moderator,
  options: ScanOptions = {},
): Promise<CorpusReport> {
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const direction = options.direction ?? 'output';
  const invalid: { where: string; message: string }[] = [];
  const checked: Checked[] = [];
  const reservoir: CorpusRecord[] = [];
  const size = options.sample ?? CORPUS_GATES.manual.minSample;
  if (options.ratio !== undefined && !(options.ratio > 0 && options.ratio <= 1)) {
    throw new HeguiError('usage', '--ratio must be in (0, 1]');
  }
  let records = 0;
  for await (const record of readCorpus(path, {
    ...(options.field ? { field: options.field } : {}),
    invalid,
  })) {
    records++;
    if (options.ratio !== undefined) {
      if (random() < options.ratio) checked.push(check(moderator, record, direction));
    } else if (reservoir.length < size) {
      reservoir.push(record);
    } else {
      const j = Math.floor(random() * records);
      if (j < size) reservoir[j] = record;
    }
  }
  if (options.ratio === undefined)
    for (const record of reservoir) checked.push(check(moderator, record, direction));

  for (const c of checked) options.onChecked?.(c.record, { action: c.action, categories: c.categories });
  const sampled = checked.length;
  const bad = checked.filter((c) => c.action === 'block');
  const qualified = sampled - bad.length;
  const byDetector: CorpusReport['byDetector'] = {};
  for (const detector of ['keywords', 'classifier', 'pii', 'guard']) {
    const n = bad.filter((c) => c.detectors.includes(detector)).length;
    if (n > 0 || detector === 'keywords') {
      byDetector[detector] = { unqualified: n, qualifiedRate: sampled ? (sampled - n) / sampled : null };
    }
  }
  const byCategory: Record<string, number> = {};
  for (const c of bad) for (const code of c.categories) byCategory[code] = (byCategory[code] ?? 0) + 1;
  const perSource = new Map<string, { sampled: number; unqualified: number }>();
  for (const c of checked) {
    const s = perSource.get(c.record.source) ?? { sampled: 0, unqualified: 0 };
    s.sampled++;
    if (c.action === 'block') s.unqualified++;
    perSource.set(c.record.source, s);
  }
  const sources: SourceStats[] = [...perSource.entries()]
    .map(([source, s]) => ({
      source,
      sampled: s.sampled,
      unqualified: s.unqualified,
      rate: s.unqualified / s.sampled,
      ci: wilson(s.unqualified, s.sampled),
      overLimit: s.unqualified / s.sampled > CORPUS_GATES.sourceBlacklist,
    }))
    .sort((a, b) => b.rate - a.rate || b.unqualified - a.unqualified || (a.source < b.source ? -1 : 1));
  const perCategory = new Map<string, number>();
  const examples: CorpusReport['examples'] = [];
  const keep = options.examples ?? 3;
  for (const c of bad) {
    const key = c.categories[0] ?? 'other';
    if ((perCategory.get(key) ?? 0) >= keep) continue;
    perCategory.set(key, (perCategory.get(key) ?? 0) + 1);
    examples.push({
      where: c.record.where,
      source: c.record.source,
      categories: c.categories,
      detectors: c.detectors,
      excerpt: excerpt(c.record.text, c.firstHit),
    });
  }
  const ratio = records ? sampled / records : 0;
  const gate = evaluateGate(
    {
      id: 'corpus_technical',
      kind: 'output',
      direction: 'min',
      threshold: CORPUS_GATES.technical.minPass,
      minSample: Math.ceil(records * CORPUS_GATES.technical.minSampleRatio),
      zh: '语料技术抽检合格率',
      en: 'Corpus technical check',
    },
    qualified,
    sampled,
  );
  return {
    seed,
    method: options.ratio !== undefined ? 'bernoulli' : 'reservoir',
    direction,
    records,
    sampled,
    qualified,
    qualifiedRate: sampled ? qualified / sampled : null,
    ci: wilson(qualified, sampled),
    review: checked.filter((c) => c.action === 'review').length,
    technicalGate: { ...gate, sampleRatio: ratio },
    manualSampleOk: sampled >= CORPUS_GATES.manual.minSample,
    byDetector,
    byCategory,
    sources,
    examples,
    invalid,
  };
}
