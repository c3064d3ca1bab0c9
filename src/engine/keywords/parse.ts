/**
 * Parsers for keyword library files. Pure: they take file content and a source name and return
 * entries plus diagnostics (`file:line`), never throwing for a bad line — a 65k-line list with three
 * broken lines should load the rest and say which three.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { isCategoryCode } from '../taxonomy.js';
import type { KeywordAction, KeywordEntry, LibraryDiagnostic } from './types.js';

export const UNCLASSIFIED = 'unclassified';

export interface ParseOptions {
  /** Category for lines that do not name one (`--keywords politics.txt=A1c`). */
  defaultCategory?: string;
  /** Action for lines that do not name one. */
  defaultAction?: KeywordAction;
  /** Lines `a+b+c` are combination terms (all parts must occur), not a literal "+". */
  combinations?: boolean;
}

export interface ParsedKeywords {
  entries: KeywordEntry[];
  diagnostics: LibraryDiagnostic[];
}

const ACTIONS: ReadonlySet<string> = new Set<KeywordAction>(['block', 'review', 'hard']);
/** Longest term we accept; longer lines are almost always a broken file, not a keyword. */
export const MAX_TERM_LENGTH = 256;

function validateCategory(category: string): boolean {
  return category === UNCLASSIFIED || isCategoryCode(category);
}

/** Checks one (term, category, action) triple and turns it into an entry or a diagnostic. */
function toEntry(
  rawTerm: string,
  rawCategory: string | undefined,
  rawAction: string | undefined,
  where: string,
  options: ParseOptions,
  diagnostics: LibraryDiagnostic[],
): KeywordEntry | undefined {
  const term = rawTerm.trim();
  const error = (message: string) => {
    diagnostics.push({ severity: 'error', where, message });
    return undefined;
  };
  if (term === '') return error('empty term');
  if (!term.isWellFormed()) return error('term is not valid Unicode (lone surrogate)');
  if (term.includes('\ufffd')) return error('invalid UTF-8 in the file (or a U+FFFD replacement character)');
  if (term.length > MAX_TERM_LENGTH) return error(`term longer than ${MAX_TERM_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f]/.test(term)) return error('term contains control characters');

  const category = rawCategory?.trim() || options.defaultCategory || UNCLASSIFIED;
  if (!validateCategory(category)) return error(`unknown category "${category}"`);

  const actionText = rawAction?.trim() || options.defaultAction;
  if (actionText !== undefined && !ACTIONS.has(actionText)) {
    return error(`unknown action "${actionText}" (expected block, review or hard)`);
  }
  const action = actionText as KeywordAction | undefined;
  if (options.combinations && term.includes('+')) {
    const parts = [
      ...new Set(
        term
          .split('+')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      ),
    ];
    if (parts.length >= 2) return { term, category, action, source: where, parts };
  }
  return { term, category, action, source: where };
}

/** One term per line; optional `term<TAB>category<TAB>action`; `#` starts a comment line. */
export function parseKeywordText(
  content: string,
  sourceName: string,
  options: ParseOptions = {},
): ParsedKeywords {
  const entries: KeywordEntry[] = [];
  const diagnostics: LibraryDiagnostic[] = [];
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  let lineNo = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    lineNo++;
    let line = text.slice(from, to);
    from = to + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (to === text.length) break;
      continue;
    }
    const [term = '', category, action, ...rest] = line.split('\t');
    const where = `${sourceName}:${lineNo}`;
    if (rest.length > 0) {
      diagnostics.push({ severity: 'error', where, message: 'too many tab-separated fields (max 3)' });
    } else {
      const entry = toEntry(term, category, action, where, options, diagnostics);
      if (entry) entries.push(entry);
    }
    if (to === text.length) break;
  }
  return { entries, diagnostics };
}

/**
 * CSV with columns `term[,category[,action]]`, RFC 4180 quoting; a first row whose first cell is
 * `term` (or `keyword`/`word`/`词`) is a header and may name the columns in any order.
 */
export function parseKeywordCsv(
  content: string,
  sourceName: string,
  options: ParseOptions = {},
): ParsedKeywords {
  const entries: KeywordEntry[] = [];
  const diagnostics: LibraryDiagnostic[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(content, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = (err as { lines?: number }).lines;
    diagnostics.push({
      severity: 'error',
      where: `${sourceName}:${line ?? 1}`,
      message: `CSV syntax: ${message}`,
    });
    return { entries, diagnostics };
  }
  let columns = { term: 0, category: 1, action: 2 };
  records.forEach(({ record, info }, index) => {
    const where = `${sourceName}:${info.lines}`;
    if (index === 0 && /^(term|keyword|word|词|关键词)$/i.test((record[0] ?? '').trim())) {
      const named = record.map((cell) => cell.trim().toLowerCase());
      const find = (names: string[], fallback: number) => {
        const at = named.findIndex((cell) => names.includes(cell));
        return at === -1 ? fallback : at;
      };
      columns = {
        term: 0,
        category: find(['category', '类别', '分类'], -1),
        action: find(['action', '动作', '处置'], -1),
      };
      return;
    }
    const cell = (at: number) => (at >= 0 ? record[at] : undefined);
    const entry = toEntry(
      cell(columns.term) ?? '',
      cell(columns.category),
      cell(columns.action),
      where,
      options,
      diagnostics,
    );
    if (entry) entries.push(entry);
  });
  return { entries, diagnostics };
}
