/**
 * Overlap resolution. Recognisers run independently, so one span can be claimed twice (an 18-digit
 * ID that is also Luhn-valid, a phone number inside an e-mail, an IPv4 inside an IPv4-mapped IPv6).
 *
 * Rule, applied greedily in this order, so the result does not depend on input order:
 *   1. the longer match wins (it explains more of the text: the e-mail over the phone inside it);
 *   2. at equal length the more specific type wins, in `PII_TYPES` order:
 *      id_card > uscc > passport > bank_card > email > ip > plate > landline > mobile
 *      (checksummed, structured codes before looser patterns);
 *   3. then the earlier start.
 * A match is kept only if none of its code units was taken by a match kept before it.
 */
import { piiTypeRank } from './labels.js';
import type { PiiMatch } from './types.js';

function byPriority(a: PiiMatch, b: PiiMatch): number {
  return (
    b.end - b.start - (a.end - a.start) || piiTypeRank(a.type) - piiTypeRank(b.type) || a.start - b.start
  );
}

/** Non-overlapping subset of `matches`, sorted by start. */
export function resolveOverlaps(matches: readonly PiiMatch[]): PiiMatch[] {
  if (matches.length <= 1) return [...matches];
  const extent = matches.reduce((max, m) => Math.max(max, m.end), 0);
  // One byte per code unit; every match is bounded (≤ ~320 units), so the checks stay linear.
  const taken = new Uint8Array(extent);
  const kept: PiiMatch[] = [];
  for (const match of [...matches].sort(byPriority)) {
    if (taken.subarray(match.start, match.end).includes(1)) continue;
    taken.fill(1, match.start, match.end);
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
