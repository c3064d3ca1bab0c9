import { describe, expect, it } from 'vitest';
import { resolveOverlaps } from './resolve.js';
import type { PiiMatch, PiiType } from './types.js';

const match = (type: PiiType, start: number, end: number): PiiMatch => ({
  type,
  start,
  end,
  value: 'x'.repeat(end - start),
});

describe('resolveOverlaps', () => {
  it('prefers id_card over bank_card over mobile on the same span', () => {
    const candidates = [
      match('pii.mobile', 0, 18),
      match('pii.bank_card', 0, 18),
      match('pii.id_card', 0, 18),
    ];
    expect(resolveOverlaps(candidates)).toEqual([match('pii.id_card', 0, 18)]);
    expect(resolveOverlaps(candidates.slice(0, 2))).toEqual([match('pii.bank_card', 0, 18)]);
  });

  it('prefers the longer match whatever its type', () => {
    expect(resolveOverlaps([match('pii.mobile', 0, 11), match('pii.email', 0, 18)])).toEqual([
      match('pii.email', 0, 18),
    ]);
  });

  it('keeps a shorter match that no longer overlaps anything kept', () => {
    const candidates = [match('pii.mobile', 0, 11), match('pii.email', 5, 20), match('pii.ip', 20, 27)];
    expect(resolveOverlaps(candidates)).toEqual([match('pii.email', 5, 20), match('pii.ip', 20, 27)]);
  });

  it('does not depend on input order', () => {
    const candidates = [
      match('pii.mobile', 3, 14),
      match('pii.landline', 0, 12),
      match('pii.bank_card', 10, 26),
      match('pii.ip', 30, 37),
      match('pii.plate', 36, 43),
    ];
    const expected = resolveOverlaps(candidates);
    expect(resolveOverlaps([...candidates].reverse())).toEqual(expected);
    expect(
      resolveOverlaps([candidates[2]!, candidates[0]!, candidates[4]!, candidates[1]!, candidates[3]!]),
    ).toEqual(expected);
  });

  it('returns non-overlapping input sorted by start, and handles empty input', () => {
    expect(resolveOverlaps([match('pii.ip', 11, 18), match('pii.mobile', 0, 11)])).toEqual([
      match('pii.mobile', 0, 11),
      match('pii.ip', 11, 18),
    ]);
    expect(resolveOverlaps([])).toEqual([]);
  });
});
