/**
 * The per-character part of the chain, composed: what one code point becomes when every enabled
 * per-character step has run. This is the reference the compiled lookup table is built from (and tested
 * against); the hot loop never calls it for BMP characters.
 *
 * Order: homoglyphs → width (NFKC) → case → traditional, then invisible characters are removed.
 * Homoglyphs go first so ⑴ becomes 1 rather than NFKC's "(1)"; traditional goes after width so
 * compatibility ideographs are unified first. The chain is repeated until nothing changes (𝛂 → α → a,
 * 薴 → 苧 → 苎), which makes folding idempotent by construction.
 *
 * Lone surrogates become U+FFFD whatever the options (input sanitation, not a step): leaving them as they
 * are would let a dropped character between two of them fuse them into a new character on a second pass.
 */
import { foldCase } from './case.js';
import { foldHomoglyph } from './homoglyphs.js';
import { isInvisible } from './invisible.js';
import type { ResolvedNormalizeOptions } from './options.js';
import { foldTraditional } from './traditional.js';
import { foldWidth } from './width.js';

export type FoldOptions = Pick<
  ResolvedNormalizeOptions,
  'width' | 'caseFold' | 'traditional' | 'stripInvisible' | 'homoglyphs'
>;

export const REPLACEMENT_CHARACTER = 0xfffd;
/** Longest chain seen in the data is 3 rounds; the cap only guards against an accidental cycle. */
const MAX_ROUNDS = 8;

export function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}

/** The folded form of one code point: '' when it is dropped, several code points when it expands. */
export function foldCodePoint(codePoint: number, options: FoldOptions): string {
  if (isSurrogate(codePoint)) return String.fromCharCode(REPLACEMENT_CHARACTER);
  let current = String.fromCodePoint(codePoint);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = foldOnce(current, options);
    if (next === current) break;
    current = next;
  }
  return current;
}

function foldOnce(text: string, options: FoldOptions): string {
  let out = text;
  if (options.homoglyphs) out = mapCodePoints(out, foldHomoglyph);
  if (options.width) out = mapCodePoints(out, foldWidth);
  if (options.caseFold) out = mapCodePoints(out, foldCase);
  if (options.traditional) out = mapCodePoints(out, foldTraditional);
  if (options.stripInvisible)
    out = mapCodePoints(out, (cp) => (isInvisible(cp) ? '' : String.fromCodePoint(cp)));
  return out;
}

function mapCodePoints(text: string, step: (codePoint: number) => string): string {
  let out = '';
  for (const char of text) out += step(char.codePointAt(0) ?? 0);
  return out;
}
