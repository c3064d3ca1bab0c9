import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAutomaton, emitOf, nodeCount, NODE_STRIDE, step, type AutomatonArrays } from './automaton.js';

/** All (start, end, pattern) occurrences by walking the automaton. */
function runAutomaton(a: AutomatonArrays, text: string): string[] {
  const found: string[] = [];
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    s = step(a, s, text.charCodeAt(i));
    for (let e = emitOf(a, s); e !== -1; e = a.dictLink[e]!) {
      const p = a.out[e]!;
      found.push(`${i + 1 - a.patternLength[p]!}:${i + 1}:${p}`);
    }
  }
  return found.sort();
}

/** The same by brute force with indexOf. */
function naive(patterns: string[], text: string): string[] {
  const found: string[] = [];
  patterns.forEach((p, id) => {
    for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1))
      found.push(`${at}:${at + p.length}:${id}`);
  });
  return found.sort();
}

describe('buildAutomaton', () => {
  it('finds overlapping and nested patterns (he/she/his/hers)', () => {
    const patterns = ['he', 'she', 'his', 'hers'];
    const a = buildAutomaton(patterns);
    expect(runAutomaton(a, 'ushers')).toEqual(naive(patterns, 'ushers'));
    expect(runAutomaton(a, 'ushers')).toHaveLength(3);
  });

  it('handles CJK patterns sharing prefixes and suffixes', () => {
    const patterns = ['赌博', '网络赌博', '博彩', '赌博网站', '彩票'];
    const text = '这是网络赌博网站，不是彩票也不是博彩';
    expect(runAutomaton(buildAutomaton(patterns), text)).toEqual(naive(patterns, text));
  });

  it('gives every node exactly its children in sorted order', () => {
    const a = buildAutomaton(['ab', 'ac', 'ad', 'b']);
    for (let u = 0; u < nodeCount(a); u++) {
      const lo = a.nodes[u * NODE_STRIDE]!;
      const hi = a.nodes[u * NODE_STRIDE + 1]!;
      expect(hi - lo).toBe(u === 0 ? 2 : u === 1 ? 3 : 0);
      for (let e = lo + 1; e < hi; e++) expect(a.edges[2 * e]!).toBeGreaterThan(a.edges[2 * (e - 1)]!);
    }
  });

  it('uses hash tables on wide nodes (fan-out > 8 below the root)', () => {
    const patterns = Array.from({ length: 40 }, (_, i) => `x${String.fromCharCode(0x4e00 + i * 7)}`);
    const text = patterns.slice(10, 30).join('y');
    expect(runAutomaton(buildAutomaton(patterns), text)).toEqual(naive(patterns, text));
  });

  it('rejects an empty pattern', () => {
    expect(() => buildAutomaton(['a', ''])).toThrow(RangeError);
  });

  it('agrees with brute force on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '赌', '博', '彩', '\ud83d', '\ude00');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 20 }),
        fc.array(alphabet, { maxLength: 60 }),
        (patterns, chars) => {
          const text = chars.join('');
          expect(runAutomaton(buildAutomaton(patterns), text)).toEqual(naive(patterns, text));
        },
      ),
      { numRuns: 300 },
    );
  });
});
