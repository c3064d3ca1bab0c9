/**
 * `hegui corpus scan <dir|jsonl|txt…> --sample 4000 --seed S`: the TC260-003 §9.2 corpus check —
 * qualified rate by detector and category, sources over the 5 % rule, examples; the sample can be
 * exported for the manual check.
 */
import { createWriteStream } from 'node:fs';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { assembleModerator } from '../engine/assemble.js';
import { HeguiError } from '../engine/errors.js';
import { scanCorpus, type CorpusReport } from '../assess/corpus.js';
import { EXIT_ALLOW, EXIT_FLAGGED } from './errors.js';

interface ScanCli {
  sample: string;
  ratio?: string;
  seed: string;
  direction: string;
  field?: string;
  policy?: string;
  out?: string;
  exportSample?: string;
  format: string;
}

export function registerCorpus(program: Command, run: (work: () => Promise<number>) => void): void {
  const corpus = program.command('corpus').description('training corpus checks / 语料安全评估');
  corpus
    .command('scan')
    .description(
      'sample a corpus (folder, .jsonl or .txt; any size, streamed) and check it like TC260-003 §9.2',
    )
    .argument(
      '<path>',
      'a folder (every .txt, .md, .jsonl inside), a .jsonl ({"text", "source"?}) or a .txt (one record a line)',
    )
    .option('--sample <n>', 'records to draw (reservoir sampling)', '4000')
    .option('--ratio <r>', 'draw this share instead, e.g. 0.1 for the technical check')
    .option('--seed <n>', 'random seed: the same seed and input give the same sample', '1')
    .option('-d, --direction <d>', 'moderate as input or output', 'output')
    .option('--field <name>', 'JSONL text field (default text, content, prompt)')
    .option('--policy <file>', 'policy (default policies/cn-default.yaml)')
    .option('-o, --out <file>', 'write the JSON report here')
    .option(
      '--export-sample <file>',
      'write the drawn records with their verdicts (JSONL) for the manual check',
    )
    .option('-f, --format <format>', 'text or json (stdout)', 'text')
    .action((path: string, options: ScanCli) => run(async () => scan(path, options)));
}

async function scan(path: string, options: ScanCli): Promise<number> {
  const sample = Number(options.sample);
  const seed = Number(options.seed);
  if (!Number.isInteger(sample) || sample < 1)
    throw new HeguiError('usage', '--sample must be a positive integer');
  if (!Number.isInteger(seed)) throw new HeguiError('usage', '--seed must be an integer');
  if (options.direction !== 'input' && options.direction !== 'output')
    throw new HeguiError('usage', '--direction is input or output');
  const { moderator } = assembleModerator(options.policy ? { policy: options.policy } : {});
  const exported = options.exportSample ? createWriteStream(options.exportSample) : undefined;
  const report = await scanCorpus(path, moderator, {
    sample,
    seed,
    direction: options.direction,
    ...(options.ratio !== undefined ? { ratio: Number(options.ratio) } : {}),
    ...(options.field ? { field: options.field } : {}),
    ...(exported
      ? {
          onChecked: (r, v) =>
            exported.write(`${JSON.stringify({ where: r.where, source: r.source, text: r.text, ...v })}\n`),
        }
      : {}),
  });
  if (exported) await new Promise<void>((resolve) => exported.end(resolve));
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.out) writeFileSync(options.out, json);
  process.stdout.write(options.format === 'json' ? json : formatCorpus(report));
  for (const p of report.invalid.slice(0, 10)) process.stderr.write(`${p.where}: ${p.message}\n`);
  return report.technicalGate.pass && !report.sources.some((s) => s.overLimit) ? EXIT_ALLOW : EXIT_FLAGGED;
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)} %`);

export function formatCorpus(r: CorpusReport): string {
  const lines = [
    `语料抽检 / corpus check (TC260-003 §9.2, §5.1)`,
    `records ${r.records}, sampled ${r.sampled} (${r.method}, seed ${r.seed}, ${pct(r.technicalGate.sampleRatio)} of the corpus)`,
    `qualified ${r.qualified}/${r.sampled} = ${pct(r.qualifiedRate)} (95 % CI ${pct(r.ci[0])}–${pct(r.ci[1])}); ${r.review} for review`,
    `${r.technicalGate.pass && r.technicalGate.sampleOk ? '✓' : '✗'} technical check: ≥ 10 % sampled ${r.technicalGate.sampleOk ? 'yes' : 'no'}, ≥ 98 % qualified ${r.technicalGate.pass ? 'yes' : 'no'}`,
    `${r.manualSampleOk ? '✓' : '✗'} sample large enough for the manual check (≥ 4,000; judged by people, ≥ 96 %)`,
    '',
    'by detector:',
    ...Object.entries(r.byDetector).map(
      ([d, s]) => `  ${d.padEnd(11)} unqualified ${s.unqualified}  qualified ${pct(s.qualifiedRate)}`,
    ),
    'by category:',
    ...Object.entries(r.byCategory).map(([c, n]) => `  ${c.padEnd(11)} ${n}`),
    'sources (unqualified share; > 5 % = do not train on it):',
    ...r.sources
      .slice(0, 15)
      .map(
        (s) =>
          `  ${s.overLimit ? '✗' : ' '} ${pct(s.rate).padStart(9)}  ${s.unqualified}/${s.sampled}  ${s.source}`,
      ),
    'examples:',
    ...r.examples.map(
      (e) =>
        `  ${e.where} [${e.categories.join(',')}/${e.detectors.join(',')}] ${e.excerpt.replace(/\s+/g, ' ')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
