/**
 * Reading a policy: YAML text → validated, defaults-filled `Policy`, or a `policy_invalid` error that
 * names the file, the line and the field path (`policies/x.yaml:12: actions.A1a.input`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { HeguiError } from '../errors.js';
import { PolicySchema, type Policy } from './schema.js';

export interface ParsePolicyOptions {
  /**
   * Folder that relative file paths in the policy (keyword libraries, allow-list files) are resolved
   * against. Omitted: paths are kept as written.
   */
  baseDir?: string;
}

/** Most problems listed in one error message. */
const MAX_LISTED = 5;

/**
 * Parse and validate policy YAML. `sourceName` (usually the file path) prefixes every error location.
 * @throws HeguiError `policy_invalid` on a YAML syntax error or a schema violation.
 */
export function parsePolicy(yamlText: string, sourceName: string, options: ParsePolicyOptions = {}): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const { line, col } = lineCounter.linePos(yamlError.pos[0]);
    const reason = `${firstLine(yamlError.message)} (column ${col})`;
    throw new HeguiError('policy_invalid', `YAML syntax error: ${reason}`, at(sourceName, line));
  }
  const data: unknown = doc.toJS() ?? {};
  const result = PolicySchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => describeIssue(issue, []));
    const located = problems.map((p) => ({
      where: `${at(sourceName, lineOf(doc, lineCounter, p.path))}: ${formatPath(p.path) || '(top level)'}`,
      message: p.message,
    }));
    const [first, ...rest] = located;
    if (!first) throw new HeguiError('policy_invalid', 'invalid policy', sourceName);
    let message = first.message;
    if (rest.length > 0) {
      const listed = rest.slice(0, MAX_LISTED - 1).map((p) => `${p.where}: ${p.message}`);
      const more = rest.length - listed.length;
      message += `; also ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
    }
    throw new HeguiError('policy_invalid', message, first.where, { cause: result.error });
  }
  const policy = result.data;
  if (options.baseDir !== undefined) {
    const base = options.baseDir;
    const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
    policy.detectors.keywords.libraries = policy.detectors.keywords.libraries.map((l) => ({
      ...l,
      path: abs(l.path),
    }));
    policy.allowListFiles = policy.allowListFiles.map(abs);
  }
  return policy;
}

/**
 * Read, parse and validate a policy file. Relative paths inside it resolve against its folder.
 * @throws HeguiError `policy_invalid` if the file is missing or unreadable, or the policy is invalid.
 */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'policy file not found' : 'cannot read policy file';
    throw new HeguiError('policy_invalid', reason, path, { cause: err });
  }
  return parsePolicy(text, path, { baseDir: dirname(resolve(path)) });
}

let cachedRoot: string | undefined;

/**
 * The hegui package's root folder (the one holding its package.json), found by walking up from this
 * module, so it works from `src/` (tsx, vitest) and from the compiled `dist/` alike.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (pkg.name === 'hegui') return (cachedRoot = dir);
      } catch {
        // not our manifest; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new HeguiError('internal', 'cannot find the hegui package root', import.meta.url);
    dir = parent;
  }
}

/** Absolute path of the default policy pack, `policies/cn-default.yaml`. */
export function defaultPolicyPath(): string {
  return join(packageRoot(), 'policies', 'cn-default.yaml');
}

/** Absolute paths of the builtin keyword library and allow-list (used when `detectors.keywords.builtin`). */
export function builtinKeywordPaths(): { library: string; allowList: string; sharedLists: string } {
  const dir = join(packageRoot(), 'data', 'keywords');
  return {
    library: join(dir, 'default.txt'),
    allowList: join(dir, 'allow.txt'),
    sharedLists: join(dir, 'shared-lists.yaml'),
  };
}

// ---------------------------------------------------------------------------------------------------

type PathKey = PropertyKey;

interface Problem {
  path: PathKey[];
  message: string;
}

/**
 * Turn one zod issue into located problems. For a union (`A1: block` vs `A1: {input, output}`) report
 * the branch that got furthest, so the user sees "Invalid option" rather than "Invalid input".
 */
function describeIssue(issue: z.core.$ZodIssue, prefix: PathKey[]): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: z.core.$ZodIssue[] | undefined;
    let bestScore = -1;
    for (const branch of issue.errors) {
      const score = Math.max(...branch.map(branchScore));
      if (score > bestScore) {
        best = branch;
        bestScore = score;
      }
    }
    if (best) return best.flatMap((i) => describeIssue(i, path));
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `Unknown key "${key}"${suggest(key)}`,
    }));
  }
  return [{ path, message: issue.message }];
}

/** How far a union branch got: deeper paths win; a type/option mismatch at the root scores lowest. */
function branchScore(issue: z.core.$ZodIssue): number {
  const rootMismatch =
    issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
  return issue.path.length * 10 + (rootMismatch ? 0 : 1);
}

const KNOWN_KEYS = [
  'name',
  'version',
  'description',
  'normalize',
  'detectors',
  'actions',
  'allowList',
  'allowListFiles',
  'redaction',
  'refusal',
  'keywords',
  'pii',
  'enabled',
  'builtin',
  'libraries',
  'pinyin',
  'types',
  'path',
  'category',
  'action',
  'input',
  'output',
  'mode',
  'zh',
  'en',
  'width',
  'caseFold',
  'traditional',
  'stripInvisible',
  'skipSeparators',
  'homoglyphs',
  'collapseRepeats',
];

/** ` (did you mean "x"?)` for a key one or two edits away from a known key, else ''. */
function suggest(key: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of KNOWN_KEYS) {
    const d = editDistance(key.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best !== undefined && best !== key ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function formatPath(path: PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** 1-based line of the deepest key or item of `path` that exists in the document, if any. */
function lineOf(doc: Document, lineCounter: LineCounter, path: PathKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const range = rangeOf(doc, path.slice(0, n));
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

/** Source range of the node at `path`: for a map entry the key's range, for a list item the item's. */
function rangeOf(doc: Document, path: PathKey[]): readonly [number, number, number] | undefined | null {
  if (path.length === 0) return (doc.contents as { range?: [number, number, number] } | null)?.range;
  const parent = doc.getIn(path.slice(0, -1) as unknown[], true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
    const key = pair?.key as { range?: [number, number, number] } | undefined;
    return key?.range;
  }
  if (isSeq(parent) && typeof last === 'number') {
    return (parent.items[last] as { range?: [number, number, number] } | undefined)?.range;
  }
  return undefined;
}

function at(sourceName: string, line: number | undefined): string {
  return line === undefined ? sourceName : `${sourceName}:${line}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
