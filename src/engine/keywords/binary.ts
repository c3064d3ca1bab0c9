/**
 * Binary format of a compiled matcher, so a 100k-term library loads in milliseconds instead of being
 * rebuilt: a small JSON header followed by the typed arrays, each 8-byte aligned, read back as views
 * without copying.
 *
 *   "HGKW" | u32 version | u32 headerLength | header JSON (UTF-8) | pad | sections…
 */
import { crc32 } from 'node:zlib';
import { HeguiError } from '../errors.js';
import { COMPACT_STRIDE, NODE_STRIDE, type AutomatonArrays } from './automaton.js';
import { KeywordMatcher, type MatcherData } from './matcher.js';
import { ColumnEntryTable } from './entries.js';
import type { KeywordAction } from './types.js';

const MAGIC = 0x574b4748; // "HGKW" little-endian
export const FORMAT_VERSION = 6;
const ACTIONS: readonly (KeywordAction | undefined)[] = [undefined, 'block', 'review', 'hard'];

type ArrayKind = 'u8' | 'u16' | 'i32';
type Section = [kind: ArrayKind, offset: number, length: number];
const CONSTRUCTORS = { u8: Uint8Array, u16: Uint16Array, i32: Int32Array } as const;

interface Header {
  normalize: MatcherData['normalize'];
  wordBoundaries: boolean;
  pinyinCategories: string[];
  allowCount: number;
  maxPatternLength: number;
  categories: string[];
  files: string[];
  sections: Record<string, Section>;
  /**
   * CRC-32 of everything after the header, so a damaged file is refused instead of mis-scanning.
   * (Integrity against accidents, not tampering: a library is configuration, signed by deployment.)
   */
  crc32: number;
}

const AUTOMATON_KEYS = [
  'classOf',
  'rootNext',
  'nodes',
  'compact',
  'edges',
  'labels',
  'wideClass',
  'wideTarget',
  'depth',
  'liveDepth',
  'out',
  'dictLink',
  'patternLength',
] as const satisfies readonly (keyof AutomatonArrays)[];

const U16_KEYS: ReadonlySet<string> = new Set(['classOf', 'labels', 'wideClass']);

function kindOf(array: Uint8Array | Uint16Array | Int32Array): ArrayKind {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Uint16Array) return 'u16';
  return 'i32';
}

export function serializeMatcher(matcher: KeywordMatcher): Uint8Array {
  const d = matcher.data;
  const categories: string[] = [];
  const categoryIndex = new Map<string, number>();
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const n = d.entries.length;
  const entryCategory = new Uint16Array(n);
  const entryAction = new Uint8Array(n);
  const entryFile = new Int32Array(n);
  const entryLine = new Int32Array(n);
  const entryCombo = new Uint8Array(n);
  const intern = (map: Map<string, number>, list: string[], key: string) => {
    let id = map.get(key);
    if (id === undefined) {
      id = list.length;
      map.set(key, id);
      list.push(key);
    }
    return id;
  };
  const encoder = new TextEncoder();
  const termChunks: Uint8Array[] = [];
  const termStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const e = d.entries.at(i);
    // Combination parts are joined with U+0001 (control characters never occur in terms).
    const bytes = encoder.encode(e.parts ? e.parts.join('\u0001') : e.term);
    termChunks.push(bytes);
    termStart[i + 1] = termStart[i]! + bytes.length;
    entryCategory[i] = intern(categoryIndex, categories, e.category);
    entryAction[i] = ACTIONS.indexOf(e.action);
    entryCombo[i] = e.parts ? 1 : 0;
    const colon = e.source.lastIndexOf(':');
    const line = Number(e.source.slice(colon + 1));
    const hasLine = colon > 0 && Number.isInteger(line);
    entryFile[i] = intern(fileIndex, files, hasLine ? e.source.slice(0, colon) : e.source);
    entryLine[i] = hasLine ? line : 0;
  }
  const terms = new Uint8Array(termStart[n]!);
  termChunks.forEach((bytes, i) => terms.set(bytes, termStart[i]!));

  const arrays: Record<string, Uint8Array | Uint16Array | Int32Array> = {
    patternFlags: d.patternFlags,
    patternVariant: d.patternVariant,
    patternEntryStart: d.patternEntryStart,
    entryIds: d.entryIds,
    entryCategory,
    entryAction,
    entryFile,
    entryLine,
    entryCombo,
    termStart,
    terms,
  };
  for (const key of AUTOMATON_KEYS) arrays[key] = d.automaton[key];

  const sections: Record<string, Section> = {};
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    sections[name] = [kindOf(array), offset, array.length];
    offset = align8(offset + array.byteLength);
  }
  const header: Header = {
    normalize: d.normalize,
    wordBoundaries: d.wordBoundaries,
    pinyinCategories: [...d.pinyinCategories],
    allowCount: d.allowCount,
    maxPatternLength: d.maxPatternLength,
    categories,
    files,
    sections,
    crc32: 0,
  };
  const body = new Uint8Array(offset);
  for (const [name, array] of Object.entries(arrays)) {
    body.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), sections[name]![1]);
  }
  header.crc32 = crc32(body);
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(12 + headerBytes.length);
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  out.set(body, dataStart);
  return out;
}

export function deserializeMatcher(bytes: Uint8Array, sourceName = 'library.bin'): KeywordMatcher {
  const fail = (message: string): never => {
    throw new HeguiError('library_format', message, sourceName);
  };
  if (bytes.length < 12) fail('file too short to be a compiled keyword library');
  // Views need 8-byte alignment of the underlying buffer; copy if the caller's buffer is pooled.
  const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail('not a compiled keyword library (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION)
    fail(`format version ${version}, this hegui reads ${FORMAT_VERSION}; recompile`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > buf.length) fail('truncated header');
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(12, 12 + headerLength)),
    ) as Header;
  } catch {
    return fail('corrupt header');
  }
  const dataStart = align8(12 + headerLength);
  if (crc32(buf.subarray(dataStart)) !== header.crc32) {
    fail('checksum mismatch: the file is damaged or was edited; recompile it');
  }
  const section = <K extends ArrayKind>(name: string, kind: K): InstanceType<(typeof CONSTRUCTORS)[K]> => {
    const s = header.sections?.[name];
    if (!s || s[0] !== kind) return fail(`missing or mistyped section ${name}`);
    const Ctor = CONSTRUCTORS[kind];
    const [, offset, length] = s;
    const start = buf.byteOffset + dataStart + offset;
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0)
      fail(`bad section ${name}`);
    if (dataStart + offset + length * Ctor.BYTES_PER_ELEMENT > buf.length) fail(`truncated section ${name}`);
    return new Ctor(buf.buffer as ArrayBuffer, start, length) as InstanceType<(typeof CONSTRUCTORS)[K]>;
  };

  const automaton = {} as Record<(typeof AUTOMATON_KEYS)[number], Uint16Array | Int32Array>;
  for (const key of AUTOMATON_KEYS) {
    automaton[key] = section(key, U16_KEYS.has(key) ? 'u16' : 'i32');
  }
  const a = automaton as unknown as AutomatonArrays;
  const patternFlags = section('patternFlags', 'u8');
  const nodes = a.depth.length;
  if (
    a.classOf.length !== 65536 ||
    a.nodes.length !== nodes * NODE_STRIDE ||
    a.compact.length !== nodes * COMPACT_STRIDE ||
    a.edges.length !== (nodes - 1) * 2 ||
    a.labels.length !== nodes - 1 ||
    a.wideTarget.length !== a.wideClass.length ||
    a.patternLength.length !== patternFlags.length
  ) {
    fail('inconsistent automaton tables');
  }

  const columns = {
    terms: section('terms', 'u8'),
    termStart: section('termStart', 'i32'),
    category: section('entryCategory', 'u16'),
    action: section('entryAction', 'u8'),
    file: section('entryFile', 'i32'),
    line: section('entryLine', 'i32'),
    combo: section('entryCombo', 'u8'),
    categories: header.categories,
    files: header.files,
    actions: ACTIONS,
  };
  const n = columns.category.length;
  const entryIds = section('entryIds', 'i32');
  if (
    columns.termStart.length !== n + 1 ||
    columns.termStart[n] !== columns.terms.length ||
    [columns.action, columns.file, columns.line, columns.combo].some((c) => c.length !== n) ||
    entryIds.some((id) => id < 0 || id >= n)
  ) {
    fail('entry tables disagree');
  }
  const data: MatcherData = {
    normalize: header.normalize,
    wordBoundaries: header.wordBoundaries,
    pinyinCategories: header.pinyinCategories,
    automaton: a,
    patternFlags,
    patternVariant: section('patternVariant', 'u8'),
    patternEntryStart: section('patternEntryStart', 'i32'),
    entryIds,
    entries: new ColumnEntryTable(columns),
    allowCount: header.allowCount,
    maxPatternLength: header.maxPatternLength,
  };
  return new KeywordMatcher(data);
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
