/**
 * `pii.ip` — IPv4 and IPv6 addresses, confirmed with `node:net` `isIP`.
 *
 * IPv4: dotted quad with octets 0–255 and no leading zeros; rejected when it is a slice of a longer
 * dotted number (`1.2.3.4.5`, version strings) or touches letters/digits.
 * IPv6: every maximal run of hex digits, `:` and `.` that contains two or more colons is a
 * candidate (matched with one linear pass, no nested quantifiers); a single leading/trailing `:` or
 * trailing `.` is treated as punctuation. Runs touching other letters (`std::vector`) are skipped.
 */
import { isIP } from 'node:net';
import { isAsciiAlnum } from './boundary.js';
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![0-9A-Za-z.])${OCTET}(?:\\.${OCTET}){3}(?![0-9A-Za-z]|\\.\\d)`, 'g');
const IPV6_RUN = /[0-9A-Fa-f:.]+/g;
const MAX_IPV6_LENGTH = 45;

function ipv6Span(folded: string, runStart: number, run: string): [number, number] | undefined {
  let start = runStart;
  let end = runStart + run.length;
  if (isAsciiAlnum(folded.charCodeAt(start - 1))) {
    // The run's first group is the tail of a word (`IPv6:fe80::1` → run `6:fe80::1`): skip past it.
    const colon = run.indexOf(':');
    if (run[colon + 1] === ':') return undefined;
    start += colon + 1;
  } else if (run.startsWith(':') && !run.startsWith('::')) start++;
  if (run.endsWith('.')) end--;
  else if (run.endsWith(':') && !run.endsWith('::')) end--;
  const candidate = folded.slice(start, end);
  if (candidate.length > MAX_IPV6_LENGTH || candidate === '::' || isIP(candidate) !== 6) return undefined;
  // Letters right next to the address mean it is part of a word (`std::vector` → run `d::`).
  if (isAsciiAlnum(folded.charCodeAt(start - 1)) || isAsciiAlnum(folded.charCodeAt(end))) return undefined;
  return [start, end];
}

function findIpv6(text: string, folded: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (const m of folded.matchAll(IPV6_RUN)) {
    const run = m[0];
    if (run.indexOf(':') === run.lastIndexOf(':')) continue; // fewer than two colons
    const span = ipv6Span(folded, m.index, run);
    if (!span) continue;
    const [start, end] = span;
    matches.push({ type: 'pii.ip', start, end, value: text.slice(start, end) });
  }
  return matches;
}

function findIpv4(text: string, folded: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (const m of folded.matchAll(IPV4)) {
    if (isIP(m[0]) !== 4) continue;
    const start = m.index;
    const end = start + m[0].length;
    matches.push({ type: 'pii.ip', start, end, value: text.slice(start, end) });
  }
  return matches;
}

export const ipRecognizer: PiiRecognizer = {
  type: 'pii.ip',
  find({ text, folded }: ScanInput): PiiMatch[] {
    return [...findIpv4(text, folded), ...findIpv6(text, folded)].sort((a, b) => a.start - b.start);
  },
};
