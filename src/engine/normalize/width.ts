/**
 * Width / compatibility step: NFKC applied to one code point on its own (full-width → half-width,
 * ligatures, ① → 1, ㎏ → kg, compatibility ideographs → unified). Applying it per character instead of
 * to the whole string keeps every output unit attributable to exactly one source character.
 */
export function foldWidth(codePoint: number): string {
  return String.fromCodePoint(codePoint).normalize('NFKC');
}
