/**
 * Traditional → simplified step, one character at a time so offsets stay 1:1.
 *
 * The per-character table is derived from opencc-js's own t2s converter (OpenCC's TSPhrases +
 * TSCharacters, no regional variant tables): every Han code point is converted once, separated by
 * newlines so no phrase can match across two of them, and only results that are exactly one code point
 * are kept. Regional "variant" tables (tw/hk) are deliberately left out: they also rewrite characters
 * that are standard simplified (么 → 幺), which would mangle ordinary simplified text.
 * Chains (薴 → 苧 → 苎) are followed to their end so the step is idempotent.
 *
 * Building takes tens of milliseconds, so it happens lazily on first use and is cached for the process.
 */
import { ConverterFactory, Locale } from 'opencc-js/t2cn';
import { HeguiError } from '../errors.js';

export interface TraditionalTable {
  /** Traditional code point → simplified code point; only characters that change. */
  readonly map: ReadonlyMap<number, number>;
  /** Wall-clock milliseconds the build took. */
  readonly buildMs: number;
}

/** Han-script code points live in these ranges (radicals .. Extension H). */
const HAN_SCAN_START = 0x2e80;
const HAN_SCAN_END = 0x323af;
const HAN = /^\p{Script=Han}$/u;

let cached: TraditionalTable | undefined;

export function getTraditionalTable(): TraditionalTable {
  cached ??= buildTraditionalTable();
  return cached;
}

function buildTraditionalTable(): TraditionalTable {
  const began = performance.now();
  const codePoints: number[] = [];
  for (let cp = HAN_SCAN_START; cp <= HAN_SCAN_END; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (HAN.test(String.fromCodePoint(cp))) codePoints.push(cp);
  }
  const toSimplified = ConverterFactory(...(Locale.to['cn'] ?? []));
  const converted = toSimplified(codePoints.map((cp) => String.fromCodePoint(cp)).join('\n')).split('\n');
  if (converted.length !== codePoints.length) {
    throw new HeguiError(
      'internal',
      'opencc-js changed the number of lines while converting single characters',
    );
  }
  const direct = new Map<number, number>();
  codePoints.forEach((cp, i) => {
    const out = converted[i] ?? '';
    const outCp = out.codePointAt(0);
    const isOneCodePoint = outCp !== undefined && out.length === (outCp > 0xffff ? 2 : 1);
    if (isOneCodePoint && outCp !== cp) direct.set(cp, outCp);
  });
  const map = new Map<number, number>();
  for (const [from, to] of direct) map.set(from, followChain(direct, to));
  return { map, buildMs: performance.now() - began };
}

function followChain(direct: ReadonlyMap<number, number>, start: number): number {
  let cp = start;
  // The data has chains of length 2 at most; the bound only guards against a cycle.
  for (let hops = 0; hops < 8; hops++) {
    const next = direct.get(cp);
    if (next === undefined || next === cp) return cp;
    cp = next;
  }
  return cp;
}

export function foldTraditional(codePoint: number): string {
  const simplified = getTraditionalTable().map.get(codePoint);
  return String.fromCodePoint(simplified ?? codePoint);
}
