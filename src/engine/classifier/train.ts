/**
 * Training: NB-weighted logistic regression (NBSVM-style) for "harmful", a softmax for the target
 * topic, Platt calibration on out-of-fold scores. Pure (texts in, model out) and deterministic for a
 * seed: one thread, a seeded shuffle, float64 arithmetic in a fixed order.
 *
 * - Each text's n-gram buckets are hashed once (features.ts); a bucket counts once per occurrence and a
 *   text's sum is scaled by 1/√n (`scaling: 'sqrt'`) so long texts do not shout.
 * - NB weighting: feature values are multiplied by the log-count ratio r_b = log(p_b/‖p‖) − log(q_b/‖q‖)
 *   of the bucket in harmful vs benign texts (α-smoothed). Since r is fixed, the stored weight is w_b·r_b:
 *   inference pays nothing for it.
 * - Optimiser: AdaGrad on the logistic loss with L2, a few epochs over a seeded shuffle.
 * - Calibration: the harmful head is trained K times on K−1 folds; Platt's (a, b) are fitted on the
 *   held-out logits, then the final head is trained on everything.
 */
import { createNormalizer, type NormalizeOptions } from '../normalize/index.js';
import { accumulate, sigmoid } from './classifier.js';
import { checkFeatureConfig, featureCount, hashNgrams, type FeatureConfig } from './features.js';
import { GroupMasker, type GroupClass } from './groups.js';
import {
  quantize,
  type ClassifierModel,
  type LengthScaling,
  type ModelProvenance,
  type ModelTopic,
} from './model.js';

export interface TrainExample {
  readonly text: string;
  /** 1 = harmful, 0 = benign. */
  readonly label: 0 | 1;
  /** Target topic (one of `TrainOptions.topics`' names), if known. */
  readonly topic?: string;
}

export interface TrainOptions {
  readonly features?: FeatureConfig;
  readonly scaling?: LengthScaling;
  readonly normalize?: NormalizeOptions;
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  /** NB weighting of features (default true). */
  readonly nb?: boolean;
  /** Additive smoothing of the NB counts. */
  readonly nbAlpha?: number;
  /** Folds for the out-of-fold Platt calibration (≥ 2; default 5). */
  readonly calibrationFolds?: number;
  /** Topics with the category each maps to; examples with another or no topic train only "harmful". */
  readonly topics?: readonly ModelTopic[];
  /** Category of a harmful text when there are no topics. */
  readonly defaultCategory?: string;
  /** Group names to mask by class before hashing (groups.ts; default none). Stored in the model. */
  readonly groups?: readonly GroupClass[];
  readonly seed?: number;
  /** Provenance fields the caller knows (name, data, licence); the rest is filled in. */
  readonly provenance?: Partial<ModelProvenance>;
  /** Called as work proceeds: a stage name and done/total units. */
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  /**
   * Receives the calibrated out-of-fold probability of every example (each scored by a model that did
   * not see it) and the labels: an honest held-out estimate when there is no dev set.
   */
  readonly onOutOfFold?: (probabilities: Float64Array, labels: Uint8Array) => void;
}

export const DEFAULT_FEATURES: FeatureConfig = { bits: 20, minN: 1, maxN: 2 };

/** Hashed examples: the buckets of example i are `buckets[offsets[i], offsets[i+1])`. */
export interface EncodedExamples {
  readonly offsets: Int32Array;
  readonly buckets: Int32Array;
  readonly labels: Uint8Array;
  /** Topic index per example, −1 if none. */
  readonly topics: Int8Array;
}

export function encodeExamples(
  examples: readonly TrainExample[],
  features: FeatureConfig,
  normalize: NormalizeOptions | undefined,
  topics: readonly ModelTopic[],
  onProgress?: (done: number, total: number) => void,
  groups: readonly GroupClass[] = [],
): EncodedExamples {
  const normalizer = createNormalizer(normalize);
  const masker = groups.length > 0 ? new GroupMasker(groups, normalize ?? {}) : undefined;
  let masked = new Uint16Array(256);
  const offsets = new Int32Array(examples.length + 1);
  let buckets = new Int32Array(1 << 16);
  let size = 0;
  let codes = new Uint16Array(256);
  let scratch = new Int32Array(1024);
  const labels = new Uint8Array(examples.length);
  const topicIndex = new Int8Array(examples.length);
  const names = topics.map((t) => t.name);
  for (let i = 0; i < examples.length; i++) {
    const ex = examples[i]!;
    const text = normalizer.normalize(ex.text).text;
    if (codes.length < text.length) codes = new Uint16Array(text.length * 2);
    for (let k = 0; k < text.length; k++) codes[k] = text.charCodeAt(k);
    let length = text.length;
    let input = codes;
    if (masker) {
      if (masked.length < length) masked = new Uint16Array(length * 2);
      length = masker.mask(codes, length, masked);
      input = masked;
    }
    const need = featureCount(length, features);
    if (scratch.length < need) scratch = new Int32Array(need * 2);
    const n = hashNgrams(input, length, features, scratch);
    if (size + n > buckets.length) {
      const grown = new Int32Array(Math.max(size + n, buckets.length * 2));
      grown.set(buckets.subarray(0, size));
      buckets = grown;
    }
    buckets.set(scratch.subarray(0, n), size);
    size += n;
    offsets[i + 1] = size;
    labels[i] = ex.label;
    topicIndex[i] = ex.topic === undefined ? -1 : names.indexOf(ex.topic);
    if (onProgress && (i % 512 === 0 || i === examples.length - 1)) onProgress(i + 1, examples.length);
  }
  return { offsets, buckets: buckets.slice(0, size), labels, topics: topicIndex };
}

interface Hyper {
  features: FeatureConfig;
  scaling: LengthScaling;
  epochs: number;
  learningRate: number;
  l2: number;
  nb: boolean;
  nbAlpha: number;
}

/** Trains a model on `examples`. Deterministic for given examples and options. */
export function trainClassifier(
  examples: readonly TrainExample[],
  options: TrainOptions = {},
): ClassifierModel {
  const features = options.features ?? DEFAULT_FEATURES;
  const problem = checkFeatureConfig(features);
  if (problem) throw new RangeError(problem);
  if (examples.length < 2) throw new RangeError('need at least two examples');
  const topics = options.topics ?? [];
  const seed = options.seed ?? 1;
  const folds = options.calibrationFolds ?? 5;
  if (folds < 2) throw new RangeError('calibrationFolds must be ≥ 2');
  const hyper: Hyper = {
    features,
    scaling: options.scaling ?? 'sqrt',
    epochs: options.epochs ?? 6,
    learningRate: options.learningRate ?? 0.2,
    l2: options.l2 ?? 1e-6,
    nb: options.nb ?? true,
    nbAlpha: options.nbAlpha ?? 1,
  };
  const progress = options.onProgress ?? (() => {});
  const resolved = createNormalizer(options.normalize).options;
  const normalize = { ...resolved, collapseRepeats: resolved.collapseRepeats || (false as const) };
  const data = encodeExamples(
    examples,
    features,
    options.normalize,
    topics,
    (d, t) => progress('features', d, t),
    options.groups ?? [],
  );
  const n = examples.length;
  const rng = mulberry32(seed);

  // Out-of-fold logits for calibration.
  const order = shuffled(n, rng);
  const foldOf = new Int32Array(n);
  order.forEach((ex, k) => (foldOf[ex] = k % folds));
  const oof = new Float64Array(n);
  const totalSteps = (folds + 1) * hyper.epochs + (topics.length > 0 ? hyper.epochs : 0);
  let step = 0;
  const tick = () => progress('training', ++step, totalSteps);
  for (let f = 0; f < folds; f++) {
    const train = indicesWhere(n, (i) => foldOf[i] !== f);
    const head = trainHarmful(data, train, hyper, rng, tick);
    const model = assemble(hyper, normalize, [head.weights], [head.bias], [], options, 'A2i');
    const acc = new Float64Array(1);
    for (let i = 0; i < n; i++) {
      if (foldOf[i] !== f) continue;
      const b = data.buckets.subarray(data.offsets[i]!, data.offsets[i + 1]!);
      oof[i] = accumulate(model, b, b.length, acc)[0]!;
    }
  }
  const calibration = fitPlatt(oof, data.labels);
  if (options.onOutOfFold) {
    options.onOutOfFold(
      oof.map((z) => sigmoid(calibration.a * z + calibration.b)),
      data.labels,
    );
  }

  const all = indicesWhere(n, () => true);
  const head = trainHarmful(data, all, hyper, rng, tick);
  const topicHeads = topics.length > 0 ? trainTopics(data, topics.length, hyper, rng, tick) : undefined;
  const weightColumns = [head.weights, ...(topicHeads?.weights ?? [])];
  const biases = [head.bias, ...(topicHeads?.bias ?? [])];
  const model = assemble(
    hyper,
    normalize,
    weightColumns,
    biases,
    topics,
    options,
    options.defaultCategory ?? 'A2i',
  );
  return {
    ...model,
    calibration,
    provenance: {
      name: options.provenance?.name ?? 'model',
      data: options.provenance?.data ?? [],
      license: options.provenance?.license ?? 'unknown',
      seed,
      examples: n,
      options: {
        features,
        scaling: hyper.scaling,
        epochs: hyper.epochs,
        learningRate: hyper.learningRate,
        l2: hyper.l2,
        nb: hyper.nb,
        nbAlpha: hyper.nbAlpha,
        calibrationFolds: folds,
        ...(options.provenance?.options ?? {}),
      },
      ...(options.provenance?.dev ? { dev: options.provenance.dev } : {}),
    },
  };
}

/** Log-count ratios of every bucket in harmful vs benign examples among `rows`. */
function nbRatios(data: EncodedExamples, rows: Int32Array, buckets: number, alpha: number): Float64Array {
  const pos = new Float64Array(buckets).fill(alpha);
  const neg = new Float64Array(buckets).fill(alpha);
  let posTotal = alpha * buckets;
  let negTotal = alpha * buckets;
  for (const i of rows) {
    const target = data.labels[i] ? pos : neg;
    for (let k = data.offsets[i]!; k < data.offsets[i + 1]!; k++) target[data.buckets[k]!]!++;
    const count = data.offsets[i + 1]! - data.offsets[i]!;
    if (data.labels[i]) posTotal += count;
    else negTotal += count;
  }
  const r = new Float64Array(buckets);
  const shift = Math.log(negTotal / posTotal);
  for (let b = 0; b < buckets; b++) r[b] = Math.log(pos[b]! / neg[b]!) + shift;
  return r;
}

/** The harmful head: weights already multiplied by the NB ratios. */
function trainHarmful(
  data: EncodedExamples,
  rows: Int32Array,
  hyper: Hyper,
  rng: () => number,
  tick: () => void,
): { weights: Float64Array; bias: number } {
  const size = 1 << hyper.features.bits;
  const r = hyper.nb ? nbRatios(data, rows, size, hyper.nbAlpha) : new Float64Array(size).fill(1);
  const w = new Float64Array(size);
  const g2 = new Float64Array(size);
  let bias = 0;
  let biasG2 = 0;
  const { learningRate: lr, l2 } = hyper;
  const order = Int32Array.from(rows);
  for (let epoch = 0; epoch < hyper.epochs; epoch++) {
    shuffleInPlace(order, rng);
    for (const i of order) {
      const from = data.offsets[i]!;
      const to = data.offsets[i + 1]!;
      const norm = hyper.scaling === 'sqrt' ? (to > from ? 1 / Math.sqrt(to - from) : 0) : 1;
      let z = bias;
      for (let k = from; k < to; k++) {
        const b = data.buckets[k]!;
        z += w[b]! * r[b]! * norm;
      }
      const g = sigmoid(z) - data.labels[i]!;
      for (let k = from; k < to; k++) {
        const b = data.buckets[k]!;
        const grad = g * r[b]! * norm + l2 * w[b]!;
        g2[b] = g2[b]! + grad * grad;
        w[b] = w[b]! - (lr * grad) / Math.sqrt(g2[b]! + 1e-8);
      }
      biasG2 += g * g;
      bias -= (lr * g) / Math.sqrt(biasG2 + 1e-8);
    }
    tick();
  }
  for (let b = 0; b < size; b++) w[b] = w[b]! * r[b]!;
  return { weights: w, bias };
}

/** Softmax over topics for examples that have one; one weight column per topic. */
function trainTopics(
  data: EncodedExamples,
  topics: number,
  hyper: Hyper,
  rng: () => number,
  tick: () => void,
): { weights: Float64Array[]; bias: number[] } {
  const size = 1 << hyper.features.bits;
  const w = new Float64Array(size * topics);
  const g2 = new Float64Array(size * topics);
  const bias = new Float64Array(topics);
  const biasG2 = new Float64Array(topics);
  const z = new Float64Array(topics);
  const { learningRate: lr, l2 } = hyper;
  const order = indicesWhere(data.labels.length, (i) => data.topics[i]! >= 0);
  for (let epoch = 0; epoch < hyper.epochs; epoch++) {
    shuffleInPlace(order, rng);
    for (const i of order) {
      const from = data.offsets[i]!;
      const to = data.offsets[i + 1]!;
      const norm = hyper.scaling === 'sqrt' ? (to > from ? 1 / Math.sqrt(to - from) : 0) : 1;
      for (let t = 0; t < topics; t++) z[t] = bias[t]!;
      for (let k = from; k < to; k++) {
        const base = data.buckets[k]! * topics;
        for (let t = 0; t < topics; t++) z[t] = z[t]! + w[base + t]! * norm;
      }
      let max = -Infinity;
      for (let t = 0; t < topics; t++) max = Math.max(max, z[t]!);
      let sum = 0;
      for (let t = 0; t < topics; t++) sum += z[t] = Math.exp(z[t]! - max);
      const gold = data.topics[i]!;
      for (let t = 0; t < topics; t++) z[t] = z[t]! / sum - (t === gold ? 1 : 0); // gradient of the loss
      for (let k = from; k < to; k++) {
        const base = data.buckets[k]! * topics;
        for (let t = 0; t < topics; t++) {
          const at = base + t;
          const grad = z[t]! * norm + l2 * w[at]!;
          g2[at] = g2[at]! + grad * grad;
          w[at] = w[at]! - (lr * grad) / Math.sqrt(g2[at]! + 1e-8);
        }
      }
      for (let t = 0; t < topics; t++) {
        biasG2[t] = biasG2[t]! + z[t]! * z[t]!;
        bias[t] = bias[t]! - (lr * z[t]!) / Math.sqrt(biasG2[t]! + 1e-8);
      }
    }
    tick();
  }
  const columns: Float64Array[] = [];
  for (let t = 0; t < topics; t++) {
    const col = new Float64Array(size);
    for (let b = 0; b < size; b++) col[b] = w[b * topics + t]!;
    columns.push(col);
  }
  return { weights: columns, bias: [...bias] };
}

/** Interleaves the weight columns, quantises them and builds the model (calibration left identity). */
function assemble(
  hyper: Hyper,
  normalize: ClassifierModel['normalize'],
  columns: readonly Float64Array[],
  biases: readonly number[],
  topics: readonly ModelTopic[],
  options: TrainOptions,
  defaultCategory: string,
): ClassifierModel {
  const outputs = columns.length;
  const size = 1 << hyper.features.bits;
  const interleaved = new Float64Array(size * outputs);
  for (let o = 0; o < outputs; o++) {
    const col = columns[o]!;
    for (let b = 0; b < size; b++) interleaved[b * outputs + o] = col[b]!;
  }
  const { weights, scale } = quantize(interleaved, outputs);
  return {
    features: hyper.features,
    scaling: hyper.scaling,
    normalize,
    outputs,
    defaultCategory,
    topics: [...topics],
    groups: [...(options.groups ?? [])],
    bias: Float64Array.from(biases),
    scale,
    weights,
    calibration: { a: 1, b: 0 },
    provenance: {
      name: options.provenance?.name ?? 'model',
      data: [],
      license: '',
      seed: 0,
      examples: 0,
      options: {},
    },
  };
}

/**
 * Platt scaling: (a, b) minimising the log loss of σ(a·z + b) against Platt's smoothed targets, by
 * Newton's method on the two parameters.
 */
export function fitPlatt(logits: Float64Array, labels: Uint8Array): { a: number; b: number } {
  let positives = 0;
  for (const y of labels) positives += y;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i]!;
      const p = sigmoid(a * z + b);
      const d = p - (labels[i] ? hi : lo);
      const w = Math.max(p * (1 - p), 1e-12);
      ga += d * z;
      gb += d;
      haa += w * z * z;
      hab += w * z;
      hbb += w;
    }
    haa += 1e-9;
    hbb += 1e-9;
    const det = haa * hbb - hab * hab;
    if (det <= 0) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** Seeded PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n: number, rng: () => number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return shuffleInPlace(a, rng);
}

function shuffleInPlace(a: Int32Array, rng: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function indicesWhere(n: number, keep: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return Int32Array.from(out);
}
