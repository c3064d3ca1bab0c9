/**
 * Rewrites detected PII. Replacements are computed against the input offsets and the output is
 * rebuilt left to right in one pass, so the offsets reported in `replacements` always refer to the
 * text that was passed in, never to the partially rewritten output.
 */
import { HeguiError } from '../errors.js';
import { piiTypeInfo } from './labels.js';
import { maskValue } from './mask.js';
import { pseudonymToken } from './pseudonym.js';
import { resolveOverlaps } from './resolve.js';
import type { PiiMatch, PiiReplacement, RedactionMode, RedactionResult, RedactOptions } from './types.js';

function replacementFor(match: PiiMatch, mode: RedactionMode, options: RedactOptions): string {
  const label = piiTypeInfo(match.type)[options.language ?? 'zh'];
  switch (mode) {
    case 'mask':
      return maskValue(match.type, match.value);
    case 'placeholder':
      return `[${label}]`;
    case 'pseudonym':
      return `[${label}#${pseudonymToken(match.type, match.value, options.key, options.tokenHexLength)}]`;
  }
}

function assertMatchFits(text: string, match: PiiMatch): void {
  const { start, end } = match;
  const inBounds =
    Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= text.length;
  if (!inBounds || text.slice(start, end) !== match.value) {
    throw new HeguiError(
      'input_invalid',
      `PII match [${start}, ${end}) does not fit the text being redacted`,
    );
  }
}

/**
 * Replace every match in `text`. Matches must come from this very text (checked: offsets in bounds
 * and `value` equal to the slice); overlapping matches are resolved as in `detectPii`.
 */
export function redactPii(
  text: string,
  matches: readonly PiiMatch[],
  mode: RedactionMode,
  options: RedactOptions = {},
): RedactionResult {
  for (const match of matches) assertMatchFits(text, match);
  const replacements: PiiReplacement[] = resolveOverlaps(matches).map((match) => ({
    start: match.start,
    end: match.end,
    type: match.type,
    replacement: replacementFor(match, mode, options),
  }));
  const parts: string[] = [];
  let cursor = 0;
  for (const { start, end, replacement } of replacements) {
    parts.push(text.slice(cursor, start), replacement);
    cursor = end;
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(''), replacements };
}
