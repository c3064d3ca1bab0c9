/**
 * `pii.email` — ASCII e-mail addresses (local part `[A-Za-z0-9._%+-]`, dot-separated domain with a
 * letters-only TLD of 2+ characters or an `xn--` IDN TLD).
 *
 * Implemented as a scan outward from each `@` instead of one regex: a pattern such as
 * `[\w.]+@[\w-]+(\.[\w-]+)+` re-scans the same run from every start position and goes quadratic on
 * inputs like `a@a.a.a.a…`. Here every `@` looks at most 64 characters left and 253 right.
 */
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

function isLocalChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x25 || // %
    code === 0x2b || // +
    code === 0x2d // -
  );
}

function isDomainChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2e ||
    code === 0x2d
  );
}

function isValidLocalPart(local: string): boolean {
  return local.length > 0 && !local.endsWith('.') && !local.includes('..');
}

function isValidDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/.test(tld)) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** The address around the `@` at `at`, as [start, end) in `folded`, or undefined. */
function addressAround(folded: string, at: number): [number, number] | undefined {
  let start = at;
  while (start > 0 && at - start <= MAX_LOCAL && isLocalChar(folded.charCodeAt(start - 1))) start--;
  if (at - start > MAX_LOCAL) return undefined; // part of an over-long run, not an address
  while (start < at && folded.charCodeAt(start) === 0x2e) start++; // `见.zhang@…`: the dot is not ours

  let end = at + 1;
  while (end < folded.length && end - at - 1 <= MAX_DOMAIN && isDomainChar(folded.charCodeAt(end))) end++;
  if (end - at - 1 > MAX_DOMAIN) return undefined;
  // A trailing full stop or hyphen is sentence punctuation, not part of the domain.
  while (end > at + 1 && (folded.charCodeAt(end - 1) === 0x2e || folded.charCodeAt(end - 1) === 0x2d)) end--;

  if (!isValidLocalPart(folded.slice(start, at)) || !isValidDomain(folded.slice(at + 1, end)))
    return undefined;
  return [start, end];
}

export const emailRecognizer: PiiRecognizer = {
  type: 'pii.email',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (let at = folded.indexOf('@'); at !== -1; at = folded.indexOf('@', at + 1)) {
      const span = addressAround(folded, at);
      if (!span) continue;
      const [start, end] = span;
      matches.push({ type: 'pii.email', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
