/**
 * Case step: Unicode lower-casing of one code point (A → a, Σ → σ, İ → i̇). Locale-independent, so the
 * same input always gives the same output whatever the host's locale.
 */
export function foldCase(codePoint: number): string {
  return String.fromCodePoint(codePoint).toLowerCase();
}
