/**
 * `pii.plate` — mainland motor-vehicle plates (GA 36): province abbreviation + issuing-authority
 * letter + optional separator (`·`, `•`, `・`, space, hyphen) + serial. Letters never include I or O.
 *
 *   standard       5 characters with at most 2 letters        粤B·12345, 京A12B34
 *   special        4 characters + 挂/学/警/港/澳/领              粤B1234学
 *   new energy     D/F + letter-or-digit + 4 digits (small)    粤BD12345, 粤BDA1234
 *                  5 digits + D/F (large)                      粤B12345D
 */
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const LETTER = '[A-HJ-NP-Z]';
const ALNUM = '[A-HJ-NP-Z0-9]';
const PLATE = new RegExp(
  `[${PROVINCES}]${LETTER}[·•・ -]?` +
    `(?:[DF]${ALNUM}\\d{4}|\\d{5}[DF]|${ALNUM}{4}(?:${ALNUM}|[挂学警港澳领]))` +
    '(?![0-9A-Za-z])',
  'gi',
);

/** GA 36 allows at most two letters in a standard serial; more is almost always an English word. */
function hasPlausibleSerial(serial: string): boolean {
  return (serial.match(/[A-Z]/gi)?.length ?? 0) <= 2;
}

export const plateRecognizer: PiiRecognizer = {
  type: 'pii.plate',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(PLATE)) {
      const serial = m[0].slice(2).replace(/^[·•・ -]/, '');
      if (!hasPlausibleSerial(serial)) continue;
      const start = m.index;
      const end = start + m[0].length;
      matches.push({ type: 'pii.plate', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
