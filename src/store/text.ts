/**
 * Text as both databases store it unchanged: well-formed UTF-16 (lone surrogates would be stored as
 * U+FFFD and no longer match the audit hash), no NUL (PostgreSQL refuses it in text columns), and
 * bounded, since much of it (model names, request ids) comes from clients.
 */
export const MAX_TEXT = 1024;

export function storable(value: string, max = MAX_TEXT): string {
  let text = String(value).toWellFormed();
  if (text.includes('\0')) text = text.replaceAll('\0', '\uFFFD');
  if (text.length > max) text = text.slice(0, max).toWellFormed();
  return text;
}

export function storableOrNull(value: string | null | undefined, max = MAX_TEXT): string | null {
  return value === null || value === undefined ? null : storable(value, max);
}
