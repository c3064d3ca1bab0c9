/**
 * `pii.id_card` — mainland resident identity numbers.
 *
 * 18 characters (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence, and an
 * ISO 7064 MOD 11-2 check character (0–9 or X/x). 15-digit legacy numbers (pre-1999: region,
 * YYMMDD birth date in the 1900s, sequence, no check digit) are accepted when their region and date
 * are valid; without a checksum they are weaker evidence, which is why a valid 18-digit number wins
 * every overlap (see `resolve.ts`).
 */
import { isJoinedToDigits } from './boundary.js';
import { isPlausibleBirthDate } from './date.js';
import { isProvinceCode } from './regions.js';
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

/** Weights 2^(17-i) mod 11 for positions 0..16. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** The GB 11643 check character for the first 17 digits, or undefined if they are not 17 digits. */
export function idCardCheckChar(first17: string): string | undefined {
  if (!/^\d{17}$/.test(first17)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11];
}

export function isValidIdCard(id: string, today: Date = new Date()): boolean {
  if (id.length === 18) {
    return (
      isProvinceCode(id.slice(0, 2)) &&
      isPlausibleBirthDate(id.slice(6, 14), today) &&
      idCardCheckChar(id.slice(0, 17)) === id[17]?.toUpperCase()
    );
  }
  if (id.length === 15) {
    return (
      /^\d{15}$/.test(id) &&
      isProvinceCode(id.slice(0, 2)) &&
      isPlausibleBirthDate(`19${id.slice(6, 12)}`, today)
    );
  }
  return false;
}

// Exactly 18 (17 digits + digit/X) or exactly 15 digits, not inside a longer alphanumeric run.
const ID_CANDIDATE = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;

export const idCardRecognizer: PiiRecognizer = {
  type: 'pii.id_card',
  find({ text, folded, referenceDate }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(ID_CANDIDATE)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidIdCard(m[0], referenceDate) || isJoinedToDigits(folded, start, end)) continue;
      matches.push({ type: 'pii.id_card', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
