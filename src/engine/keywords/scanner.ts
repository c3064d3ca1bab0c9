/**
 * The keyword scanner: normaliser stream → automaton → hits in original offsets. The whole-text scan
 * is this same stream fed one chunk, so "stream ≡ whole" holds by construction; the property tests
 * still check it for random chunkings.
 *
 * A hit is only final once nothing later in the text can change it:
 * - an allow-listed term could still complete around it (the Scunthorpe rule) — impossible once the
 *   hit starts before every partial match that can still grow (`pos - liveDepth[state]`);
 * - a pattern that needs a word boundary on its right needs one more character (or the end).
 * Until then it is pending, and `safeOffset` keeps the text from its start back.
 */
import type { NormalizedChunk, NormalizerStream } from '../normalize/types.js';
import { advance, EMIT, NODE_STRIDE, type AutomatonArrays } from './automaton.js';
import type { KeywordHit } from './types.js';

/** Per-pattern flags. */
export const PATTERN_ALLOW = 1;
export const PATTERN_LEFT_BOUNDARY = 2;
export const PATTERN_RIGHT_BOUNDARY = 4;
export const PATTERN_KEYWORD = 8;

export interface ScanTables {
  readonly automaton: AutomatonArrays;
  readonly patternFlags: Uint8Array;
  readonly maxPatternLength: number;
}

/** ASCII letters and digits: the characters a word boundary must not fall between. */
function isWordUnit(unit: number): boolean {
  return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a);
}

interface Candidate {
  ns: number;
  ne: number;
  pattern: number;
  /** Right boundary still to check against the next unit. */
  needRight: boolean;
}

export class KeywordStreamScanner {
  private readonly t: ScanTables;
  private readonly norm: NormalizerStream;
  private state = 0;
  /** Normalised units processed so far (absolute). */
  private pos = 0;
  // Ring buffer of the most recent units (code, original start, original end).
  private readonly mask: number;
  private readonly ringCode: Uint16Array;
  private readonly ringStart: Int32Array;
  private readonly ringEnd: Int32Array;
  private pending: Candidate[] = [];
  private allows: { ns: number; ne: number }[] = [];
  private ended = false;
  /** The chunk being consumed (its units are read in place) and the position of its first unit. */
  private chunk: NormalizedChunk | undefined;
  private chunkBase = 0;

  constructor(tables: ScanTables, normalizer: NormalizerStream) {
    this.t = tables;
    this.norm = normalizer;
    let size = 16;
    while (size < tables.maxPatternLength + 4) size <<= 1;
    this.mask = size - 1;
    this.ringCode = new Uint16Array(size);
    this.ringStart = new Int32Array(size);
    this.ringEnd = new Int32Array(size);
  }

  /** Feeds a chunk; returns the hits that became final. */
  push(chunk: string): KeywordHit[] {
    if (this.ended) throw new Error('scanner already ended');
    const hits: KeywordHit[] = [];
    this.consume(this.norm.push(chunk), hits);
    return hits;
  }

  /** Ends the text; returns the remaining hits. */
  end(): KeywordHit[] {
    if (this.ended) return [];
    const hits: KeywordHit[] = [];
    this.consume(this.norm.end(), hits);
    this.ended = true;
    for (const c of this.pending) if (!this.suppressed(c)) hits.push(this.toHit(c));
    this.pending = [];
    this.allows = [];
    return hits;
  }

  /**
   * Original offset before which the text can no longer take part in any hit: everything before it
   * may be released to a reader. Never decreases.
   */
  get safeOffset(): number {
    if (this.ended) return this.norm.consumed;
    let safeUnit = this.pos - this.t.automaton.liveDepth[this.state]!;
    for (const c of this.pending) if (c.ns < safeUnit) safeUnit = c.ns;
    if (safeUnit < this.pos) return this.ringStart[safeUnit & this.mask]!;
    // Nothing in play: up to the end of the last normalised unit (the normaliser may still hold
    // characters after it, e.g. separators that could fall inside a term).
    return this.pos === 0 ? 0 : this.ringEnd[(this.pos - 1) & this.mask]!;
  }

  private consume(chunk: NormalizedChunk, hits: KeywordHit[]): void {
    const a = this.t.automaton;
    const { classOf, compact } = a;
    // A local copy: imported bindings can compile to getter calls under some loaders (tsx, vitest).
    const next = advance;
    const { codes, length } = chunk;
    // Units of this chunk are read from the chunk itself; only the tail is copied into the ring
    // afterwards, so the hot loop writes nothing per unit.
    this.chunk = chunk;
    this.chunkBase = this.pos;
    let s = this.state;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      pos++;
      const c = classOf[codes[i]!]!;
      if (c === 0) {
        s = 0;
      } else {
        s = next(a, s, c);
      }
      if (compact[2 * s + 1]! < 0 || this.pending.length !== 0) {
        this.pos = pos;
        this.state = s;
        this.afterUnit(s, pos, hits);
      }
    }
    this.state = s;
    this.pos = pos;
    this.keepTail(chunk);
    this.chunk = undefined;
  }

  /** Copies the last units of a chunk into the ring (the chunk's arrays are reused after this call). */
  private keepTail(chunk: NormalizedChunk): void {
    const from = Math.max(0, chunk.length - this.ringCode.length);
    for (let i = from; i < chunk.length; i++) {
      const r = (this.chunkBase + i) & this.mask;
      this.ringCode[r] = chunk.codes[i]!;
      this.ringStart[r] = chunk.starts[i]!;
      this.ringEnd[r] = chunk.ends[i]!;
    }
  }

  private unitCode(p: number): number {
    const chunk = this.chunk;
    if (chunk && p >= this.chunkBase) return chunk.codes[p - this.chunkBase]!;
    return this.ringCode[p & this.mask]!;
  }

  private unitStart(p: number): number {
    const chunk = this.chunk;
    if (chunk && p >= this.chunkBase) return chunk.starts[p - this.chunkBase]!;
    return this.ringStart[p & this.mask]!;
  }

  private unitEnd(p: number): number {
    const chunk = this.chunk;
    if (chunk && p >= this.chunkBase) return chunk.ends[p - this.chunkBase]!;
    return this.ringEnd[p & this.mask]!;
  }

  /** Records patterns ending at `pos` and settles pending candidates. */
  private afterUnit(s: number, pos: number, hits: KeywordHit[]): void {
    const a = this.t.automaton;
    const flags = this.t.patternFlags;
    const lastUnit = this.unitCode(pos - 1);
    // A candidate waiting for its right boundary gets it (or loses it) with this unit.
    for (const c of this.pending) {
      if (c.needRight && c.ne === pos - 1) {
        if (isWordUnit(lastUnit)) c.pattern = -1;
        c.needRight = false;
      }
    }
    for (let e = a.nodes[s * NODE_STRIDE + EMIT]!; e !== -1; e = a.dictLink[e]!) {
      const pattern = a.out[e]!;
      const f = flags[pattern]!;
      const ns = pos - a.patternLength[pattern]!;
      if (f & PATTERN_LEFT_BOUNDARY && ns > 0 && isWordUnit(this.unitCode(ns - 1))) continue;
      if (f & PATTERN_ALLOW) this.allows.push({ ns, ne: pos });
      if (f & PATTERN_KEYWORD) {
        this.pending.push({ ns, ne: pos, pattern, needRight: (f & PATTERN_RIGHT_BOUNDARY) !== 0 });
      }
    }
    if (this.pending.length === 0) {
      this.allows.length = 0;
      return;
    }
    const horizon = pos - a.liveDepth[s]!;
    const still: Candidate[] = [];
    for (const c of this.pending) {
      if (c.pattern === -1) continue;
      if (c.needRight || c.ns >= horizon) {
        still.push(c);
      } else if (!this.suppressed(c)) {
        hits.push(this.toHit(c));
      }
    }
    this.pending = still;
    if (still.length === 0) this.allows.length = 0;
  }

  private suppressed(c: Candidate): boolean {
    if (c.pattern === -1) return true;
    for (const w of this.allows) if (w.ns <= c.ns && w.ne >= c.ne) return true;
    return false;
  }

  private toHit(c: Candidate): KeywordHit {
    return {
      start: this.unitStart(c.ns),
      end: this.unitEnd(c.ne - 1),
      pattern: c.pattern,
    };
  }
}

/** Normalised units of a whole text with their original ranges (a normaliser pass's buffers). */
export interface WholeUnits {
  readonly codes: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly length: number;
}

/**
 * The whole-text scan: the same hits as a `KeywordStreamScanner` fed the text in one chunk, without
 * the bookkeeping a stream needs. With the whole text at hand nothing has to wait: a right boundary is
 * the next unit (or the end), and a hit is suppressed exactly when an allow-listed occurrence covers it
 * (the stream's pending/horizon rules give that same answer, only incrementally). Candidates go to
 * reusable typed scratch arrays; hit objects are made once, at the end.
 *
 * One instance per matcher is reused across calls; it is not reentrant (the caller guards that).
 */
export class WholeTextScanner {
  private readonly t: ScanTables;
  private candNs: Int32Array = new Int32Array(256);
  private candNe: Int32Array = new Int32Array(256);
  private candPattern: Int32Array = new Int32Array(256);
  private allowNs: Int32Array = new Int32Array(16);
  private allowNe: Int32Array = new Int32Array(16);

  constructor(tables: ScanTables) {
    this.t = tables;
  }

  /** All hits of the units, sorted by start, end, pattern. */
  scan(units: WholeUnits): KeywordHit[] {
    const a = this.t.automaton;
    const { classOf, compact, nodes, out, dictLink, patternLength } = a;
    const next = advance;
    const flags = this.t.patternFlags;
    const { codes, length } = units;
    const stride = NODE_STRIDE;
    const emitAt = EMIT;
    const keywordOnly = PATTERN_KEYWORD;
    let candNs = this.candNs;
    let candNe = this.candNe;
    let candPattern = this.candPattern;
    let count = 0;
    let allowCount = 0;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = classOf[codes[i]!]!;
      if (c === 0) {
        s = 0;
        continue;
      }
      s = next(a, s, c);
      if (compact[2 * s + 1]! >= 0) continue;
      let e = nodes[s * stride + emitAt]!;
      const ne = i + 1;
      do {
        const pattern = out[e]!;
        const f = flags[pattern]!;
        const ns = ne - patternLength[pattern]!;
        e = dictLink[e]!;
        if (f !== keywordOnly) {
          if (f & PATTERN_LEFT_BOUNDARY && ns > 0 && isWordUnit(codes[ns - 1]!)) continue;
          if (f & PATTERN_ALLOW) {
            if (allowCount === this.allowNs.length) this.growAllows();
            this.allowNs[allowCount] = ns;
            this.allowNe[allowCount] = ne;
            allowCount++;
          }
          if ((f & PATTERN_KEYWORD) === 0) continue;
          if (f & PATTERN_RIGHT_BOUNDARY && ne < length && isWordUnit(codes[ne]!)) continue;
        }
        if (count === candNs.length) {
          this.growCandidates();
          candNs = this.candNs;
          candNe = this.candNe;
          candPattern = this.candPattern;
        }
        candNs[count] = ns;
        candNe[count] = ne;
        candPattern[count] = pattern;
        count++;
      } while (e !== -1);
    }
    return this.hits(units, count, allowCount);
  }

  /** Hit objects for the candidates no allow-listed occurrence covers, sorted. */
  private hits(units: WholeUnits, count: number, allowCount: number): KeywordHit[] {
    const { starts, ends } = units;
    const { candNs, candNe, candPattern, allowNs, allowNe } = this;
    const maxLength = this.t.maxPatternLength;
    const hits: KeywordHit[] = [];
    // Candidates and allows are both in order of their end: the first allow that can cover a
    // candidate only moves forward.
    let firstAllow = 0;
    for (let k = 0; k < count; k++) {
      const ns = candNs[k]!;
      const ne = candNe[k]!;
      if (allowCount !== 0) {
        while (firstAllow < allowCount && allowNe[firstAllow]! < ne) firstAllow++;
        let covered = false;
        for (let w = firstAllow; w < allowCount && allowNe[w]! - maxLength <= ns; w++) {
          if (allowNs[w]! <= ns) {
            covered = true;
            break;
          }
        }
        if (covered) continue;
      }
      hits.push({ start: starts[ns]!, end: ends[ne - 1]!, pattern: candPattern[k]! });
    }
    return sortNearlySorted(hits);
  }

  private growCandidates(): void {
    const size = this.candNs.length * 2;
    this.candNs = grow(this.candNs, size);
    this.candNe = grow(this.candNe, size);
    this.candPattern = grow(this.candPattern, size);
  }

  private growAllows(): void {
    const size = this.allowNs.length * 2;
    this.allowNs = grow(this.allowNs, size);
    this.allowNe = grow(this.allowNe, size);
  }
}

function grow(array: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(array);
  return bigger;
}

function hitBefore(x: KeywordHit, y: KeywordHit): boolean {
  return (
    x.start < y.start ||
    (x.start === y.start && (x.end < y.end || (x.end === y.end && x.pattern < y.pattern)))
  );
}

/**
 * Sorts hits by start, end, pattern. They come in order of their end, so each is only a few places
 * out of order: insertion sort, with a bounded amount of moving before it hands over to a full sort.
 */
function sortNearlySorted(hits: KeywordHit[]): KeywordHit[] {
  let budget = 16 * hits.length + 64;
  for (let i = 1; i < hits.length; i++) {
    const x = hits[i]!;
    let j = i - 1;
    if (!hitBefore(x, hits[j]!)) continue;
    do {
      hits[j + 1] = hits[j]!;
      j--;
      budget--;
    } while (j >= 0 && hitBefore(x, hits[j]!));
    hits[j + 1] = x;
    if (budget < 0) {
      return hits.sort((p, q) => p.start - q.start || p.end - q.end || p.pattern - q.pattern);
    }
  }
  return hits;
}
