import { describe, expect, it } from 'vitest';
import { foldTraditional, getTraditionalTable } from './traditional.js';

const fold = (text: string): string => [...text].map((c) => foldTraditional(c.codePointAt(0) ?? 0)).join('');

describe('traditional → simplified', () => {
  it('converts traditional characters one by one', () => {
    expect(fold('賭博')).toBe('赌博');
    expect(fold('錢後髮乾')).toBe('钱后发干');
  });
  it('leaves simplified text alone, including characters regional variant tables would rewrite', () => {
    const simplified = '我们什么时候去赌博著名';
    expect(fold(simplified)).toBe(simplified);
  });
  it('follows chains to their end, so it is idempotent', () => {
    expect(fold('薴')).toBe('苎');
    const { map } = getTraditionalTable();
    for (const target of map.values()) expect(map.has(target)).toBe(false);
  });
  it('is built once, from thousands of opencc-js entries, and reports its build time', () => {
    const table = getTraditionalTable();
    expect(getTraditionalTable()).toBe(table);
    expect(table.map.size).toBeGreaterThan(3000);
    expect(table.buildMs).toBeGreaterThan(0);
  });
});
