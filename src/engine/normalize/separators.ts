/**
 * Character classes for the separator-skipping rule: a run of SEPARATOR characters that lies between two
 * CJK characters is dropped (赌 博, 赌*博, 赌🎲博 → 赌博); everywhere else separators are kept, so Latin word
 * boundaries (`hello world`, `A.B`, `3.14`) and CJK/Latin boundaries (`我 love 你`) survive.
 *
 * Classes are decided on the already folded character (after width/case/traditional/homoglyph folding).
 */

export const CharClass = {
  /** Letters of non-Han scripts, digits, marks that are not separators, private use, unassigned, lone surrogates. */
  Other: 0,
  /** A Han ideograph — see isCJK. */
  CJK: 1,
  /** Punctuation, symbols (incl. emoji), spaces, controls, format characters, non-spacing/enclosing marks. */
  Separator: 2,
} as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

/**
 * CJK = Han-script letters and number-letters: the Unified Ideographs (BMP and every astral extension),
 * Extension A, the compatibility ideographs, plus 々 〇 〡–〩 〸–〺. Kangxi/CJK radicals are symbols, not
 * CJK (NFKC folds the Kangxi ones to unified ideographs anyway). Kana and Hangul are not CJK here: the rule
 * targets Chinese keywords.
 */
const HAN_LETTER = /^(?=\p{Script=Han})[\p{L}\p{Nl}]$/u;

/**
 * Separators: every punctuation (P*), symbol (S*, which covers emoji, skin-tone modifiers and regional
 * indicators), space separator (Z*), control (Cc: tab, newline) and format (Cf: ZWJ, bidi controls)
 * character, plus non-spacing and enclosing marks (Mn/Me: variation selectors, the keycap U+20E3,
 * strike-through overlays like U+0336 stuck on ideographs). Letters and digits never are.
 */
const SEPARATOR = /^[\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}\p{Mn}\p{Me}]$/u;

export function isCJK(codePoint: number): boolean {
  return HAN_LETTER.test(String.fromCodePoint(codePoint));
}

export function isSeparator(codePoint: number): boolean {
  return SEPARATOR.test(String.fromCodePoint(codePoint));
}

/**
 * Sentence ends and line breaks are never skipped: joining across them (我不赌。博物馆 → 赌博物馆)
 * would make false positives out of ordinary prose, while evasions use spaces and symbols inside a word.
 */
const SENTENCE_BOUNDARIES: ReadonlySet<number> = new Set(
  [...'。！？!?；;\n\r\u2028\u2029\u0085\u3002'].map((c) => c.codePointAt(0)!),
);

export function isSentenceBoundary(codePoint: number): boolean {
  return SENTENCE_BOUNDARIES.has(codePoint);
}

export function classify(codePoint: number): CharClass {
  // Lone surrogates are ordinary code units: never CJK, never separators.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return CharClass.Other;
  if (isCJK(codePoint)) return CharClass.CJK;
  if (isSentenceBoundary(codePoint)) return CharClass.Other;
  if (isSeparator(codePoint)) return CharClass.Separator;
  return CharClass.Other;
}
