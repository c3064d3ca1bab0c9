/**
 * Invisible step: code points that render as nothing and only serve to split words — zero-width
 * space/joiners, bidi controls, word joiner, variation selectors, soft hyphen, Hangul fillers, tag
 * characters. This is exactly Unicode's Default_Ignorable_Code_Point property, which the JS regex
 * engine knows, so the set follows the runtime's Unicode version instead of a hand-kept list.
 */
const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

export function isInvisible(codePoint: number): boolean {
  return DEFAULT_IGNORABLE.test(String.fromCodePoint(codePoint));
}
