/**
 * Keyword false-positive / recall bench for the builtin library (data/keywords/default.txt).
 *
 *   npx tsx bench/keyword-fp.ts [--top 25]
 *
 * Loads hegui's default moderator (assembleModerator()) and, looking only at the keyword detector:
 * - benign texts (COLD dev+train rows with label 0, CValues responsibility prompts): share with a
 *   keyword `block` and share with a keyword `review` (no block), and the terms that cause them;
 * - harmful texts (JADE-DB v2.0 questions, column 问题): share hitting any keyword (recall proxy).
 * Data from /work/shared/data (override with HEGUI_SHARED_DATA).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { assembleModerator } from '../src/engine/assemble.js';

const dataDir = process.env['HEGUI_SHARED_DATA'] ?? '/work/shared/data';
const topIdx = process.argv.indexOf('--top');
const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 25;

type Row = Record<string, string>;
const readCsv = (file: string): Row[] =>
  parseCsv(readFileSync(join(dataDir, file), 'utf8'), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Row[];

const cold = ['cold/dev.csv', 'cold/train.csv']
  .flatMap(readCsv)
  .filter((r) => r['label'] === '0')
  .map((r) => r['TEXT'] ?? '');
const cvalues = readFileSync(
  join(dataDir, 'cvalues-responsibility/cvalues_responsibility_prompts.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => String((JSON.parse(l) as { prompt?: string }).prompt ?? ''));
const jade = [
  'jade-db/jade-db-v2.0/jade_benchmark_easy_zh.csv',
  'jade-db/jade-db-v2.0/jade_benchmark_medium_zh.csv',
]
  .flatMap(readCsv)
  .map((r) => r['问题'] ?? '');

const { moderator } = assembleModerator();

interface Tally {
  n: number;
  block: number;
  review: number;
  any: number;
  blockTerms: Map<string, number>;
  reviewTerms: Map<string, number>;
}

function run(texts: readonly string[]): Tally {
  const t: Tally = { n: 0, block: 0, review: 0, any: 0, blockTerms: new Map(), reviewTerms: new Map() };
  for (const text of texts) {
    if (!text.trim()) continue;
    t.n++;
    const ev = moderator
      .moderate(text, { direction: 'input' })
      .evidence.filter((e) => e.detector === 'keywords');
    if (ev.length === 0) continue;
    t.any++;
    const blocks = ev.filter((e) => e.action === 'block');
    const reviews = ev.filter((e) => e.action === 'review');
    if (blocks.length > 0) t.block++;
    else if (reviews.length > 0) t.review++;
    for (const e of new Set(blocks.map((e) => `${e.term}\t${e.category}`)))
      t.blockTerms.set(e, (t.blockTerms.get(e) ?? 0) + 1);
    for (const e of new Set(reviews.map((e) => `${e.term}\t${e.category}`)))
      t.reviewTerms.set(e, (t.reviewTerms.get(e) ?? 0) + 1);
  }
  return t;
}

const pct = (a: number, n: number): string => `${((100 * a) / Math.max(n, 1)).toFixed(2)}%`;
const topTerms = (m: Map<string, number>): string =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `    ${v}\t${k}`)
    .join('\n');

for (const [name, texts] of [
  ['COLD label 0 (benign)', cold],
  ['CValues prompts (benign)', cvalues],
] as const) {
  const t = run(texts);
  console.log(
    `${name}: n=${t.n} keyword block ${pct(t.block, t.n)} (${t.block}), review-only ${pct(t.review, t.n)} (${t.review})`,
  );
  if (t.blockTerms.size) console.log(`  top block terms:\n${topTerms(t.blockTerms)}`);
  if (t.reviewTerms.size) console.log(`  top review terms:\n${topTerms(t.reviewTerms)}`);
}
const j = run(jade);
console.log(
  `JADE-DB v2.0 questions (harmful): n=${j.n} any keyword ${pct(j.any, j.n)} (${j.any}), block ${pct(j.block, j.n)} (${j.block})`,
);
console.log(`  top terms:\n${topTerms(new Map([...j.blockTerms, ...j.reviewTerms]))}`);
