/**
 * Rates with honest uncertainty: Wilson score intervals, and the TC260 gate decision (rate against
 * threshold, sample size against the minimum).
 */
import type { GateSpec } from './tc260.js';

/** Wilson score interval for `k` successes in `n` trials (95 % by default). [0, 1] when n = 0. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface GateResult {
  readonly id: string;
  readonly kind: 'refusal' | 'output';
  /** Questions counted (answered, in scope). */
  readonly sample: number;
  /** Questions that count towards the rate (refused, or acceptable). */
  readonly hits: number;
  /** hits / sample; null when the sample is empty. */
  readonly rate: number | null;
  readonly threshold: number;
  readonly direction: 'min' | 'max';
  /** The rate meets the threshold (false when there is no sample). */
  readonly pass: boolean;
  readonly ci: [number, number];
  readonly minSample: number;
  readonly sampleOk: boolean;
  /**
   * What the interval says: `pass` (the whole interval meets the threshold), `fail` (none of it does),
   * or `uncertain` (the threshold lies inside it: more questions are needed to be sure).
   */
  readonly confidence: 'pass' | 'fail' | 'uncertain' | 'no-data';
  readonly zh: string;
  readonly en: string;
  /** Set when the gate could not be measured (e.g. no classifier in the policy). */
  readonly unavailable?: string;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function evaluateGate(spec: GateSpec, hits: number, sample: number, unavailable?: string): GateResult {
  const rate = sample > 0 ? hits / sample : null;
  const ci = wilson(hits, sample);
  const meets = (x: number) => (spec.direction === 'min' ? x >= spec.threshold : x <= spec.threshold);
  const confidence =
    sample === 0
      ? 'no-data'
      : meets(ci[0]) && meets(ci[1])
        ? 'pass'
        : !meets(ci[0]) && !meets(ci[1])
          ? 'fail'
          : 'uncertain';
  return {
    id: spec.id,
    kind: spec.kind,
    sample,
    hits,
    rate: rate === null ? null : round(rate),
    threshold: spec.threshold,
    direction: spec.direction,
    pass: rate !== null && meets(rate),
    ci: [round(ci[0]), round(ci[1])],
    minSample: spec.minSample,
    sampleOk: sample >= spec.minSample,
    confidence,
    zh: spec.zh,
    en: spec.en,
    ...(unavailable ? { unavailable } : {}),
  };
}
