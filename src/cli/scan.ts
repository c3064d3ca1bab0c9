/**
 * `hegui scan`: moderate a text (file or stdin) or a JSONL corpus under a policy.
 * Exit 0 allow (or redact: the text passes once redacted), 1 block/review, 2 usage or input error.
 */
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { assembleModerator } from '../engine/assemble.js';
import { HeguiError } from '../engine/errors.js';
import type { Direction } from '../engine/policy/schema.js';
import { getCategory } from '../engine/taxonomy.js';
import type { Verdict } from '../engine/verdict.js';
import { EXIT_ALLOW, EXIT_ERROR, EXIT_FLAGGED } from './errors.js';
import { decodeUtf8, readAll } from './input.js';
import { addKeywordOptions, fileMapping, keywordSpecs, type KeywordCliOptions } from './keyword-options.js';
import { printDiagnostics } from './diagnostics.js';

interface ScanOptions extends KeywordCliOptions {
  format: 'text' | 'json';
  jsonl?: boolean;
  direction: Direction;
}

export function registerScan(program: Command, run: (work: () => Promise<number>) => void): void {
  addKeywordOptions(
    program
      .command('scan')
      .description('moderate a text file or stdin (or a JSONL corpus with --jsonl) / 审核文本')
      .argument('[file]', 'input file, or - for stdin', '-')
      .option('-f, --format <format>', 'text or json', 'text')
      .option('--jsonl', 'input is JSON lines with a "text" field; one verdict a line, same order')
      .option('-d, --direction <direction>', 'input (a prompt) or output (a model answer)', 'input'),
  ).action((file: string, options: ScanOptions) => run(() => scan(file, options)));
}

function flagged(verdict: Verdict): boolean {
  return verdict.action === 'block' || verdict.action === 'review';
}

async function scan(file: string, options: ScanOptions): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json') {
    throw new HeguiError('usage', `--format must be text or json, not "${options.format}"`);
  }
  if (options.direction !== 'input' && options.direction !== 'output') {
    throw new HeguiError('usage', `--direction must be input or output, not "${options.direction}"`);
  }
  const assembled = assembleModerator({
    policy: options.policy,
    keywords: keywordSpecs(options),
    mapping: fileMapping(options),
    extraAllowFiles: options.allow,
  });
  printDiagnostics(assembled.diagnostics);
  const { moderator } = assembled;
  if (options.jsonl)
    return scanJsonl(file, (text) => moderator.moderate(text, { direction: options.direction }));

  const text = decodeUtf8(await readAll(file), file);
  const verdict = moderator.moderate(text, { direction: options.direction });
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(verdict)}\n` : formatVerdict(text, verdict),
  );
  return flagged(verdict) ? EXIT_FLAGGED : EXIT_ALLOW;
}

/** Streams JSON lines in and verdicts out, in order; a bad line gets an error object, not a crash. */
async function scanJsonl(file: string, moderate: (text: string) => Verdict): Promise<number> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') resolve();
    else input.once('open', () => resolve()).once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, file, { cause: err });
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let exit = EXIT_ALLOW;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let out: object;
    try {
      const record = JSON.parse(line) as unknown;
      if (
        typeof record !== 'object' ||
        record === null ||
        typeof (record as { text?: unknown }).text !== 'string'
      ) {
        throw new HeguiError('input_invalid', 'expected an object with a string "text" field');
      }
      const { id, text } = record as { id?: unknown; text: string };
      const verdict = moderate(text);
      if (flagged(verdict) && exit === EXIT_ALLOW) exit = EXIT_FLAGGED;
      out = {
        ...(id !== undefined ? { id } : {}),
        action: verdict.action,
        categories: verdict.categories.map(({ code, score }) => ({ code, score })),
        evidence: verdict.evidence.map(({ start, end, term, category, detector }) => ({
          start,
          end,
          term,
          category,
          detector,
        })),
      };
    } catch (err) {
      exit = EXIT_ERROR;
      const message = err instanceof SyntaxError ? `invalid JSON: ${err.message}` : (err as Error).message;
      out = { error: { code: 'input_invalid', message, line: lineNo } };
    }
    if (!process.stdout.write(`${JSON.stringify(out)}\n`))
      await new Promise((r) => process.stdout.once('drain', r));
  }
  return exit;
}

const ACTION_LABEL = {
  allow: '放行 allow',
  redact: '遮盖 redact',
  review: '审核 review',
  block: '拦截 block',
} as const;

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}

export function formatVerdict(text: string, verdict: Verdict): string {
  const out = [`${ACTION_LABEL[verdict.action]}  (${verdict.policyVersion}, ${verdict.direction})`];
  for (const c of verdict.categories) {
    const category = getCategory(c.code);
    out.push(
      `  ${c.code.padEnd(18)} ${c.action.padEnd(7)} ${category ? `${category.zh} / ${category.en}` : ''}`,
    );
  }
  for (const e of verdict.evidence) {
    const snippet = text.slice(e.start, e.end).replace(/\s/g, ' ');
    const how =
      e.detector === 'keywords'
        ? `${e.term}${e.variant && e.variant !== 'term' ? ` (${e.variant})` : ''}`
        : e.term;
    out.push(
      `  ${lineAndColumn(text, e.start).padEnd(8)} ${e.detector.padEnd(8)} ${e.category.padEnd(14)} ${e.action.padEnd(7)} "${snippet}" ← ${how}`,
    );
  }
  if (verdict.redactedText !== undefined) out.push('', verdict.redactedText);
  return `${out.join('\n')}\n`;
}
