/**
 * `hegui train --data <files> --out models/<name>.bin`: trains the harmful-content classifier,
 * deterministically for a seed, with a progress bar, and prints held-out metrics at the end.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { Classifier } from '../engine/classifier/classifier.js';
import { parseDataset, type DatasetFormat } from '../engine/classifier/datasets.js';
import { binaryMetrics, rocAuc, type BinaryMetrics } from '../engine/classifier/metrics.js';
import { DEFAULT_GROUPS } from '../engine/classifier/groups.js';
import { serializeModel, type ModelTopic } from '../engine/classifier/model.js';
import { DEFAULT_FEATURES, trainClassifier, type TrainExample } from '../engine/classifier/train.js';
import { HeguiError } from '../engine/errors.js';
import { isCategoryCode } from '../engine/taxonomy.js';
import { EXIT_ALLOW } from './errors.js';
import { decodeUtf8, readAll } from './input.js';

interface TrainCliOptions {
  data: string[];
  dev?: string[];
  out: string;
  seed: string;
  epochs: string;
  bits: string;
  maxN: string;
  folds: string;
  topics: string;
  name?: string;
  progress: boolean;
  groups: boolean;
}

/** COLD's topics and the discrimination categories they correspond to. */
export const COLD_TOPICS = 'race=A2a,region=A2d,gender=A2e';

/** Licence of each dataset format we recognise, written into the model's provenance. */
const LICENSES: Record<DatasetFormat, string> = {
  cold: 'Apache-2.0 (COLD, thu-coai/COLDataset)',
  'jade-alignment': 'MIT (JADE-DB, whitzard-ai/jade-db)',
  toxicn: 'CC BY-NC-ND 4.0 (ToxiCN) — research only, never ship',
  csv: 'see the data files',
  jsonl: 'see the data files',
};

export function registerTrain(program: Command, run: (work: () => Promise<number>) => void): void {
  program
    .command('train')
    .description('train the harmful-content classifier / 训练有害内容分类器')
    .requiredOption(
      '--data <files...>',
      'labelled files: COLD or ToxiCN CSV, JADE-DB v3 alignment CSV (safe answers as benign), CSV with text,label, or JSONL',
    )
    .requiredOption('-o, --out <file>', 'model file to write, e.g. models/my-model.bin')
    .option('--dev <files...>', 'labelled files for the final metrics (default: out-of-fold estimate)')
    .option('--seed <n>', 'random seed (same seed, same data → same model file)', '1')
    .option('--epochs <n>', 'passes over the data', '6')
    .option(
      '--bits <n>',
      'log2 of the hash buckets (model size = 2^bits × outputs bytes)',
      String(DEFAULT_FEATURES.bits),
    )
    .option('--max-n <n>', 'longest character n-gram', String(DEFAULT_FEATURES.maxN))
    .option('--folds <n>', 'folds for the out-of-fold calibration', '5')
    .option('--topics <list>', 'topic=category pairs for the per-category outputs ("" for none)', COLD_TOPICS)
    .option('--name <name>', 'model name (default: the output file name)')
    .option('--no-groups', 'do not mask group names (河南人, 黑人, 女性 …) by class before hashing')
    .option('--no-progress', 'no progress bar')
    .action((options: TrainCliOptions) => run(async () => train(options)));
}

async function readExamples(
  files: readonly string[],
): Promise<{ examples: TrainExample[]; formats: Set<DatasetFormat> }> {
  const examples: TrainExample[] = [];
  const formats = new Set<DatasetFormat>();
  for (const file of files) {
    const dataset = parseDataset(decodeText(await readAll(file), file), file);
    formats.add(dataset.format);
    examples.push(...dataset.examples);
  }
  return { examples, formats };
}

/** UTF-8, or GB18030 for files that are not UTF-8 (JADE-DB v3 ships GBK). */
function decodeText(bytes: Uint8Array, file: string): string {
  try {
    return decodeUtf8(bytes, file);
  } catch (err) {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    } catch {
      throw err;
    }
  }
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new HeguiError('usage', `--${name} must be an integer in ${min}…${max}, got ${value}`);
  return n;
}

export function parseTopics(spec: string): ModelTopic[] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((pair) => {
    const [name, category] = pair.split('=').map((s) => s.trim());
    if (!name || !category || !isCategoryCode(category))
      throw new HeguiError('usage', `--topics: expected topic=CATEGORY pairs, got "${pair}"`);
    return { name, category };
  });
}

async function train(options: TrainCliOptions): Promise<number> {
  const seed = integer(options.seed, 'seed', 0, 2 ** 32 - 1);
  const epochs = integer(options.epochs, 'epochs', 1, 100);
  const bits = integer(options.bits, 'bits', 12, 24);
  const maxN = integer(options.maxN, 'max-n', 1, 6);
  const folds = integer(options.folds, 'folds', 2, 20);
  const topics = parseTopics(options.topics);
  const { examples, formats } = await readExamples(options.data);
  if (examples.length < 2)
    throw new HeguiError('input_invalid', 'need at least two labelled texts', options.data.join(', '));
  if (formats.has('toxicn'))
    process.stderr.write(
      'hegui: warning: ToxiCN is CC BY-NC-ND 4.0: this model is for research only, never ship it\n',
    );

  const bar = options.progress
    ? new SingleBar(
        {
          format: '{stage} [{bar}] {percentage}% | {value}/{total}',
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  let stage = '';
  const started = Date.now();
  let oof: BinaryMetrics | undefined;
  let oofAuc = 0;
  const model = trainClassifier(examples, {
    features: { bits, minN: 1, maxN },
    epochs,
    calibrationFolds: folds,
    topics,
    groups: options.groups ? DEFAULT_GROUPS : [],
    seed,
    provenance: {
      name: options.name ?? basename(options.out).replace(/\.bin$/, ''),
      data: options.data.map((f) => basename(f)),
      license: [...formats].map((f) => LICENSES[f]).join('; '),
    },
    onProgress: (s, done, total) => {
      if (!bar) return;
      if (s !== stage) {
        if (stage) bar.stop();
        stage = s;
        bar.start(total, 0, { stage: s.padEnd(8) });
      }
      bar.update(done, { stage: s.padEnd(8) });
    },
    onOutOfFold: (p, labels) => {
      oof = binaryMetrics(
        Array.from(p, (x) => (x >= 0.5 ? 1 : 0)),
        labels,
      );
      oofAuc = rocAuc(p, labels);
    },
  });
  bar?.stop();
  const seconds = (Date.now() - started) / 1000;

  let dev: Record<string, number> | undefined;
  let devLine = '';
  if (options.dev && options.dev.length > 0) {
    const { examples: devExamples } = await readExamples(options.dev);
    const classifier = new Classifier(model);
    const scores = devExamples.map((e) => classifier.harmful(e.text));
    const m = binaryMetrics(
      scores.map((s) => (s >= 0.5 ? 1 : 0)),
      devExamples.map((e) => e.label),
    );
    dev = summary(
      m,
      rocAuc(
        scores,
        devExamples.map((e) => e.label),
      ),
    );
    devLine = `dev (${options.dev.map((f) => basename(f)).join(', ')}, ${devExamples.length} texts): ${format(dev)}`;
  }
  const final = dev ? { ...model, provenance: { ...model.provenance, dev } } : model;
  const bytes = serializeModel(final);
  writeFileSync(options.out, bytes);

  const out = process.stdout;
  out.write(
    `trained ${final.provenance.name} on ${examples.length} texts in ${seconds.toFixed(1)} s (seed ${seed})\n`,
  );
  out.write(`wrote ${options.out} (${(bytes.length / 1048576).toFixed(2)} MB)\n`);
  if (oof) out.write(`out-of-fold (${folds} folds): ${format(summary(oof, oofAuc))}\n`);
  if (devLine) out.write(devLine + '\n');
  return EXIT_ALLOW;
}

function summary(m: BinaryMetrics, auc: number): Record<string, number> {
  return {
    macroF1: round(m.macroF1),
    accuracy: round(m.accuracy),
    precision: round(m.positive.precision),
    recall: round(m.positive.recall),
    f1: round(m.positive.f1),
    auc: round(auc),
    tp: m.tp,
    fp: m.fp,
    tn: m.tn,
    fn: m.fn,
  };
}

function format(s: Record<string, number>): string {
  return `macro-F1 ${s.macroF1} · accuracy ${s.accuracy} · P ${s.precision} R ${s.recall} F1 ${s.f1} · AUC ${s.auc} · TP ${s.tp} FP ${s.fp} TN ${s.tn} FN ${s.fn}`;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
