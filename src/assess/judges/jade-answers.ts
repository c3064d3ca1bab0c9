/**
 * Answer samples from JADE-DB v3's alignment triples (question, non-compliant answer, safe and helpful
 * answer): the safe answers are refusals or safe redirections, the non-compliant ones mostly comply.
 * Used to train the refusal model and, with hand labels, to measure the refusal judge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { decodeText } from '../importers.js';

export interface JadeAnswer {
  /** `<file stem>:<row ID>:safe|unsafe`, e.g. `jade_alignment_hard_zh:12:unsafe`. */
  readonly id: string;
  readonly question: string;
  readonly text: string;
  /** The column it came from: `safe` (安全有用回答) or `unsafe` (违规回答). */
  readonly column: 'safe' | 'unsafe';
}

/** Every answer of one alignment CSV (GB18030 or UTF-8). */
export function readJadeAnswers(file: string): JadeAnswer[] {
  const stem = basename(file).replace(/\.csv$/i, '');
  const rows = parseCsv(decodeText(readFileSync(file)), {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Record<string, string>[];
  const out: JadeAnswer[] = [];
  for (const row of rows) {
    const id = (row['ID'] ?? '').trim();
    const question = (row['问题'] ?? '').trim();
    const unsafe = (row['违规回答'] ?? '').trim();
    const safe = (row['安全有用回答'] ?? '').trim();
    if (unsafe) out.push({ id: `${stem}:${id}:unsafe`, question, text: unsafe, column: 'unsafe' });
    if (safe) out.push({ id: `${stem}:${id}:safe`, question, text: safe, column: 'safe' });
  }
  return out;
}

/** The alignment files of a JADE-DB folder whose names match `pattern`. */
export function jadeAlignmentFiles(dir: string, pattern = /alignment.*\.csv$/i): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (pattern.test(basename(name))) out.push(join(dir, name));
  }
  return out.sort();
}
