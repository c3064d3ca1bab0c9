import { describe, expect, it } from 'vitest';
import { RepeatCollapser } from './repeats.js';

const collapse = (text: string, limit: number): string => {
  const collapser = new RepeatCollapser(limit);
  return [...text].filter((c) => collapser.accept(c.codePointAt(0) ?? 0)).join('');
};

describe('RepeatCollapser', () => {
  it('keeps at most `limit` of a run', () => {
    expect(collapse('好好好好', 2)).toBe('好好');
    expect(collapse('!!!!!', 1)).toBe('!');
    expect(collapse('aaabbbaaa', 2)).toBe('aabbaa');
  });
  it('counts astral characters as one', () => {
    expect(collapse('😀😀😀', 2)).toBe('😀😀');
  });
  it('leaves runs within the limit alone', () => {
    expect(collapse('好好学习', 2)).toBe('好好学习');
  });
});

describe('RepeatCollapser.mark/rewind', () => {
  it('forgets what was accepted after the mark', () => {
    const collapser = new RepeatCollapser(2);
    collapser.accept(0x61);
    collapser.mark();
    collapser.accept(0x61);
    expect(collapser.accept(0x61)).toBe(false);
    collapser.rewind();
    expect(collapser.accept(0x61)).toBe(true);
  });
});
