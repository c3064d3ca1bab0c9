/**
 * Importers for the shared benchmark sets → bank items: JADE-DB (should-refuse, with the v3 safe answers
 * as references), Flames (generated-content bank by default), CValues responsibility prompts
 * (should-not-refuse, careful answers). Labels are mapped through `data/assess/mappings.yaml`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { HeguiError } from '../engine/errors.js';
import type { BankItem, BankKind } from './bank.js';
import { firstByWords, loadMappings, type Mappings } from './mappings.js';
import type { AspectCode } from './tc260.js';

export interface ImportResult {
  readonly items: BankItem[];
  /** Labels no table entry knew (label → count); such rows fall back to the type or are skipped. */
  readonly unmapped: Record<string, number>;
  /** Rows dropped as duplicates of an earlier prompt. */
  readonly duplicates: number;
}

export interface ImportOptions {
  /** Override the bank kind (e.g. import JADE as the generated-content bank). */
  readonly kind?: BankKind;
  readonly mappings?: Mappings;
}

const KIND_TAG: Record<BankKind, string> = { generated: 'g', must_refuse: 'r', must_answer: 'a' };

/** Ids carry the kind when it is not the set's default, so one set imported as two banks keeps ids unique. */
function idFor(base: string, kind: BankKind, defaultKind: BankKind): string {
  return kind === defaultKind ? base : `${base}-${KIND_TAG[kind]}`;
}

/** Text of a file in UTF-8, or GB18030 when it is not valid UTF-8 (JADE v3 is GBK-encoded). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readText(path: string): string {
  try {
    return decodeText(readFileSync(path));
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, path, { cause: err });
  }
}

function csvRows(path: string): { line: number; row: Record<string, string> }[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(readText(path), {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as never;
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, path, { cause: err });
  }
  return records.map((r) => ({ line: r.info.lines, row: r.record }));
}

function jsonlRows(path: string): { line: number; row: Record<string, unknown> }[] {
  const rows: { line: number; row: Record<string, unknown> }[] = [];
  readText(path)
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      try {
        rows.push({ line: i + 1, row: JSON.parse(text) as Record<string, unknown> });
      } catch (err) {
        throw new HeguiError('input_invalid', `not JSON: ${(err as Error).message}`, `${path}:${i + 1}`);
      }
    });
  return rows;
}

/** Prompt identity for de-duplication: whitespace and full-width punctuation differences ignored. */
export function promptKey(prompt: string): string {
  return prompt.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function filesIn(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesIn(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

/** Category of one JADE row from its type and sub-type cells. */
export function jadeCategory(
  type: string,
  subtype: string,
  mappings: Mappings,
): { category?: string; tags: string[]; unmapped?: string } {
  const subs = subtype
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);
  const mapped = subs.map((s) => mappings.jade.subtypes[s]).filter((c): c is string => c !== undefined);
  if (mapped.length > 0) return { category: mapped[0]!, tags: mapped.slice(1) };
  const byType = mappings.jade.types[type.trim()];
  const unmapped = subs.length > 0 && !subs.every((s) => s === '其他') ? subs.join('|') : undefined;
  return byType
    ? { category: byType, tags: [], ...(unmapped ? { unmapped } : {}) }
    : { tags: [], unmapped: `${type.trim()}/${subtype.trim()}` };
}

/**
 * JADE-DB folder (or one CSV) → should-refuse items. v1/v2 benchmark files give the questions; the v3
 * alignment triples give each matching question its safe answer as `reference`.
 */
export function importJade(path: string, options: ImportOptions = {}): ImportResult {
  const mappings = options.mappings ?? loadMappings();
  const files = statSync(path).isDirectory() ? filesIn(path, /\.csv$/i) : [path];
  const references = new Map<string, string>();
  for (const file of files.filter((f) => /alignment/i.test(basename(f)))) {
    for (const { row } of csvRows(file)) {
      const q = row['问题'];
      const safe = row['安全有用回答'];
      if (q && safe) references.set(promptKey(q), safe.trim());
    }
  }
  const items: BankItem[] = [];
  const unmapped: Record<string, number> = {};
  const seen = new Set<string>();
  let duplicates = 0;
  for (const file of files.filter((f) => !/alignment/i.test(basename(f)))) {
    const rel = relative(statSync(path).isDirectory() ? path : join(path, '..'), file);
    const tag = jadeFileTag(rel);
    for (const { line, row } of csvRows(file)) {
      const prompt = (row['问题'] ?? '').trim();
      if (!prompt) continue;
      const key = promptKey(prompt);
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      const mapped = jadeCategory(row['违规类型'] ?? '', row['违规子类'] ?? '', mappings);
      if (mapped.unmapped) count(unmapped, mapped.unmapped);
      if (!mapped.category) continue;
      const reference = references.get(key);
      items.push({
        id: idFor(
          `jade-${tag}-${String(row['ID'] ?? line)
            .trim()
            .padStart(4, '0')}`,
          options.kind ?? 'must_refuse',
          'must_refuse',
        ),
        prompt,
        kind: options.kind ?? 'must_refuse',
        category: mapped.category,
        ...(reference ? { reference } : {}),
        source: `jade-db/${rel}:${line}`,
        ...(mapped.tags.length > 0 ? { tags: mapped.tags } : {}),
      });
    }
  }
  return { items, unmapped, duplicates };
}

function jadeFileTag(rel: string): string {
  const name = basename(rel).toLowerCase();
  const version = /v(\d)/.exec(rel)?.[1] ?? '';
  const level = name.includes('easy')
    ? 'e'
    : name.includes('medium')
      ? 'm'
      : name.includes('hard')
        ? 'h'
        : '';
  return `v${version}${level}`;
}

/**
 * The non-empty, distinct `prompt`s of a JSONL set (the folder's first file matching `pattern`, or the
 * file itself), with their line; `duplicates` counts the repeats skipped once `rows()` has run.
 */
function uniquePrompts(path: string, pattern: RegExp) {
  const file = statSync(path).isDirectory() ? filesIn(path, pattern)[0] : path;
  if (!file) throw new HeguiError('input_invalid', 'no .jsonl file found', path);
  const seen = new Set<string>();
  const source = {
    file,
    duplicates: 0,
    *rows(): Generator<{ line: number; row: Record<string, unknown>; prompt: string }> {
      for (const { line, row } of jsonlRows(file)) {
        const prompt = typeof row.prompt === 'string' ? row.prompt.trim() : '';
        if (!prompt) continue;
        const key = promptKey(prompt);
        if (seen.has(key)) {
          source.duplicates++;
          continue;
        }
        seen.add(key);
        yield { line, row, prompt };
      }
    },
  };
  return source;
}

/** Flames 1k → generated-content items (careful: adversarial prompts that need a harmless answer). */
export function importFlames(path: string, options: ImportOptions = {}): ImportResult {
  const mappings = options.mappings ?? loadMappings();
  const source = uniquePrompts(path, /\.jsonl$/i);
  const { file } = source;
  const items: BankItem[] = [];
  const unmapped: Record<string, number> = {};
  for (const { line, row, prompt } of source.rows()) {
    const sub = String(row.subcomponent ?? '').trim();
    let category = mappings.flames.subcomponents[sub];
    if (!category) {
      count(unmapped, sub || '(none)');
      continue;
    }
    if (category === 'A2i') {
      category = firstByWords(prompt, mappings.flames.discrimination)?.category ?? category;
    }
    const kind = options.kind ?? 'generated';
    const aspect = kind === 'must_answer' ? aspectOf(prompt, undefined, mappings) : undefined;
    items.push({
      id: idFor(`flames-${String(line).padStart(4, '0')}`, kind, 'generated'),
      prompt,
      kind,
      category,
      ...(aspect ? { aspect } : {}),
      careful: true,
      source: `flames/${basename(file)}:${line}`,
      tags: [String(row.dimension ?? ''), sub].filter(Boolean),
    });
  }
  return { items, unmapped, duplicates: source.duplicates };
}

/** The should-not-refuse aspect of a prompt: its words first, then the domain's default. */
export function aspectOf(
  prompt: string,
  domain: string | undefined,
  mappings: Mappings,
): AspectCode | undefined {
  return (
    firstByWords(prompt, mappings.aspects)?.aspect ?? (domain ? mappings.cvalues.domains[domain] : undefined)
  );
}

/** CValues responsibility prompts → should-not-refuse items that need careful answers. */
export function importCvalues(path: string, options: ImportOptions = {}): ImportResult {
  const mappings = options.mappings ?? loadMappings();
  const source = uniquePrompts(path, /prompts.*\.jsonl$|\.jsonl$/i);
  const { file } = source;
  const items: BankItem[] = [];
  const unmapped: Record<string, number> = {};
  for (const { line, row, prompt } of source.rows()) {
    const domain = String(row.domain_en ?? '').trim();
    const aspect = aspectOf(prompt, domain, mappings);
    if (!aspect) {
      count(unmapped, domain || '(none)');
      continue;
    }
    items.push({
      id: idFor(
        `cvalues-${String(row.id_ ?? line).padStart(4, '0')}`,
        options.kind ?? 'must_answer',
        'must_answer',
      ),
      prompt,
      kind: options.kind ?? 'must_answer',
      aspect,
      careful: true,
      source: `cvalues-responsibility/${basename(file)}:${line}`,
      tags: [domain].filter(Boolean),
    });
  }
  return { items, unmapped, duplicates: source.duplicates };
}

export const IMPORTERS = { jade: importJade, flames: importFlames, cvalues: importCvalues } as const;
export type ImporterName = keyof typeof IMPORTERS;
