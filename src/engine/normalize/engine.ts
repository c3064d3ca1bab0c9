/**
 * The single pass: per code unit one table lookup (see table.ts), plus the context steps with a few
 * words of state — separators held back after a CJK character until the next non-separator decides
 * their fate, a high surrogate split off by a chunk boundary, and the repeat collapser.
 *
 * Output goes to growable typed buffers. A pass appends with `feed`; the owner decides whether the
 * buffers are handed out for good (whole-text normalize) or rewound and reused (stream chunks).
 */
import { RepeatCollapser } from './repeats.js';
import { CharClass } from './separators.js';
import * as entryLayout from './table.js';
import type { FoldTable } from './table.js';

// Module-local copies: some loaders (tsx, vite-node) turn imported bindings into getter calls, which
// would cost more than the rest of the hot loop together.
const { CLASS_MASK, CLASS_SHIFT, DROPPED, EXPANDS, HIGH_SURROGATE, KEEP_PAIR, SLOW_PATH, VALUE_MASK } =
  entryLayout;
const CJK: number = CharClass.CJK;
const SEPARATOR: number = CharClass.Separator;
const REPLACEMENT = 0xfffd;
const NO_UNIT = -1;
/** Room kept beyond the counted worst case (a held high surrogate, a pair completed across chunks). */
const SLACK = 4;

export interface PassSettings {
  readonly table: FoldTable;
  readonly skipSeparators: boolean;
  /** 0 = off. */
  readonly collapseRepeats: number;
}

export class NormalizationPass {
  codes: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Units written to the output buffers. */
  length = 0;
  /** Original code units fed so far. */
  consumed = 0;

  private pendingCodes: Uint16Array;
  private pendingStarts: Int32Array;
  private pendingEnds: Int32Array;
  private pendingLength = 0;
  /** True when separators that follow now must be held back: the last kept character was CJK. */
  private afterCJK = false;
  private heldHigh = NO_UNIT;
  private heldAt = 0;
  private readonly bmp: Uint32Array;
  private readonly table: FoldTable;
  private readonly skipSeparators: boolean;
  private readonly collapser: RepeatCollapser | undefined;

  constructor(settings: PassSettings, initialCapacity: number) {
    this.table = settings.table;
    this.bmp = settings.table.bmp;
    this.skipSeparators = settings.skipSeparators;
    this.collapser = settings.collapseRepeats > 0 ? new RepeatCollapser(settings.collapseRepeats) : undefined;
    const capacity = Math.max(16, initialCapacity);
    this.codes = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.pendingCodes = new Uint16Array(16);
    this.pendingStarts = new Int32Array(16);
    this.pendingEnds = new Int32Array(16);
  }

  feed(chunk: string): void {
    const n = chunk.length;
    const base = this.consumed;
    this.consumed += n;
    if (n === 0) return;
    this.reserve(n + SLACK);
    let i = 0;
    if (this.heldHigh !== NO_UNIT) {
      const high = this.heldHigh;
      this.heldHigh = NO_UNIT;
      const next = chunk.charCodeAt(0);
      if (next >= 0xdc00 && next <= 0xdfff) {
        this.astral(high, next, this.heldAt, n);
        i = 1;
      } else {
        this.token(SEPARATOR, REPLACEMENT, NO_UNIT, this.heldAt, this.heldAt + 1);
      }
    }
    this.loop(chunk, i, base);
  }

  /** End of text: a dangling high surrogate becomes U+FFFD, held-back separators are kept. */
  finish(): void {
    this.reserve(SLACK);
    if (this.heldHigh !== NO_UNIT) {
      this.heldHigh = NO_UNIT;
      this.token(SEPARATOR, REPLACEMENT, NO_UNIT, this.heldAt, this.heldAt + 1);
    }
    this.flushPending();
    this.afterCJK = false;
  }

  /** The hot loop; everything unusual leaves it through `slow`. */
  private loop(chunk: string, from: number, base: number): void {
    const bmp = this.bmp;
    const collapser = this.collapser;
    const skip = this.skipSeparators;
    const n = chunk.length;
    let codes = this.codes;
    let starts = this.starts;
    let ends = this.ends;
    let pendingCodes = this.pendingCodes;
    let pendingStarts = this.pendingStarts;
    let pendingEnds = this.pendingEnds;
    let out = this.length;
    let pending = this.pendingLength;
    let afterCJK = this.afterCJK;
    for (let i = from; i < n; i++) {
      const unit = chunk.charCodeAt(i);
      const entry = bmp[unit] as number;
      const at = base + i;
      if ((entry & SLOW_PATH) === 0) {
        const cls = (entry >>> CLASS_SHIFT) & CLASS_MASK;
        if (cls === SEPARATOR) {
          if (afterCJK) {
            pendingCodes[pending] = entry;
            pendingStarts[pending] = at;
            pendingEnds[pending] = at + 1;
            pending++;
            continue;
          }
        } else {
          if (pending !== 0) {
            if (cls === CJK) {
              pending = 0;
            } else {
              this.length = out;
              this.pendingLength = pending;
              this.flushPending();
              out = this.length;
              pending = 0;
            }
          }
          afterCJK = skip && cls === CJK;
        }
        if (collapser === undefined || collapser.accept(entry & VALUE_MASK)) {
          codes[out] = entry;
          starts[out] = at;
          ends[out] = at + 1;
          out++;
        }
      } else {
        this.length = out;
        this.pendingLength = pending;
        this.afterCJK = afterCJK;
        i = this.slow(entry, chunk, i, base);
        out = this.length;
        pending = this.pendingLength;
        afterCJK = this.afterCJK;
        codes = this.codes;
        starts = this.starts;
        ends = this.ends;
        pendingCodes = this.pendingCodes;
        pendingStarts = this.pendingStarts;
        pendingEnds = this.pendingEnds;
      }
    }
    this.length = out;
    this.pendingLength = pending;
    this.afterCJK = afterCJK;
  }

  /** Handles unit `i` whose entry is not a plain one; returns the index of the last unit it consumed. */
  private slow(entry: number, chunk: string, i: number, base: number): number {
    const at = base + i;
    if (entry & HIGH_SURROGATE) {
      if (i + 1 === chunk.length) {
        this.heldHigh = chunk.charCodeAt(i);
        this.heldAt = at;
        return i;
      }
      const next = chunk.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        this.astral(chunk.charCodeAt(i), next, at, chunk.length - i);
        return i + 1;
      }
      this.token(SEPARATOR, REPLACEMENT, NO_UNIT, at, at + 1);
      return i;
    }
    this.apply(entry, chunk.charCodeAt(i), NO_UNIT, at, at + 1, chunk.length - i);
    return i;
  }

  /** `remaining`: input units of this chunk not yet consumed, for sizing the buffers. */
  private astral(high: number, low: number, at: number, remaining: number): void {
    const codePoint = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
    this.apply(this.table.astral(codePoint), high, low, at, at + 2, remaining);
  }

  /** Emits what a (non-surrogate-pending) table entry says for the source character [start, end). */
  private apply(
    entry: number,
    unit: number,
    low: number,
    start: number,
    end: number,
    remaining: number,
  ): void {
    if (entry & DROPPED) return;
    const cls = (entry >>> CLASS_SHIFT) & CLASS_MASK;
    if (entry & KEEP_PAIR) {
      this.token(cls, unit, low, start, end);
      return;
    }
    if (entry & EXPANDS) {
      const expansion = this.table.expansions[entry & VALUE_MASK];
      if (expansion === undefined) return;
      this.reserve(expansion.units.length + remaining + SLACK);
      const { units, unitStarts, classes } = expansion;
      for (let k = 0; k < classes.length; k++) {
        const first = unitStarts[k] as number;
        const second = first + 1 < (unitStarts[k + 1] as number) ? (units[first + 1] as number) : NO_UNIT;
        this.token(classes[k] as number, units[first] as number, second, start, end);
      }
      return;
    }
    this.token(cls, entry & VALUE_MASK, NO_UNIT, start, end);
  }

  /** One output character (one unit, or a surrogate pair when `second` is set) through the context steps. */
  private token(cls: number, first: number, second: number, start: number, end: number): void {
    if (cls === SEPARATOR) {
      if (this.afterCJK) {
        this.hold(first, start, end);
        if (second !== NO_UNIT) this.hold(second, start, end);
        return;
      }
    } else {
      if (this.pendingLength !== 0) {
        if (cls === CJK) this.pendingLength = 0;
        else this.flushPending();
      }
      this.afterCJK = this.skipSeparators && cls === CJK;
    }
    this.emit(first, second, start, end);
  }

  private hold(unit: number, start: number, end: number): void {
    const p = this.pendingLength++;
    this.pendingCodes[p] = unit;
    this.pendingStarts[p] = start;
    this.pendingEnds[p] = end;
  }

  private emit(first: number, second: number, start: number, end: number): void {
    if (this.collapser !== undefined) {
      const codePoint = second === NO_UNIT ? first : 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
      if (!this.collapser.accept(codePoint)) return;
    }
    let o = this.length;
    this.codes[o] = first;
    this.starts[o] = start;
    this.ends[o] = end;
    o++;
    if (second !== NO_UNIT) {
      this.codes[o] = second;
      this.starts[o] = start;
      this.ends[o] = end;
      o++;
    }
    this.length = o;
  }

  /** The held-back separators turned out not to sit between two CJK characters: keep them. */
  private flushPending(): void {
    const count = this.pendingLength;
    this.pendingLength = 0;
    const codes = this.pendingCodes;
    for (let p = 0; p < count; p++) {
      const unit = codes[p] as number;
      const start = this.pendingStarts[p] as number;
      const end = this.pendingEnds[p] as number;
      // Lone surrogates never reach here (they became U+FFFD), so a high one always starts a pair.
      if (unit >= 0xd800 && unit <= 0xdbff && p + 1 < count) {
        this.emit(unit, codes[p + 1] as number, start, end);
        p++;
      } else {
        this.emit(unit, NO_UNIT, start, end);
      }
    }
  }

  /** Makes room for `units` more output units on top of everything already written or held. */
  private reserve(units: number): void {
    const outNeeded = this.length + this.pendingLength + units;
    if (outNeeded > this.codes.length) {
      const capacity = Math.max(outNeeded, this.codes.length * 2);
      this.codes = grow(this.codes, new Uint16Array(capacity), this.length);
      this.starts = grow(this.starts, new Int32Array(capacity), this.length);
      this.ends = grow(this.ends, new Int32Array(capacity), this.length);
    }
    const pendingNeeded = this.pendingLength + units;
    if (pendingNeeded > this.pendingCodes.length) {
      const capacity = Math.max(pendingNeeded, this.pendingCodes.length * 2);
      this.pendingCodes = grow(this.pendingCodes, new Uint16Array(capacity), this.pendingLength);
      this.pendingStarts = grow(this.pendingStarts, new Int32Array(capacity), this.pendingLength);
      this.pendingEnds = grow(this.pendingEnds, new Int32Array(capacity), this.pendingLength);
    }
  }
}

function grow<T extends Uint16Array | Int32Array>(old: T, fresh: T, used: number): T {
  fresh.set(old.subarray(0, used));
  return fresh;
}
