/** Binary classification metrics: confusion, per-class precision / recall / F1, macro-F1, accuracy. */

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface BinaryMetrics {
  /** Confusion counts with 1 = harmful as the positive class. */
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly accuracy: number;
  /** The harmful class (1). */
  readonly positive: ClassMetrics;
  /** The benign class (0). */
  readonly negative: ClassMetrics;
  /** Mean of the two classes' F1. */
  readonly macroF1: number;
}

/** Metrics of predictions against gold labels (both 0/1 or boolean, same length). */
export function binaryMetrics(
  predicted: ArrayLike<number | boolean>,
  gold: ArrayLike<number | boolean>,
): BinaryMetrics {
  if (predicted.length !== gold.length) throw new RangeError('predicted and gold differ in length');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    const p = Boolean(predicted[i]);
    const g = Boolean(gold[i]);
    if (p && g) tp++;
    else if (p) fp++;
    else if (g) fn++;
    else tn++;
  }
  const positive = classMetrics(tp, fp, fn);
  const negative = classMetrics(tn, fn, fp);
  const total = tp + fp + tn + fn;
  return {
    tp,
    fp,
    tn,
    fn,
    accuracy: total > 0 ? (tp + tn) / total : 0,
    positive,
    negative,
    macroF1: (positive.f1 + negative.f1) / 2,
  };
}

function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

/** Area under the ROC curve of `scores` for gold labels (ties count half). */
export function rocAuc(scores: ArrayLike<number>, gold: ArrayLike<number | boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let positives = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (gold[order[k]!]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
