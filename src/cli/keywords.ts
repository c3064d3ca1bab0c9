/**
 * `hegui keywords compile|stats|test`: build a binary library, report its size and TC260 coverage,
 * and try it on a text.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { HeguiError } from '../engine/errors.js';
import { serializeMatcher } from '../engine/keywords/binary.js';
import { buildLibrary } from '../engine/keywords/library.js';
import { loadAllowList, loadKeywordSource } from '../engine/keywords/load.js';
import { KeywordMatcher } from '../engine/keywords/matcher.js';
import { builtinKeywordPaths, defaultPolicyPath, loadPolicy } from '../engine/policy/load.js';
import { coverageReport, formatCoverage } from '../engine/keywords/coverage.js';
import { EXIT_ALLOW, EXIT_FLAGGED } from './errors.js';
import { printDiagnostics } from './diagnostics.js';
import { addKeywordOptions, fileMapping, keywordSpecs, type KeywordCliOptions } from './keyword-options.js';
import { decodeUtf8, readAll } from './input.js';

interface CompileOptions extends KeywordCliOptions {
  output: string;
  builtin: boolean;
  verbose?: boolean;
}

export function registerKeywords(program: Command, run: (work: () => Promise<number>) => void): void {
  const keywords = program
    .command('keywords')
    .description('keyword libraries: compile, stats, test / 关键词库');

  addKeywordOptions(
    keywords
      .command('compile')
      .description('compile keyword files into a binary library that loads instantly')
      .argument('<files...>', 'keyword files (.txt, .csv, .bin), each optionally =CATEGORY')
      .requiredOption('-o, --output <file>', 'output .bin')
      .option('--no-builtin', "leave out hegui's builtin library and allow-list")
      .option('-v, --verbose', 'print every diagnostic'),
  ).action((files: string[], options: CompileOptions) => run(async () => compile(files, options)));

  addKeywordOptions(
    keywords
      .command('stats')
      .description('library size and coverage per category against the TC260-003 §8.1 minimums')
      .argument('[files...]', 'keyword files; none = the builtin library', [])
      .option('--no-builtin', "leave out hegui's builtin library")
      .option('-f, --format <format>', 'text or json', 'text')
      .option('-v, --verbose', 'print every diagnostic'),
  ).action((files: string[], options: CompileOptions & { format: string }) =>
    run(async () => stats(files, options)),
  );

  addKeywordOptions(
    keywords
      .command('test')
      .description('show which library terms match a text, where, and from which file line')
      .argument('<text>', 'the text, or @file / @- to read it')
      .option('--no-builtin', "leave out hegui's builtin library"),
  ).action((text: string, options: CompileOptions) => run(async () => testText(text, options)));
}

/** Library and matcher from the command's files, the policy's normalisation and pinyin settings. */
function compileFrom(files: string[], options: CompileOptions) {
  const policy = loadPolicy(options.policy ?? defaultPolicyPath());
  const mapping = fileMapping(options);
  const builtin = builtinKeywordPaths();
  const specs = [
    ...(options.builtin ? [{ path: builtin.library }] : []),
    ...keywordSpecs({ ...options, keywords: [...files, ...options.keywords] }),
  ];
  if (specs.length === 0) throw new HeguiError('usage', 'no keyword files given');
  const sources = specs.map((spec) => loadKeywordSource(spec, mapping));
  const allow = [
    ...(options.builtin ? loadAllowList(builtin.allowList) : []),
    ...policy.allowList,
    ...options.allow.flatMap((path) => loadAllowList(path)),
  ];
  const library = buildLibrary(sources, allow);
  const started = performance.now();
  const matcher = KeywordMatcher.compile(library, {
    normalize: policy.normalize,
    pinyinCategories: policy.detectors.keywords.pinyin,
  });
  return { library, matcher, buildMs: performance.now() - started };
}

function compile(files: string[], options: CompileOptions): number {
  const { library, matcher, buildMs } = compileFrom(files, options);
  printDiagnostics(matcher.diagnostics, options.verbose);
  const bytes = serializeMatcher(matcher);
  try {
    writeFileSync(options.output, bytes);
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, options.output, { cause: err });
  }
  process.stdout.write(
    `${options.output}: ${library.entries.length} terms, ${matcher.patternCount} patterns, ` +
      `${library.allow.length} allow-list terms, ${(bytes.length / 1048576).toFixed(1)} MiB, built in ${buildMs.toFixed(0)} ms\n`,
  );
  return EXIT_ALLOW;
}

function stats(files: string[], options: CompileOptions & { format: string }): number {
  const { library, matcher } = compileFrom(files, options);
  printDiagnostics(matcher.diagnostics, options.verbose);
  const report = coverageReport(library);
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatCoverage(report),
  );
  return report.meetsMinimums ? EXIT_ALLOW : EXIT_FLAGGED;
}

async function testText(arg: string, options: CompileOptions): Promise<number> {
  const text = arg.startsWith('@') ? decodeUtf8(await readAll(arg.slice(1)), arg.slice(1)) : arg;
  const { matcher } = compileFrom([], { ...options, builtin: options.builtin });
  const hits = matcher.scan(text);
  for (const hit of hits) {
    for (const entry of matcher.entries(hit.pattern)) {
      const variant = matcher.variant(hit.pattern);
      process.stdout.write(
        `${hit.start}-${hit.end}\t"${text.slice(hit.start, hit.end)}"\t${entry.term}${variant !== 'term' ? ` (${variant})` : ''}\t${entry.category}\t${entry.action ?? '-'}\t${entry.source}\n`,
      );
    }
  }
  if (hits.length === 0) process.stdout.write('no match / 未命中\n');
  return hits.length > 0 ? EXIT_FLAGGED : EXIT_ALLOW;
}
