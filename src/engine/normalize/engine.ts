/**
 * The single pass: per code unit one table lookup (see table.ts), plus the context steps with a few
 * words of state.
 *
 * Separator skipping is done by rewinding rather than by buffering: a separator run that follows a CJK
 * character is written to the output provisionally and `holdFrom` remembers where it began; if the next
 * non-separator is CJK the output is rewound to `holdFrom`, otherwise the run simply stays. Every unit is
 * thus stored once, straight away, which keeps the hot loop short. A stream cannot take back what it has
 * already handed out, so a run still undecided at the end of a chunk is moved to a small carry buffer and
 * put back in front of the next chunk's output.
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
const NOT_HOLDING = -1;
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
  /** Units written to the output buffers (the undecided separator run of a stream excluded). */
  length = 0;
  /** Original code units fed so far. */
  consumed = 0;

  /** Output index where the separator run that follows a CJK character begins, or NOT_HOLDING. */
  private holdFrom = NOT_HOLDING;
  /** The last kept non-separator was CJK (and skipping is on): separators now are held. */
  private afterCJK = false;
  private carryCodes = new Uint16Array(16);
  private carryStarts = new Int32Array(16);
  private carryEnds = new Int32Array(16);
  private carryLength = 0;
  private heldHigh = NO_UNIT;
  private heldAt = 0;
  private readonly bmp: Uint32Array;
  private readonly table: FoldTable;
  private readonly skipSeparators: boolean;
  private collapser: RepeatCollapser | undefined;
  private readonly collapseLimit: number;

  constructor(settings: PassSettings, initialCapacity: number) {
    this.table = settings.table;
    this.bmp = settings.table.bmp;
    this.skipSeparators = settings.skipSeparators;
    this.collapseLimit = settings.collapseRepeats;
    this.collapser = settings.collapseRepeats > 0 ? new RepeatCollapser(settings.collapseRepeats) : undefined;
    const capacity = Math.max(16, initialCapacity);
    this.codes = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  /** Back to the state of a fresh pass (buffers kept), so one pass can serve many whole-text scans. */
  reset(): void {
    this.length = 0;
    this.consumed = 0;
    this.holdFrom = NOT_HOLDING;
    this.afterCJK = false;
    this.carryLength = 0;
    this.heldHigh = NO_UNIT;
    this.heldAt = 0;
    if (this.collapser !== undefined) this.collapser = new RepeatCollapser(this.collapseLimit);
  }

  /** Capacity of the output buffers, in units. */
  get capacity(): number {
    return this.codes.length;
  }

  /** Appends the normalised form of `chunk`; an undecided trailing separator run is kept back. */
  feed(chunk: string): void {
    const n = chunk.length;
    const base = this.consumed;
    this.consumed += n;
    this.reserve(this.carryLength + n + SLACK);
    this.restoreCarry();
    let i = 0;
    if (this.heldHigh !== NO_UNIT && n > 0) {
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
    if (this.collapser === undefined) this.loop(chunk, i, base);
    else this.loopWithCollapse(chunk, i, base);
    this.stashCarry();
  }

  /** End of text: a dangling high surrogate becomes U+FFFD, a held separator run is kept. */
  finish(): void {
    this.reserve(this.carryLength + SLACK);
    this.restoreCarry();
    if (this.heldHigh !== NO_UNIT) {
      this.heldHigh = NO_UNIT;
      this.token(SEPARATOR, REPLACEMENT, NO_UNIT, this.heldAt, this.heldAt + 1);
    }
    this.holdFrom = NOT_HOLDING;
    this.afterCJK = false;
  }

  /** The hot loop (no repeat collapse); everything unusual leaves it through `slow`. */
  private loop(chunk: string, from: number, base: number): void {
    const bmp = this.bmp;
    const skip = this.skipSeparators;
    const n = chunk.length;
    let codes = this.codes;
    let starts = this.starts;
    let ends = this.ends;
    let out = this.length;
    let holdFrom = this.holdFrom;
    let afterCJK = this.afterCJK;
    for (let i = from; i < n; i++) {
      const entry = bmp[chunk.charCodeAt(i)] as number;
      const at = base + i;
      if ((entry & SLOW_PATH) === 0) {
        const cls = (entry >>> CLASS_SHIFT) & CLASS_MASK;
        if (cls === CJK) {
          if (holdFrom !== NOT_HOLDING) {
            out = holdFrom;
            holdFrom = NOT_HOLDING;
          }
          afterCJK = skip;
        } else if (cls === SEPARATOR) {
          if (afterCJK && holdFrom === NOT_HOLDING) holdFrom = out;
        } else {
          holdFrom = NOT_HOLDING;
          afterCJK = false;
        }
        codes[out] = entry;
        starts[out] = at;
        ends[out] = at + 1;
        out++;
      } else {
        this.length = out;
        this.holdFrom = holdFrom;
        this.afterCJK = afterCJK;
        i = this.slow(entry, chunk, i, base);
        out = this.length;
        holdFrom = this.holdFrom;
        afterCJK = this.afterCJK;
        codes = this.codes;
        starts = this.starts;
        ends = this.ends;
      }
    }
    this.length = out;
    this.holdFrom = holdFrom;
    this.afterCJK = afterCJK;
  }

  /** Same as `loop`, one token at a time through `token`, which also consults the repeat collapser. */
  private loopWithCollapse(chunk: string, from: number, base: number): void {
    const bmp = this.bmp;
    for (let i = from; i < chunk.length; i++) {
      const entry = bmp[chunk.charCodeAt(i)] as number;
      if ((entry & SLOW_PATH) === 0) {
        const at = base + i;
        this.token((entry >>> CLASS_SHIFT) & CLASS_MASK, entry & VALUE_MASK, NO_UNIT, at, at + 1);
      } else {
        i = this.slow(entry, chunk, i, base);
      }
    }
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

  /** Emits what a table entry says for the source character [start, end). */
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
    if (cls === CJK) {
      if (this.holdFrom !== NOT_HOLDING) {
        this.length = this.holdFrom;
        this.holdFrom = NOT_HOLDING;
        this.collapser?.rewind();
      }
      this.afterCJK = this.skipSeparators;
    } else if (cls === SEPARATOR) {
      if (this.afterCJK && this.holdFrom === NOT_HOLDING) {
        this.holdFrom = this.length;
        this.collapser?.mark();
      }
    } else {
      this.holdFrom = NOT_HOLDING;
      this.afterCJK = false;
    }
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

  /** Moves the undecided separator run out of the output, to be put back by the next feed/finish. */
  private stashCarry(): void {
    if (this.holdFrom === NOT_HOLDING) return;
    const count = this.length - this.holdFrom;
    if (count > this.carryCodes.length) {
      const capacity = Math.max(count, this.carryCodes.length * 2);
      this.carryCodes = new Uint16Array(capacity);
      this.carryStarts = new Int32Array(capacity);
      this.carryEnds = new Int32Array(capacity);
    }
    this.carryCodes.set(this.codes.subarray(this.holdFrom, this.length));
    this.carryStarts.set(this.starts.subarray(this.holdFrom, this.length));
    this.carryEnds.set(this.ends.subarray(this.holdFrom, this.length));
    this.carryLength = count;
    this.length = this.holdFrom;
    this.holdFrom = NOT_HOLDING;
  }

  /** Puts a stashed run back at the end of the output and resumes holding it. Capacity must be reserved. */
  private restoreCarry(): void {
    if (this.carryLength === 0) return;
    const at = this.length;
    const count = this.carryLength;
    this.codes.set(this.carryCodes.subarray(0, count), at);
    this.starts.set(this.carryStarts.subarray(0, count), at);
    this.ends.set(this.carryEnds.subarray(0, count), at);
    this.length = at + count;
    this.holdFrom = at;
    this.carryLength = 0;
  }

  /** Makes room for `units` more output units after what is already written. */
  private reserve(units: number): void {
    const needed = this.length + units;
    if (needed <= this.codes.length) return;
    const capacity = Math.max(needed, this.codes.length * 2);
    this.codes = grow(this.codes, new Uint16Array(capacity), this.length);
    this.starts = grow(this.starts, new Int32Array(capacity), this.length);
    this.ends = grow(this.ends, new Int32Array(capacity), this.length);
  }
}

function grow<T extends Uint16Array | Int32Array>(old: T, fresh: T, used: number): T {
  fresh.set(old.subarray(0, used));
  return fresh;
}
