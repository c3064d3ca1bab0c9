/**
 * Text normaliser with offsets: folds the trivial evasions (spacing, punctuation and emoji between
 * ideographs, traditional characters, full-width and stylised letters, look-alike letters, invisible
 * characters) so a keyword automaton can scan one canonical text, while every normalised code unit keeps
 * the [start, end) range of the original it came from.
 */
import { NormalizationPass } from './engine.js';
import { resolveNormalizeOptions, type ResolvedNormalizeOptions } from './options.js';
import { getFoldTable, type FoldTable } from './table.js';
import type { NormalizedChunk, NormalizedText, NormalizeOptions, NormalizerStream } from './types.js';

export type * from './types.js';
export { DEFAULT_NORMALIZE_OPTIONS, NO_NORMALIZE_OPTIONS, type ResolvedNormalizeOptions } from './options.js';
export { toOriginalRange, type OffsetMap } from './offsets.js';
export { getTraditionalTable, type TraditionalTable } from './traditional.js';

export interface Normalizer {
  readonly options: ResolvedNormalizeOptions;
  /** Normalises a whole text. The result owns its arrays. */
  normalize(text: string): NormalizedText;
  /** A fresh stream; chunks it returns are only valid until its next call. */
  stream(): NormalizerStream;
}

/** Builds the lookup tables for `options` once (shared with every normaliser using the same folding steps). */
export function createNormalizer(options?: NormalizeOptions): Normalizer {
  const resolved = resolveNormalizeOptions(options);
  const settings = {
    table: getFoldTable(resolved),
    skipSeparators: resolved.skipSeparators,
    collapseRepeats: resolved.collapseRepeats,
  };
  return {
    options: resolved,
    normalize(text: string): NormalizedText {
      const pass = new NormalizationPass(settings, text.length + 16);
      pass.feed(text);
      pass.finish();
      const length = pass.length;
      return {
        text: unitsToString(pass.codes, length),
        starts: pass.starts.subarray(0, length),
        ends: pass.ends.subarray(0, length),
      };
    },
    stream(): NormalizerStream {
      return new ChunkStream(new NormalizationPass(settings, 1024));
    },
  };
}

class ChunkStream implements NormalizerStream {
  constructor(private readonly pass: NormalizationPass) {}

  get consumed(): number {
    return this.pass.consumed;
  }

  push(chunk: string): NormalizedChunk {
    this.pass.length = 0;
    this.pass.feed(chunk);
    return this.view();
  }

  end(): NormalizedChunk {
    this.pass.length = 0;
    this.pass.finish();
    return this.view();
  }

  private view(): NormalizedChunk {
    const { codes, starts, ends, length } = this.pass;
    return {
      codes: codes.subarray(0, length),
      starts: starts.subarray(0, length),
      ends: ends.subarray(0, length),
      length,
    };
  }
}

let defaultNormalizer: Normalizer | undefined;

/** Normalises with a cached normaliser for the default options, or a one-off one for other options. */
export function normalize(text: string, options?: NormalizeOptions): NormalizedText {
  if (options === undefined) {
    defaultNormalizer ??= createNormalizer();
    return defaultNormalizer.normalize(text);
  }
  return createNormalizer(options).normalize(text);
}

/** The compiled table for `options` (build time, expansions), for diagnostics and benchmarks. */
export function foldTableFor(options?: NormalizeOptions): FoldTable {
  return getFoldTable(resolveNormalizeOptions(options));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf16Decoder = new TextDecoder('utf-16le');

/** Output never holds lone surrogates (they become U+FFFD), so decoding as UTF-16 is lossless. */
function unitsToString(codes: Uint16Array, length: number): string {
  if (length === 0) return '';
  if (LITTLE_ENDIAN) return utf16Decoder.decode(codes.subarray(0, length));
  let text = '';
  for (let at = 0; at < length; at += 8192) {
    text += String.fromCharCode(...codes.subarray(at, Math.min(length, at + 8192)));
  }
  return text;
}
