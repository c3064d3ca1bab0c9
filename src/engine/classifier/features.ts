/**
 * Features of the classifier: hashed character n-grams over normalised text.
 *
 * The text is normalised with the engine's normaliser (full-width, case, traditional → simplified,
 * invisible characters, separators between ideographs, look-alike letters), framed by a start and an
 * end marker, and every run of 1…maxN consecutive UTF-16 code units is hashed into one of 2^bits
 * buckets. Chinese has no spaces, so character n-grams stand in for words: 1-grams carry single
 * ideographs, 2- and 3-grams most words and slurs, the markers let a text's first and last characters
 * count on their own (a comment that ends in 吗 or starts with 就这).
 *
 * Hashing is FNV-1a over the code units, seeded per n-gram length, finished with the MurmurHash3
 * avalanche; the top `bits` bits pick the bucket. It is part of the model format: changing it changes
 * every model, so `HASH_VERSION` is stored in each model file.
 */

/** Version of the feature hashing below, stored in model files. */
export const HASH_VERSION = 1;

/** Code unit standing for the start of the text (never produced by the normaliser). */
export const START_MARK = 0x0002;
/** Code unit standing for the end of the text. */
export const END_MARK = 0x0003;

/** Longest n-gram the extractor supports. */
export const MAX_NGRAM = 6;

const FNV_PRIME = 0x01000193;
/** Per-length seeds, so that (a) and (a, a)… never share a hash by construction. */
const SEEDS = new Int32Array([
  0x811c9dc5, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f, 0x165667b1, 0x61c88647,
]);

export interface FeatureConfig {
  /** log2 of the number of hash buckets (12…24). */
  readonly bits: number;
  /** Shortest n-gram (1…maxN). */
  readonly minN: number;
  /** Longest n-gram (minN…MAX_NGRAM). */
  readonly maxN: number;
}

/**
 * Writes the bucket of every n-gram of `codes[offset, offset + length)` (framed by the start and end
 * markers) into `out` from index 0 and returns how many were written. `out` must hold
 * `featureCount(length, config)` entries. Allocation-free.
 */
export function hashNgrams(
  codes: Uint16Array,
  length: number,
  config: FeatureConfig,
  out: Int32Array,
  offset = 0,
): number {
  const { minN, maxN } = config;
  const shift = 32 - config.bits;
  const total = length + 2;
  let written = 0;
  for (let end = 0; end < total; end++) {
    // n-grams ending at framed position `end`: positions end-n+1 … end.
    let h = 0;
    let n = 0;
    for (let at = end; at >= 0 && n < maxN; at--) {
      const unit = at === 0 ? START_MARK : at === total - 1 ? END_MARK : codes[offset + at - 1]!;
      n++;
      // FNV-1a over the n-gram read backwards; the seed of its length is mixed in at the end.
      h = Math.imul((n === 1 ? 0x811c9dc5 : h) ^ unit, FNV_PRIME);
      if (n < minN) continue;
      if (n === 1 && (unit === START_MARK || unit === END_MARK)) continue; // a bare marker says nothing
      out[written++] = fmix(h ^ SEEDS[n]!) >>> shift;
    }
  }
  return written;
}

/** Upper bound of the features `hashNgrams` writes for a text of `length` normalised code units. */
export function featureCount(length: number, config: Pick<FeatureConfig, 'maxN'>): number {
  return (length + 2) * config.maxN;
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Checks a feature configuration; returns a problem description or undefined. */
export function checkFeatureConfig(config: FeatureConfig): string | undefined {
  if (!Number.isInteger(config.bits) || config.bits < 12 || config.bits > 24)
    return `bits must be an integer in 12…24, got ${config.bits}`;
  if (!Number.isInteger(config.minN) || config.minN < 1) return `minN must be ≥ 1, got ${config.minN}`;
  if (!Number.isInteger(config.maxN) || config.maxN < config.minN || config.maxN > MAX_NGRAM)
    return `maxN must be in ${config.minN}…${MAX_NGRAM}, got ${config.maxN}`;
  return undefined;
}
