/**
 * Reads keyword sources from disk: `.txt`, `.csv` or a compiled `.bin`. The parsing itself is pure
 * (parse.ts); this module only does file access and picks the parser.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { HeguiError } from '../errors.js';
import { deserializeMatcher } from './binary.js';
import { tableToArray } from './entries.js';
import { buildLibrary, type LibrarySource } from './library.js';
import { KeywordMatcher, type MatcherOptions } from './matcher.js';
import { parseKeywordCsv, parseKeywordText, type ParseOptions } from './parse.js';
import type { KeywordAction, KeywordLibrary } from './types.js';

export interface KeywordSourceSpec {
  readonly path: string;
  /** Category for every line that does not name one. */
  readonly category?: string;
  readonly action?: KeywordAction;
}

/** `politics.txt=A1c` → { path: 'politics.txt', category: 'A1c' }. A `=` inside a path is kept when no valid suffix follows. */
export function parseSourceSpec(spec: string): KeywordSourceSpec {
  const at = spec.lastIndexOf('=');
  if (at > 0 && /^[A-Za-z0-9._]+$/.test(spec.slice(at + 1)))
    return { path: spec.slice(0, at), category: spec.slice(at + 1) };
  return { path: spec };
}

/** Category/action a mapping gives for a file (by its base name), e.g. the shared lists' mapping. */
export type FileCategoryMapping = (fileName: string) => ParseOptions | undefined;

function readSource(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new HeguiError('keywords_invalid', reason, path, { cause: err });
  }
}

export function loadKeywordSource(spec: KeywordSourceSpec, mapping?: FileCategoryMapping): LibrarySource {
  const ext = extname(spec.path).toLowerCase();
  const mapped = mapping?.(basename(spec.path)) ?? {};
  const options: ParseOptions = {
    defaultCategory: spec.category ?? mapped.defaultCategory,
    defaultAction: spec.action ?? mapped.defaultAction,
  };
  if (ext === '.bin') {
    const matcher = deserializeMatcher(readSource(spec.path), spec.path);
    return { entries: tableToArray(matcher.data.entries), diagnostics: [] };
  }
  const content = new TextDecoder('utf-8').decode(readSource(spec.path));
  if (ext === '.csv') return parseKeywordCsv(content, spec.path, options);
  if (ext === '.txt' || ext === '') return parseKeywordText(content, spec.path, options);
  throw new HeguiError(
    'keywords_invalid',
    `unsupported keyword file type "${ext}" (use .txt, .csv or .bin)`,
    spec.path,
  );
}

/**
 * An allow-list file: one benign term a line, `#` comment lines, and a trailing `<TAB># note` allowed
 * (allow terms have no category). A line that still does not parse is an error, never silently
 * dropped: a lost allow-list entry turns benign text into blocks.
 */
export function loadAllowList(path: string): string[] {
  const text = new TextDecoder().decode(readSource(path)).replace(/[ \t]+#[^\n]*/g, '');
  const { entries, diagnostics } = parseKeywordText(text, path);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new HeguiError('keywords_invalid', `allow-list: ${error.message}`, error.where);
  return entries.map((e) => e.term);
}

export interface LoadedKeywords {
  library: KeywordLibrary;
  matcher: KeywordMatcher;
}

/**
 * Loads and compiles. A single `.bin` with no extra allow-list is used as it is (instant load);
 * anything else is merged and compiled.
 */
export function loadKeywords(
  specs: readonly KeywordSourceSpec[],
  options: MatcherOptions & { allow?: readonly string[]; mapping?: FileCategoryMapping } = {},
): LoadedKeywords {
  const only = specs.length === 1 ? specs[0]! : undefined;
  if (only && extname(only.path).toLowerCase() === '.bin' && !options.allow?.length) {
    const matcher = deserializeMatcher(readSource(only.path), only.path);
    return { library: { entries: tableToArray(matcher.data.entries), allow: [], diagnostics: [] }, matcher };
  }
  const library = buildLibrary(
    specs.map((spec) => loadKeywordSource(spec, options.mapping)),
    options.allow ?? [],
  );
  return { library, matcher: KeywordMatcher.compile(library, options) };
}
