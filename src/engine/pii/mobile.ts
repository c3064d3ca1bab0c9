/**
 * `pii.mobile` — mainland mobile numbers: 11 digits starting 13–19, optionally prefixed with
 * +86 / 0086 / 86, either contiguous or grouped 3-4-4 with one consistent separator (space or hyphen).
 */
import { isJoinedToDigits } from './boundary.js';
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

// `\1` keeps the two group separators identical (138 1234 5678, 138-1234-5678, 13812345678).
const MOBILE = /(?<![0-9A-Za-z+])(?:(?:\+86|0086|86)[ -]?)?1[3-9]\d([ -]?)\d{4}\1\d{4}(?![0-9A-Za-z])/g;

export const mobileRecognizer: PiiRecognizer = {
  type: 'pii.mobile',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(MOBILE)) {
      const start = m.index;
      const end = start + m[0].length;
      if (isJoinedToDigits(folded, start, end)) continue;
      matches.push({ type: 'pii.mobile', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
