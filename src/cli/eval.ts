/**
 * `hegui eval --data <files>`: how well the classifier and a policy's moderator separate labelled
 * texts (precision, recall, F1, macro-F1, accuracy, confusion) and what they cost per text.
 * The repository's full evaluation over the shared data sets is `npm run eval` (bench/eval.ts).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { assembleModerator } from '../engine/assemble.js';
import { Classifier } from '../engine/classifier/classifier.js';
import { parseDataset } from '../engine/classifier/datasets.js';
import { builtinModelPath, loadModel } from '../engine/classifier/load.js';
import { binaryMetrics, rocAuc, type BinaryMetrics } from '../engine/classifier/metrics.js';
import type { TrainExample } from '../engine/classifier/train.js';
import { HeguiError } from '../engine/errors.js';
import { EXIT_ALLOW } from './errors.js';
import { decodeUtf8, readAll } from './input.js';

interface EvalCliOptions {
  data: string[];
  model?: string;
  policy?: string;
  direction: string;
  threshold: string;
  format: string;
}

interface SystemResult {
  system: string;
  metrics: BinaryMetrics;
  auc?: number;
  medianMs: number;
  p99Ms: number;
}

export function registerEval(program: Command, run: (work: () => Promise<number>) => void): void {
  program
    .command('eval')
    .description('measure the classifier and a policy on labelled texts / 评测分类器与策略')
    .requiredOption('--data <files...>', 'labelled files: COLD or ToxiCN CSV, CSV with text,label, or JSONL')
    .option('-m, --model <file>', 'classifier model (default: the shipped one)')
    .option('-p, --policy <file>', 'policy YAML for the moderator (default: policies/cn-default.yaml)')
    .option('-d, --direction <direction>', 'input or output', 'output')
    .option('-t, --threshold <p>', 'classifier-only decision threshold', '0.5')
    .option('-f, --format <format>', 'text or json', 'text')
    .action((options: EvalCliOptions) => run(async () => evaluate(options)));
}

async function evaluate(options: EvalCliOptions): Promise<number> {
  if (options.direction !== 'input' && options.direction !== 'output')
    throw new HeguiError('usage', `--direction must be input or output, got ${options.direction}`);
  if (options.format !== 'text' && options.format !== 'json')
    throw new HeguiError('usage', `--format must be text or json, got ${options.format}`);
  const threshold = Number(options.threshold);
  if (!(threshold >= 0 && threshold <= 1))
    throw new HeguiError('usage', `--threshold must be in 0…1, got ${options.threshold}`);
  const direction = options.direction;
  const examples: TrainExample[] = [];
  for (const file of options.data) {
    examples.push(...parseDataset(decodeUtf8(await readAll(file), file), file).examples);
  }
  if (examples.length === 0)
    throw new HeguiError('input_invalid', 'no labelled texts', options.data.join(', '));
  const gold = examples.map((e) => e.label);

  const classifier = new Classifier(loadModel(options.model ?? builtinModelPath()));
  const { moderator } = assembleModerator({
    ...(options.policy ? { policy: options.policy } : {}),
    classifier,
  });

  const results: SystemResult[] = [];
  {
    const scores: number[] = [];
    const times = timed(examples, (text) => scores.push(classifier.harmful(text)));
    results.push({
      system: `classifier (p ≥ ${threshold})`,
      metrics: binaryMetrics(
        scores.map((p) => (p >= threshold ? 1 : 0)),
        gold,
      ),
      auc: rocAuc(scores, gold),
      ...times,
    });
  }
  {
    const flagged: number[] = [];
    const times = timed(examples, (text) => {
      const action = moderator.moderate(text, { direction }).action;
      flagged.push(action === 'block' || action === 'review' ? 1 : 0);
    });
    results.push({
      system: `policy ${moderator.policyVersion} (${direction}; block or review)`,
      metrics: binaryMetrics(flagged, gold),
      ...times,
    });
  }

  const out = process.stdout;
  if (options.format === 'json') {
    out.write(
      JSON.stringify({ data: options.data.map((f) => basename(f)), texts: examples.length, results }) + '\n',
    );
    return EXIT_ALLOW;
  }
  out.write(`${examples.length} texts from ${options.data.map((f) => basename(f)).join(', ')}\n`);
  for (const r of results) {
    const m = r.metrics;
    out.write(
      `${r.system}\n  macro-F1 ${f3(m.macroF1)} · accuracy ${f3(m.accuracy)} · P ${f3(m.positive.precision)} ` +
        `R ${f3(m.positive.recall)} F1 ${f3(m.positive.f1)}${r.auc === undefined ? '' : ` · AUC ${f3(r.auc)}`}\n` +
        `  TP ${m.tp} FP ${m.fp} TN ${m.tn} FN ${m.fn} · median ${r.medianMs.toFixed(4)} ms, p99 ${r.p99Ms.toFixed(4)} ms per text\n`,
    );
  }
  return EXIT_ALLOW;
}

function timed(
  examples: readonly TrainExample[],
  fn: (text: string) => void,
): { medianMs: number; p99Ms: number } {
  const times = new Float64Array(examples.length);
  examples.forEach((e, i) => {
    const t = performance.now();
    fn(e.text);
    times[i] = performance.now() - t;
  });
  times.sort();
  return {
    medianMs: times[times.length >> 1]!,
    p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
  };
}

function f3(x: number): string {
  return x.toFixed(3);
}
