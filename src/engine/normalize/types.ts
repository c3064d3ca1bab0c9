/**
 * Contract of the normaliser. Every normalised UTF-16 code unit remembers the half-open range
 * [start, end) of the original text it came from, so a match found in normalised text can always be
 * reported (and highlighted, redacted) in what the user actually wrote.
 */

/** Which steps of the chain run. Every step defaults to on except `collapseRepeats`. */
export interface NormalizeOptions {
  /** NFKC compatibility folding: full-width → half-width, ligatures, ① → 1, ℌ → H … */
  width?: boolean;
  /** Unicode lower-casing (A → a, Σ → σ). */
  caseFold?: boolean;
  /** Traditional → simplified Chinese, character by character (opencc-js data). */
  traditional?: boolean;
  /** Drop zero-width characters, bidi controls, variation selectors, soft hyphens. */
  stripInvisible?: boolean;
  /** Drop separators, punctuation, symbols and emoji that sit between two CJK characters (赌*博 → 赌博). */
  skipSeparators?: boolean;
  /** Fold Cyrillic/Greek look-alikes, circled/parenthesised/stylised (math alphanumeric) letters and digits to ASCII. */
  homoglyphs?: boolean;
  /** Collapse runs of one character longer than this to this many (off by default; e.g. 2: 好好好好 → 好好). */
  collapseRepeats?: number | false;
}

/** Result of normalising a whole text. */
export interface NormalizedText {
  /** The normalised text. */
  readonly text: string;
  /** starts[i] = start offset in the original of the code unit(s) that produced text[i]. */
  readonly starts: Int32Array;
  /** ends[i] = exclusive end offset in the original of the code unit(s) that produced text[i]. */
  readonly ends: Int32Array;
}

/**
 * Output of one streaming step. The arrays are views into buffers the stream reuses: they are valid
 * only until the next call on the same stream. Offsets are absolute over everything pushed so far.
 */
export interface NormalizedChunk {
  readonly codes: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly length: number;
}

/**
 * A normaliser that keeps state across chunks (pending separators, a split surrogate pair, the last
 * character for repeat-collapse). Concatenating every chunk it emits for any chunking of a text gives
 * exactly `normalize(text)`.
 */
export interface NormalizerStream {
  push(chunk: string): NormalizedChunk;
  /** Flush what is still held back (e.g. trailing separators) at the end of the text. */
  end(): NormalizedChunk;
  /** Total original code units pushed so far. */
  readonly consumed: number;
}
