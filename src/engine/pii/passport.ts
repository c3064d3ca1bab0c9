/**
 * `pii.passport` — PRC passport numbers, reported only when a context word (护照, 護照, passport)
 * ends at most 20 characters before the number. Context-free matching was rejected: `E12345678`
 * and `G12345678` look like order numbers, SKUs and ticket ids, and a wrong redaction of those
 * hurts more than a missed passport next to no passport wording.
 *
 * Formats: ordinary passports E + 8 digits (e-passports since 2012), E + letter (no I/O) + 7 digits
 * (after the E-digit series ran out), G + 8 digits (pre-2012); diplomatic/service/public-affairs
 * passports D/S/P, optionally followed by E, + 7 digits (best-effort: these series are not public).
 */
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

const PASSPORT = /(?<![0-9A-Za-z])(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E?\d{7})(?![0-9A-Za-z])/gi;
const CONTEXT = /护照|護照|passport/i;
const CONTEXT_WINDOW = 20;

function hasContextBefore(folded: string, start: number): boolean {
  return CONTEXT.test(folded.slice(Math.max(0, start - CONTEXT_WINDOW), start));
}

export const passportRecognizer: PiiRecognizer = {
  type: 'pii.passport',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(PASSPORT)) {
      const start = m.index;
      if (!hasContextBefore(folded, start)) continue;
      const end = start + m[0].length;
      matches.push({ type: 'pii.passport', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
