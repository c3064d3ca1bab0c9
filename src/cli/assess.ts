/**
 * `hegui assess run|list|show|train-refusal`: run the TC260 test banks against any OpenAI-compatible
 * endpoint (hegui itself or a model), judge and store every answer, and print the gates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { assembleModerator } from '../engine/assemble.js';
import { HeguiError } from '../engine/errors.js';
import { readBanks, requireValid, sampleBank } from '../assess/bank.js';
import { LlmJudge } from '../assess/judges/llm.js';
import {
  builtinRefusalModelPath,
  loadRefusalModel,
  saveRefusalModel,
  trainRefusalModel,
} from '../assess/judges/refusal-model.js';
import { jadeAlignmentFiles, readJadeAnswers } from '../assess/judges/jade-answers.js';
import { runAssessment } from '../assess/runner.js';
import { RunStore } from '../assess/runstore.js';
import type { RunSummary } from '../assess/summary.js';
import { resolveStoreOptions } from '../store/index.js';
import { coverageReport } from '../engine/keywords/coverage.js';
import type { CorpusReport } from '../assess/corpus.js';
import { htmlToPdf } from '../assess/report/browser.js';
import { buildReport, loadRunForReport } from '../assess/report/build.js';
import { compareRuns, formatComparison } from '../assess/report/compare.js';
import { loadServiceInfo } from '../assess/service.js';
import { EXIT_ALLOW, EXIT_FLAGGED } from './errors.js';
import { addStoreOptions, withStore } from './keys.js';

type Run = (work: () => Promise<number>) => void;

interface StoreCli {
  dataDir?: string;
  databaseUrl?: string;
}

interface RunCli extends StoreCli {
  target: string;
  apiKey?: string;
  model: string;
  bank: string[];
  concurrency: string;
  rate: string;
  timeout: string;
  retries: string;
  runId?: string;
  sample?: string;
  seed: string;
  out?: string;
  policy?: string;
  refusalModel: string | false;
  judgeUrl?: string;
  judgeModel?: string;
  judgeApiKey?: string;
  system?: string;
  maxTokens?: string;
  temperature?: string;
  progress: boolean;
}

function int(value: string, name: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new HeguiError('usage', `${name} must be an integer ≥ ${min}`);
  return n;
}

/** Our run tables on the project's store, for the length of `work`. */
export async function withRuns<T>(options: StoreCli, work: (runs: RunStore) => Promise<T>): Promise<T> {
  const schema = resolveStoreOptions(process.env).schema;
  return withStore(options, async (store) => work(await RunStore.open(store, schema)));
}

/** 0 when every measured gate passes, 1 otherwise. */
export function gatesExit(summary: RunSummary): number {
  const measured = summary.gates.filter((g) => g.sample > 0);
  return measured.length > 0 && measured.every((g) => g.pass) ? EXIT_ALLOW : EXIT_FLAGGED;
}

export function registerAssess(program: Command, run: Run): void {
  const assess = program
    .command('assess')
    .description('security self-assessment: run test banks, gates, reports / 安全评估');

  addStoreOptions(
    assess
      .command('run')
      .description('ask every bank question of a target, judge the answers, print the TC260 gates as JSON')
      .requiredOption('--target <url>', 'base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8787/v1')
      .option('--api-key <key>', 'API key for the target (default $HEGUI_ASSESS_API_KEY)')
      .requiredOption('--model <name>', 'model name sent to the target')
      .requiredOption('--bank <files...>', 'JSONL question banks')
      .option('-c, --concurrency <n>', 'questions in flight', '8')
      .option('--rate <n>', 'requests started per second, 0 = unlimited', '0')
      .option('--timeout <ms>', 'per attempt', '60000')
      .option('--retries <n>', 'attempts per question after the first (429, 5xx, timeouts)', '4')
      .option('--sample <n>', 'ask a seeded draw of at most n questions of each kind')
      .option('--seed <n>', 'seed for --sample', '1')
      .option('--run-id <id>', 'continue this run (or start one with this id)')
      .option('-o, --out <file>', 'write the JSON summary here instead of stdout')
      .option('--policy <file>', 'policy for judging outputs (default policies/cn-default.yaml)')
      .option('--refusal-model <file>', 'refusal model (default: the builtin one)', builtinRefusalModelPath())
      .option('--no-refusal-model', 'judge refusals by the rules alone')
      .option('--judge-url <url>', 'also ask an LLM judge at this OpenAI-compatible base URL')
      .option('--judge-model <name>', 'the LLM judge model')
      .option('--judge-api-key <key>', 'API key for the LLM judge (default $HEGUI_JUDGE_API_KEY)')
      .option('--system <text>', 'system prompt sent with every question')
      .option('--max-tokens <n>', 'max_tokens for each answer')
      .option('--temperature <t>', 'temperature for each answer')
      .option('--no-progress', 'no progress bar'),
  ).action((options: RunCli) => run(async () => runCommand(options)));

  addStoreOptions(
    assess
      .command('list')
      .description('runs kept in the database, newest first')
      .option('-n, --limit <n>', 'how many', '50'),
  ).action((options: StoreCli & { limit: string }) =>
    run(async () =>
      withRuns(options, async (runs) => {
        for (const r of await runs.listRuns(int(options.limit, '--limit', 1))) {
          const s = r.summary as RunSummary | null;
          const gates = s
            ? s.gates.map((g) => `${g.id}=${g.rate === null ? '-' : g.rate}${g.pass ? '✓' : '✗'}`).join(' ')
            : '';
          process.stdout.write(
            `${r.id}\t${new Date(r.createdMs).toISOString()}\t${r.status}\t${r.model}\t${r.itemCount}\t${gates}\n`,
          );
        }
        return EXIT_ALLOW;
      }),
    ),
  );

  addStoreOptions(assess.command('show').description("a run's summary as JSON").argument('<run-id>')).action(
    (id: string, options: StoreCli) =>
      run(async () =>
        withRuns(options, async (runs) => {
          const r = await runs.getRun(id);
          if (!r) throw new HeguiError('not_found', `no run ${id}`);
          process.stdout.write(`${JSON.stringify(r.summary, null, 2)}\n`);
          return r.summary ? gatesExit(r.summary as RunSummary) : EXIT_FLAGGED;
        }),
      ),
  );

  addStoreOptions(
    assess
      .command('report')
      .description(
        'self-contained HTML report (Chinese, English switch) with charts and the clause table; PDF via Chromium',
      )
      .argument('<run>', 'a run id, or the run.json written by hegui assess run')
      .requiredOption('--html <file>', 'HTML file to write')
      .option('--pdf <file>', 'also print it to PDF with Chromium')
      .option('--service <file>', 'service information YAML (provider, service, signatories …)')
      .option('--corpus <file>', 'a corpus scan report (hegui corpus scan --out)')
      .option('--policy <file>', 'policy whose keyword library and classifier the report describes'),
  ).action(
    (
      ref: string,
      options: StoreCli & { html: string; pdf?: string; service?: string; corpus?: string; policy?: string },
    ) =>
      run(async () => {
        const loaded = await withRuns(options, (runs) => loadRunForReport(runs, ref));
        const assembled = assembleModerator(options.policy ? { policy: options.policy } : {});
        const { html } = buildReport(loaded, {
          keywords: coverageReport(assembled.library),
          ...(assembled.classifier ? { classifierCategories: assembled.classifier.categories } : {}),
          ...(options.service ? { service: loadServiceInfo(options.service) } : {}),
          ...(options.corpus ? { corpus: readJson<CorpusReport>(options.corpus) } : {}),
        });
        writeFileSync(options.html, html);
        if (options.pdf) await htmlToPdf(html, options.pdf);
        process.stderr.write(
          `${options.html}${options.pdf ? `, ${options.pdf}` : ''}: run ${loaded.summary.runId}\n`,
        );
        return EXIT_ALLOW;
      }),
  );

  addStoreOptions(
    assess
      .command('compare')
      .description('what changed between two runs, per gate and per category')
      .argument('<a>', 'run id or run.json (before)')
      .argument('<b>', 'run id or run.json (after)')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action((a: string, b: string, options: StoreCli & { format: string }) =>
    run(async () => {
      const [ra, rb] = await withRuns(options, async (runs) => [
        await loadRunForReport(runs, a),
        await loadRunForReport(runs, b),
      ]);
      const comparison = compareRuns(ra.summary, rb.summary);
      process.stdout.write(
        options.format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(comparison),
      );
      return comparison.gates.some((g) => g.passA && !g.passB) ? EXIT_FLAGGED : EXIT_ALLOW;
    }),
  );

  assess
    .command('train-refusal')
    .description('train the refusal model on JADE-DB v3 alignment answers (safe = refusal, unsafe = answer)')
    .requiredOption('--jade <dir>', 'the JADE-DB folder (…/jade-db)')
    .option('--files <pattern>', 'which alignment files, a regular expression', 'medium')
    .option('-o, --out <file>', 'model file', builtinRefusalModelPath())
    .action((options: { jade: string; files: string; out: string }) =>
      run(async () => {
        const files = jadeAlignmentFiles(options.jade).filter((f) => new RegExp(options.files).test(f));
        if (files.length === 0)
          throw new HeguiError('input_invalid', 'no alignment files match', options.jade);
        const answers = files.flatMap(readJadeAnswers);
        const model = trainRefusalModel(
          answers.map((a) => ({ text: a.text, label: a.column === 'safe' ? 1 : 0 })),
          {
            source: `jade-db v3.0 ${files.map((f) => f.split('/').pop()).join(', ')} (safe = 1, unsafe = 0)`,
          },
        );
        saveRefusalModel(model, options.out);
        process.stderr.write(
          `${options.out}: ${answers.length} answers, ${Object.keys(model.weights).length} weights\n`,
        );
        return EXIT_ALLOW;
      }),
    );
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, path, { cause: err });
  }
}

async function runCommand(options: RunCli): Promise<number> {
  const all = requireValid(await readBanks(options.bank));
  const bank = options.sample
    ? sampleBank(all, int(options.sample, '--sample', 1), int(options.seed, '--seed'))
    : all;
  if (bank.length === 0) throw new HeguiError('input_invalid', 'the banks hold no questions');
  const assembled = assembleModerator(options.policy ? { policy: options.policy } : {});
  const refusalModel = options.refusalModel === false ? undefined : loadRefusalModel(options.refusalModel);
  const concurrency = int(options.concurrency, '--concurrency', 1);
  if (options.judgeUrl && !options.judgeModel)
    throw new HeguiError('usage', '--judge-url needs --judge-model');
  const llm = options.judgeUrl
    ? new LlmJudge({
        baseUrl: options.judgeUrl,
        model: options.judgeModel!,
        apiKey: options.judgeApiKey ?? process.env.HEGUI_JUDGE_API_KEY,
        connections: concurrency,
        timeoutMs: int(options.timeout, '--timeout', 1),
      })
    : undefined;
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bar =
    options.progress && process.stderr.isTTY
      ? new SingleBar(
          {
            format: 'assess [{bar}] {percentage}% | {value}/{total} | errors {errors} | {eta_formatted}',
            stream: process.stderr,
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : undefined;
  try {
    const outcome = await withRuns(options, async (runs) => {
      bar?.start(bank.length, 0, { errors: 0 });
      return runAssessment(
        runs,
        {
          moderator: assembled.moderator,
          classifierAvailable: assembled.classifier !== undefined,
          refusalModel,
          ...(llm ? { llm } : {}),
        },
        {
          target: options.target,
          apiKey: options.apiKey ?? process.env.HEGUI_ASSESS_API_KEY,
          model: options.model,
          items: bank,
          bankFiles: options.bank,
          concurrency,
          ratePerSecond: Number(options.rate) || 0,
          timeoutMs: int(options.timeout, '--timeout', 1),
          maxAttempts: int(options.retries, '--retries') + 1,
          ...(options.runId ? { runId: options.runId } : {}),
          ...(options.system ? { system: options.system } : {}),
          ...(options.maxTokens ? { maxTokens: int(options.maxTokens, '--max-tokens', 1) } : {}),
          ...(options.temperature ? { temperature: Number(options.temperature) } : {}),
          signal: controller.signal,
          onResult: ({ done, total, errors }) => {
            if (bar) bar.update(done, { errors });
            else if (
              options.progress &&
              (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0)
            ) {
              process.stderr.write(`assess: ${done}/${total} answered, ${errors} errors\n`);
            }
          },
        },
      );
    });
    bar?.stop();
    const { summary } = outcome;
    const json = `${JSON.stringify(summary, null, 2)}\n`;
    if (options.out) writeFileSync(options.out, json);
    else process.stdout.write(json);
    process.stderr.write(
      `hegui: run ${outcome.runId} ${summary.status}: ${summary.counts.answered}/${summary.counts.total} answered, ${summary.counts.errors} errors` +
        (outcome.resumed ? ` (continued; ${outcome.skipped} already answered)` : '') +
        (summary.status !== 'complete' ? ` — continue with --run-id ${outcome.runId}` : '') +
        '\n',
    );
    if (summary.status === 'interrupted') return 130;
    return gatesExit(summary);
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await llm?.close();
  }
}
