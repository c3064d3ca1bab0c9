/**
 * Labelled text files → training / evaluation examples. Pure: the caller reads the file.
 *
 * Formats, recognised by their header or extension:
 * - COLD CSV: `,split,topic,label,TEXT` (label 1 = offensive; topic race / region / gender);
 * - ToxiCN CSV: `platform,topic,content,toxic,…` (toxic 1 = toxic; topic race / gender / region / lgbt);
 * - JADE-DB v3 alignment CSV: `ID,问题,违规回答,安全有用回答` — the safe, helpful answers become benign
 *   examples (label 0): answers that discuss crime, drugs or fraud without being offensive, which teach
 *   an offensive-language model that a topic word alone is not an attack;
 * - generic CSV with `text` and `label` columns (optional `topic`);
 * - JSON Lines: `{"text": "...", "label": 0|1, "topic"?: "..."}` per line.
 */
import { parse } from 'csv-parse/sync';
import { HeguiError } from '../errors.js';
import type { TrainExample } from './train.js';

export type DatasetFormat = 'cold' | 'toxicn' | 'jade-alignment' | 'csv' | 'jsonl';

export interface Dataset {
  readonly format: DatasetFormat;
  readonly examples: TrainExample[];
}

export function parseDataset(content: string, name: string): Dataset {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0).trim();
  if (name.endsWith('.jsonl') || firstLine.startsWith('{'))
    return { format: 'jsonl', examples: parseJsonl(text, name) };
  const rows = parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<
    string,
    string
  >[];
  const header = new Set(Object.keys(rows[0] ?? {}));
  const bad = (line: number, why: string): never => {
    throw new HeguiError('input_invalid', why, `${name}:${line}`);
  };
  const label = (v: string | undefined, line: number): 0 | 1 =>
    v === '1' ? 1 : v === '0' ? 0 : bad(line, `label must be 0 or 1, got ${JSON.stringify(v)}`);
  if (header.has('TEXT') && header.has('label')) {
    return {
      format: 'cold',
      examples: rows.map((r, i) => ({
        text: r.TEXT ?? '',
        label: label(r.label, i + 2),
        topic: r.topic ?? '',
      })),
    };
  }
  if (header.has('content') && header.has('toxic')) {
    return {
      format: 'toxicn',
      examples: rows.map((r, i) => ({
        text: r.content ?? '',
        label: label(r.toxic, i + 2),
        topic: r.topic ?? '',
      })),
    };
  }
  if (header.has('安全有用回答')) {
    return {
      format: 'jade-alignment',
      examples: rows
        .filter((r) => (r['安全有用回答'] ?? '').trim() !== '')
        .map((r) => ({ text: r['安全有用回答']!, label: 0 })),
    };
  }
  if (header.has('text') && header.has('label')) {
    return {
      format: 'csv',
      examples: rows.map((r, i) => ({
        text: r.text ?? '',
        label: label(r.label, i + 2),
        ...(r.topic ? { topic: r.topic } : {}),
      })),
    };
  }
  return bad(
    1,
    'unknown dataset format: expected COLD, ToxiCN, a CSV with text,label columns, or JSON Lines',
  );
}

function parseJsonl(text: string, name: string): TrainExample[] {
  const out: TrainExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: { text?: unknown; label?: unknown; topic?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new HeguiError('input_invalid', 'not a JSON object', `${name}:${i + 1}`);
    }
    if (typeof row.text !== 'string')
      throw new HeguiError('input_invalid', 'text must be a string', `${name}:${i + 1}`);
    const label =
      row.label === 1 || row.label === '1' ? 1 : row.label === 0 || row.label === '0' ? 0 : undefined;
    if (label === undefined)
      throw new HeguiError('input_invalid', 'label must be 0 or 1', `${name}:${i + 1}`);
    out.push({ text: row.text, label, ...(typeof row.topic === 'string' ? { topic: row.topic } : {}) });
  });
  return out;
}
