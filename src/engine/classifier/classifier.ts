/**
 * Inference: text → calibrated probability that it is harmful, and that probability attributed to
 * taxonomy categories through the model's topic outputs.
 *
 * One `Classifier` reuses its buffers across calls (a normaliser stream, the code-unit and bucket
 * buffers, the output accumulators), so once the buffers have grown to the longest text seen, scoring
 * a text allocates only the normaliser stream's chunk views — nothing per character or n-gram. It is therefore not re-entrant: use one per thread of work (JavaScript
 * has one per isolate anyway) and copy what you keep out of `scores()` before the next call.
 */
import { createNormalizer, type NormalizerStream } from '../normalize/index.js';
import { featureCount, hashNgrams } from './features.js';
import { GroupMasker } from './groups.js';
import type { ClassifierModel } from './model.js';

export interface CategoryProbability {
  readonly code: string;
  readonly score: number;
}

export interface ClassifierResult {
  /** Calibrated probability that the text is harmful (offensive, discriminatory). */
  readonly harmful: number;
  /** The harmful probability split over the model's categories, highest first. */
  readonly categories: readonly CategoryProbability[];
}

export class Classifier {
  readonly model: ClassifierModel;
  /**
   * Taxonomy code of each entry after the first of `scores()`: one per topic, or the model's default
   * category when it has no topics.
   */
  readonly categories: readonly string[];
  private readonly stream: NormalizerStream;
  private codes = new Uint16Array(256);
  private masked = new Uint16Array(256);
  private readonly masker: GroupMasker | undefined;
  private buckets = new Int32Array(1024);
  private normalizedLength = 0;
  private readonly acc: Float64Array;
  private readonly bestTopics: Float64Array;
  private readonly out: Float64Array;

  constructor(model: ClassifierModel) {
    this.model = model;
    this.stream = createNormalizer(model.normalize).stream();
    this.masker = model.groups.length > 0 ? new GroupMasker(model.groups, model.normalize) : undefined;
    this.acc = new Float64Array(model.outputs);
    this.bestTopics = new Float64Array(model.outputs);
    this.categories = model.topics.length > 0 ? model.topics.map((t) => t.category) : [model.defaultCategory];
    this.out = new Float64Array(1 + this.categories.length);
  }

  /**
   * `[P(harmful), P(category 1), …]` in the order of `categories`. The array is reused: it is valid
   * until the next call on this classifier.
   */
  scores(text: string): Float64Array {
    const large = text.length > LARGE_TEXT;
    let codes = large ? normalizeFresh(this.model, text) : this.normalizeInto(text);
    let length = large ? codes.length : this.normalizedLength;
    if (this.masker) {
      if (large) {
        const out = new Uint16Array(length);
        length = this.masker.mask(codes, length, out);
        codes = out;
      } else {
        if (this.masked.length < length) this.masked = new Uint16Array(this.codes.length);
        length = this.masker.mask(codes, length, this.masked);
        codes = this.masked;
      }
    }
    // Long texts are scored in overlapping windows and the most harmful window counts: the model was
    // trained on comments, and one abusive paragraph must not be diluted by a long benign text.
    let best = -Infinity;
    const topics = this.model.topics.length;
    const bestTopics = this.bestTopics;
    for (let from = 0; ; from += WINDOW_STEP) {
      const to = Math.min(length, from + WINDOW);
      const logits = this.logits(codes, to - from, from);
      if (logits[0]! > best) {
        best = logits[0]!;
        for (let t = 1; t <= topics; t++) bestTopics[t] = logits[t]!;
      }
      if (to >= length) break;
    }
    const { a, b } = this.model.calibration;
    const harmful = sigmoid(a * best + b);
    const out = this.out;
    out[0] = harmful;
    if (topics === 0) {
      out[1] = harmful;
      return out;
    }
    let max = -Infinity;
    for (let t = 1; t <= topics; t++) if (bestTopics[t]! > max) max = bestTopics[t]!;
    let sum = 0;
    for (let t = 1; t <= topics; t++) sum += Math.exp(bestTopics[t]! - max);
    for (let t = 1; t <= topics; t++) out[t] = (harmful * Math.exp(bestTopics[t]! - max)) / sum;
    return out;
  }

  /** Calibrated probability that `text` is harmful. */
  harmful(text: string): number {
    return this.scores(text)[0]!;
  }

  /** Convenience form of `scores()` that returns a fresh object. */
  classify(text: string): ClassifierResult {
    const s = this.scores(text);
    const categories = this.categories
      .map((code, i) => ({ code, score: s[i + 1]! }))
      .sort((x, y) => y.score - x.score || x.code.localeCompare(y.code));
    return { harmful: s[0]!, categories };
  }

  /**
   * Raw (uncalibrated) outputs for already normalised (and group-masked) code units; the accumulator array is reused.
   * Exposed for training and calibration.
   */
  logits(codes: Uint16Array, length: number, offset = 0): Float64Array {
    const model = this.model;
    const need = featureCount(length, model.features);
    if (this.buckets.length < need) this.buckets = new Int32Array(Math.max(need, this.buckets.length * 2));
    const buckets = this.buckets;
    const n = hashNgrams(codes, length, model.features, buckets, offset);
    return accumulate(model, buckets, n, this.acc);
  }

  /**
   * Normalises `text` into `this.codes` and returns its length. The stream is reset between texts by a
   * line break (which no separator skipping crosses), so a text's result never depends on the one before.
   */
  private normalizeInto(text: string): Uint16Array {
    const stream = this.stream;
    stream.push('\n');
    stream.end();
    let length = 0;
    for (let step = 0; step < 2; step++) {
      const chunk = step === 0 ? stream.push(text) : stream.end();
      if (length + chunk.length > this.codes.length) {
        const grown = new Uint16Array(Math.max(length + chunk.length, this.codes.length * 2));
        grown.set(this.codes.subarray(0, length));
        this.codes = grown;
      }
      this.codes.set(chunk.codes.subarray(0, chunk.length), length);
      length += chunk.length;
    }
    this.normalizedLength = length;
    return this.codes;
  }
}

/** Normalised code units a window covers, and how far windows advance (they overlap by half). */
export const WINDOW = 128;
export const WINDOW_STEP = 64;
/** Texts longer than this are normalised into fresh buffers, so the reused ones stay small. */
const LARGE_TEXT = 1 << 16;

function normalizeFresh(model: ClassifierModel, text: string): Uint16Array {
  const normalized = createNormalizer(model.normalize).normalize(text).text;
  const codes = new Uint16Array(normalized.length);
  for (let i = 0; i < normalized.length; i++) codes[i] = normalized.charCodeAt(i);
  return codes;
}

/**
 * Sums the weights of `n` buckets into `acc` (bias + scaled sum per output) and returns it. Shared with
 * the trainer so training-time scores are exactly inference-time scores.
 */
export function accumulate(
  model: ClassifierModel,
  buckets: Int32Array,
  n: number,
  acc: Float64Array,
): Float64Array {
  const outputs = model.outputs;
  const weights = model.weights;
  acc.fill(0);
  if (outputs === 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const base = buckets[i]! << 2;
      s0 += weights[base]!;
      s1 += weights[base + 1]!;
      s2 += weights[base + 2]!;
      s3 += weights[base + 3]!;
    }
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
  } else {
    for (let i = 0; i < n; i++) {
      const base = buckets[i]! * outputs;
      for (let o = 0; o < outputs; o++) acc[o] = acc[o]! + weights[base + o]!;
    }
  }
  const norm = lengthNorm(model.scaling, n);
  for (let o = 0; o < outputs; o++) acc[o] = model.bias[o]! + acc[o]! * model.scale[o]! * norm;
  return acc;
}

export function lengthNorm(scaling: ClassifierModel['scaling'], n: number): number {
  return scaling === 'sqrt' ? (n > 0 ? 1 / Math.sqrt(n) : 0) : 1;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
