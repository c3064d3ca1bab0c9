/**
 * The per-character steps compiled once per option set into flat lookup tables, so the hot loop does one
 * typed-array read per UTF-16 code unit.
 *
 * Entry layout (32 bits):
 *   bits 0–15  the folded code unit, or an index into `expansions` when EXPANDS is set
 *   bits 16–17 the CharClass of the folded character (decides separator skipping)
 *   bit 18     DROPPED: the character disappears (invisible)
 *   bit 19     EXPANDS: the character becomes several code points (㎏ → kg, 𠀀 → itself as a pair)
 *   bit 20     HIGH_SURROGATE: pair it with the next unit and look the code point up in the astral table
 *   bit 21     KEEP_PAIR (astral only): the surrogate pair is copied unchanged
 *   bit 22     READY (astral only): the entry has been computed
 * An entry with none of bits 18–21 set is the fast path: emit bits 0–15, class in bits 16–17.
 *
 * The BMP table is built eagerly (65,536 folds, tens of ms). Astral code points are folded the first time
 * they are met and remembered in a lazily allocated 4 MB table, so cost and memory stay bounded.
 */
import { HeguiError } from '../errors.js';
import { foldCodePoint, REPLACEMENT_CHARACTER, type FoldOptions } from './fold.js';
import { CharClass, classify } from './separators.js';

export const VALUE_MASK = 0xffff;
export const CLASS_SHIFT = 16;
export const CLASS_MASK = 0x3;
export const DROPPED = 1 << 18;
export const EXPANDS = 1 << 19;
export const HIGH_SURROGATE = 1 << 20;
export const KEEP_PAIR = 1 << 21;
export const READY = 1 << 22;
export const SLOW_PATH = DROPPED | EXPANDS | HIGH_SURROGATE | KEEP_PAIR;

/**
 * One expansion: its output as tokens (code points). Flat arrays, token k is
 * classes[k] with units units[unitStarts[k] .. unitStarts[k + 1]).
 */
export interface Expansion {
  readonly units: Uint16Array;
  readonly unitStarts: Uint8Array;
  readonly classes: Uint8Array;
}

export interface FoldTable {
  readonly bmp: Uint32Array;
  readonly expansions: Expansion[];
  /** Entry for an astral code point (0x10000..0x10FFFF), computed on first request. */
  astral(codePoint: number): number;
  readonly buildMs: number;
}

const tableCache = new Map<string, FoldTable>();

/** The compiled table for an option set; built once per distinct set and shared by every normaliser. */
export function getFoldTable(options: FoldOptions): FoldTable {
  const key = [
    options.width,
    options.caseFold,
    options.traditional,
    options.stripInvisible,
    options.homoglyphs,
  ]
    .map((on) => (on ? '1' : '0'))
    .join('');
  let table = tableCache.get(key);
  if (table === undefined) {
    table = compileFoldTable(options);
    tableCache.set(key, table);
  }
  return table;
}

export function compileFoldTable(options: FoldOptions): FoldTable {
  const began = performance.now();
  const expansions: Expansion[] = [];
  const bmp = new Uint32Array(0x10000);
  for (let unit = 0; unit < 0x10000; unit++) {
    bmp[unit] =
      unit >= 0xd800 && unit <= 0xdbff
        ? HIGH_SURROGATE | (REPLACEMENT_CHARACTER & VALUE_MASK) | (CharClass.Separator << CLASS_SHIFT)
        : entryFor(unit, foldCodePoint(unit, options), expansions);
  }
  let astralEntries: Uint32Array | undefined;
  const astral = (codePoint: number): number => {
    astralEntries ??= new Uint32Array(0x100000);
    const index = codePoint - 0x10000;
    let entry = astralEntries[index] ?? 0;
    if (entry === 0) {
      entry = READY | entryFor(codePoint, foldCodePoint(codePoint, options), expansions);
      astralEntries[index] = entry;
    }
    return entry;
  };
  return { bmp, expansions, astral, buildMs: performance.now() - began };
}

/** Encodes what `codePoint` folds to. */
export function entryFor(codePoint: number, folded: string, expansions: Expansion[]): number {
  if (folded.length === 0) return DROPPED;
  const first = folded.codePointAt(0) ?? 0;
  const cls = classify(first) << CLASS_SHIFT;
  if (folded.length === 1) return first | cls;
  if (first === codePoint && folded.length === 2) return KEEP_PAIR | cls;
  if (expansions.length > VALUE_MASK) {
    throw new HeguiError('internal', 'more expansions than a table entry can index');
  }
  expansions.push(toExpansion(folded));
  return EXPANDS | (expansions.length - 1);
}

function toExpansion(folded: string): Expansion {
  const tokens = [...folded];
  const units = new Uint16Array(folded.length);
  const unitStarts = new Uint8Array(tokens.length + 1);
  const classes = new Uint8Array(tokens.length);
  let at = 0;
  tokens.forEach((token, k) => {
    const codePoint = token.codePointAt(0) ?? 0;
    classes[k] = classify(codePoint);
    unitStarts[k] = at;
    for (let j = 0; j < token.length; j++) units[at++] = token.charCodeAt(j);
  });
  unitStarts[tokens.length] = at;
  return { units, unitStarts, classes };
}

/** Decodes an entry back to the string it stands for (for tests and debugging). */
export function describeEntry(table: FoldTable, codePoint: number, entry: number): string {
  if (entry & DROPPED) return '';
  if (entry & KEEP_PAIR) return String.fromCodePoint(codePoint);
  if (entry & EXPANDS) {
    const expansion = table.expansions[entry & VALUE_MASK];
    return expansion === undefined ? '' : String.fromCharCode(...expansion.units);
  }
  return String.fromCharCode(entry & VALUE_MASK);
}
