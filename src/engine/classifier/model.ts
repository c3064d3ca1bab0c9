/**
 * The classifier's model and its binary file format.
 *
 * A model is a linear scorer over hashed n-gram buckets with `H` outputs per bucket:
 * output 0 is the logit of "harmful" (offensive / discriminatory), outputs 1…T score the target topic
 * (a softmax; COLD's race / region / gender), which maps the harmful probability onto taxonomy
 * categories: P(A2d) = P(harmful) · P(topic = region | text). Weights are stored quantised to int8 with
 * one scale per output, interleaved by bucket (`weights[bucket · H + output]`) so one feature touches
 * one cache line. The harmful logit is calibrated with Platt scaling fitted on held-out scores.
 *
 *   "HGCL" | u32 version | u32 headerLength | header JSON (UTF-8) | pad to 8 | int8 weights
 *
 * The header carries the feature configuration, the normalisation options the model was trained with
 * (a model keeps its own, whatever the policy says), biases, scales, calibration, the topic → category
 * map, provenance and dev metrics, and a CRC-32 of the weights so a damaged file is refused.
 */
import { crc32 } from 'node:zlib';
import { HeguiError } from '../errors.js';
import type { NormalizeOptions } from '../normalize/index.js';
import { checkFeatureConfig, HASH_VERSION, type FeatureConfig } from './features.js';
import type { GroupClass } from './groups.js';

const MAGIC = 0x4c434748; // "HGCL" little-endian
export const MODEL_FORMAT_VERSION = 1;

/** How a text's summed weights are scaled by its number of n-grams `n`. */
export type LengthScaling = 'sqrt' | 'none';

export interface ModelTopic {
  /** Name in the training data (`race`, `region`, `gender`). */
  readonly name: string;
  /** Taxonomy code the harmful probability is attributed to for this topic (`A2a`, `A2d`, `A2e`). */
  readonly category: string;
}

/** Where a model came from; shown by `hegui train` and written into the model README. */
export interface ModelProvenance {
  readonly name: string;
  /** Training files (base names) and their licences. */
  readonly data: readonly string[];
  readonly license: string;
  readonly seed: number;
  readonly examples: number;
  /** Training options, for reproduction. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Metrics on the dev data, when there was any. */
  readonly dev?: Readonly<Record<string, number>>;
}

export interface ClassifierModel {
  readonly features: FeatureConfig;
  readonly scaling: LengthScaling;
  readonly normalize: Required<NormalizeOptions>;
  /** Outputs per bucket: 1 (harmful) + topics.length. */
  readonly outputs: number;
  /** Category for a harmful text when the model has no topics, or none applies. */
  readonly defaultCategory: string;
  readonly topics: readonly ModelTopic[];
  /** Group names masked by class before hashing (see groups.ts); empty = no masking. */
  readonly groups: readonly GroupClass[];
  /** `outputs` biases. */
  readonly bias: Float64Array;
  /** `outputs` dequantisation scales: weight = weights[i] · scale[output]. */
  readonly scale: Float64Array;
  /** `2^bits · outputs` quantised weights. */
  readonly weights: Int8Array;
  /** Platt scaling of the harmful logit: P = σ(a · logit + b). */
  readonly calibration: { readonly a: number; readonly b: number };
  readonly provenance: ModelProvenance;
}

interface Header {
  hashVersion: number;
  features: FeatureConfig;
  scaling: LengthScaling;
  normalize: Required<NormalizeOptions>;
  outputs: number;
  defaultCategory: string;
  topics: ModelTopic[];
  groups?: GroupClass[];
  bias: number[];
  scale: number[];
  calibration: { a: number; b: number };
  provenance: ModelProvenance;
  crc32: number;
}

/** Quantises float weights (`2^bits · outputs`, interleaved) to int8 with one scale per output. */
export function quantize(
  weights: Float32Array | Float64Array,
  outputs: number,
): { weights: Int8Array; scale: Float64Array } {
  const scale = new Float64Array(outputs);
  for (let i = 0; i < weights.length; i++) {
    const o = i % outputs;
    const a = Math.abs(weights[i]!);
    if (a > scale[o]!) scale[o] = a;
  }
  for (let o = 0; o < outputs; o++) scale[o] = scale[o]! > 0 ? scale[o]! / 127 : 1;
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.round(weights[i]! / scale[i % outputs]!);
  return { weights: q, scale };
}

export function serializeModel(model: ClassifierModel): Uint8Array {
  const header: Header = {
    hashVersion: HASH_VERSION,
    features: model.features,
    scaling: model.scaling,
    normalize: model.normalize,
    outputs: model.outputs,
    defaultCategory: model.defaultCategory,
    topics: [...model.topics],
    groups: [...model.groups],
    bias: [...model.bias],
    scale: [...model.scale],
    calibration: { ...model.calibration },
    provenance: model.provenance,
    crc32: crc32(model.weights),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(12 + json.length);
  const out = new Uint8Array(dataStart + model.weights.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, MODEL_FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(new Uint8Array(model.weights.buffer, model.weights.byteOffset, model.weights.length), dataStart);
  return out;
}

/**
 * Reads a model file. The weights are a view into `bytes` (no copy).
 * @throws HeguiError `library_format` if the file is not a model of this version or is damaged.
 */
export function deserializeModel(bytes: Uint8Array, where = 'model'): ClassifierModel {
  const fail = (reason: string): never => {
    throw new HeguiError('library_format', `not a usable classifier model: ${reason}`, where);
  };
  if (bytes.length < 12) fail('file too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail('bad magic (expected HGCL)');
  const version = view.getUint32(4, true);
  if (version !== MODEL_FORMAT_VERSION)
    fail(`format version ${version}, this build reads ${MODEL_FORMAT_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail('truncated header');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch {
    return fail('header is not JSON');
  }
  if (header.hashVersion !== HASH_VERSION)
    fail(`feature hashing v${header.hashVersion}, this build has v${HASH_VERSION}`);
  const problem = checkFeatureConfig(header.features);
  if (problem) fail(problem);
  const outputs = header.outputs;
  if (!Number.isInteger(outputs) || outputs < 1 || outputs !== 1 + header.topics.length)
    fail('outputs must be 1 + number of topics');
  if (header.bias.length !== outputs || header.scale.length !== outputs) fail('bias/scale length');
  const dataStart = align8(12 + headerLength);
  const count = (1 << header.features.bits) * outputs;
  if (dataStart + count !== bytes.length)
    fail(`expected ${count} weight bytes, file has ${bytes.length - dataStart}`);
  const weights = new Int8Array(bytes.buffer, bytes.byteOffset + dataStart, count);
  if (crc32(bytes.subarray(dataStart)) !== header.crc32) fail('CRC-32 mismatch (damaged file)');
  return {
    features: header.features,
    scaling: header.scaling,
    normalize: header.normalize,
    outputs,
    defaultCategory: header.defaultCategory,
    topics: header.topics,
    groups: header.groups ?? [],
    bias: Float64Array.from(header.bias),
    scale: Float64Array.from(header.scale),
    weights,
    calibration: header.calibration,
    provenance: header.provenance,
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
