/**
 * `pii.landline` — mainland fixed-line numbers: area code (010, 02x, or 0 + three digits) and a 7–8
 * digit local number starting 2–9, optionally grouped, optionally with an extension (`-123`, `转123`,
 * `ext. 123`, `x123`). The area code must be separated (`010-`, `0755 `) or parenthesised
 * (`(0755)`): an unseparated 11–12 digit run is too ambiguous with other numbers. `+86 755 …`
 * (international form without the trunk 0) is accepted too.
 */
import { isJoinedToDigits } from './boundary.js';
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

const AREA = '0(?:10|2\\d|[3-9]\\d\\d)';
const AREA_INTERNATIONAL = '(?:10|2\\d|[3-9]\\d\\d)';
const LANDLINE = new RegExp(
  '(?<![0-9A-Za-z+])' +
    `(?:\\(${AREA}\\)[ -]?|${AREA}[ -]|\\+86[ -]?${AREA_INTERNATIONAL}[ -])` +
    '[2-9]\\d{2,3}[ -]?\\d{4}' +
    '(?: ?(?:转|分机|ext\\.?|x|-) ?\\d{1,6})?' +
    '(?![0-9A-Za-z])',
  'gi',
);

export const landlineRecognizer: PiiRecognizer = {
  type: 'pii.landline',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(LANDLINE)) {
      const start = m.index;
      const end = start + m[0].length;
      if (isJoinedToDigits(folded, start, end)) continue;
      matches.push({ type: 'pii.landline', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
