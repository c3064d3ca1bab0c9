/**
 * Library entries as a table: a plain array when compiled from files, or a lazy view over the binary
 * format's typed arrays, so loading a million-entry `.bin` creates no objects until a hit needs one.
 */
import type { KeywordEntry } from './types.js';

export interface EntryTable {
  readonly length: number;
  at(index: number): KeywordEntry;
}

export function arrayTable(entries: readonly KeywordEntry[]): EntryTable {
  return { length: entries.length, at: (index) => entries[index]! };
}

export function tableToArray(table: EntryTable): KeywordEntry[] {
  const out = new Array<KeywordEntry>(table.length);
  for (let i = 0; i < table.length; i++) out[i] = table.at(i);
  return out;
}

/** Column-wise storage of entries, as the binary format keeps them. */
export interface EntryColumns {
  /** UTF-8 terms back to back; combination parts separated by U+0001. */
  readonly terms: Uint8Array;
  /** Byte offset of each term in `terms`, plus the end. */
  readonly termStart: Int32Array;
  readonly category: Uint16Array;
  readonly action: Uint8Array;
  readonly file: Int32Array;
  readonly line: Int32Array;
  readonly combo: Uint8Array;
  readonly categories: readonly string[];
  readonly files: readonly string[];
  readonly actions: readonly (KeywordEntry['action'] | undefined)[];
}

const decoder = new TextDecoder();

export class ColumnEntryTable implements EntryTable {
  private readonly cache: (KeywordEntry | undefined)[];

  constructor(private readonly c: EntryColumns) {
    this.cache = new Array(c.category.length);
  }

  get length(): number {
    return this.c.category.length;
  }

  at(index: number): KeywordEntry {
    const cached = this.cache[index];
    if (cached) return cached;
    const c = this.c;
    const text = decoder.decode(c.terms.subarray(c.termStart[index]!, c.termStart[index + 1]!));
    const file = c.files[c.file[index]!] ?? '?';
    const line = c.line[index]!;
    const base = {
      category: c.categories[c.category[index]!] ?? 'unclassified',
      action: c.actions[c.action[index]!],
      source: line ? `${file}:${line}` : file,
    };
    const parts = text.split('\u0001');
    const entry: KeywordEntry = c.combo[index]
      ? { term: parts.join('+'), parts, ...base }
      : { term: text, ...base };
    this.cache[index] = entry;
    return entry;
  }
}
