/**
 * `hegui banks import|validate|coverage`: build question banks from the shared sets, check their lines,
 * and report their size and coverage against TC260-003 §8.2 / §8.3.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { HeguiError } from '../engine/errors.js';
import { BANK_KINDS, readBanks, toJsonl, type BankKind } from '../assess/bank.js';
import { bankCoverage, formatBankCoverage } from '../assess/coverage.js';
import { IMPORTERS, type ImporterName } from '../assess/importers.js';
import { EXIT_ALLOW, EXIT_ERROR, EXIT_FLAGGED } from './errors.js';

type Run = (work: () => Promise<number>) => void;

export function registerBanks(program: Command, run: Run): void {
  const banks = program
    .command('banks')
    .description('assessment question banks: import, validate, coverage / 测试题库');

  banks
    .command('import')
    .description('convert a shared benchmark set (jade, flames, cvalues) into a JSONL bank')
    .argument('<set>', `one of ${Object.keys(IMPORTERS).join(', ')}`)
    .argument('<path>', "the set's folder or file")
    .option('-o, --output <file>', 'write the bank here (default: stdout)')
    .option('-k, --kind <kind>', `bank kind instead of the set's default (${BANK_KINDS.join(', ')})`)
    .action((set: string, path: string, options: { output?: string; kind?: string }) =>
      run(async () => importSet(set, path, options)),
    );

  banks
    .command('validate')
    .description('check every line of JSONL banks; errors name file:line')
    .argument('<files...>')
    .action((files: string[]) => run(async () => validate(files)));

  banks
    .command('coverage')
    .description('bank sizes per category and aspect against the TC260-003 minimums (exit 1 when short)')
    .argument('<files...>')
    .option('-f, --format <format>', 'text or json', 'text')
    .action((files: string[], options: { format: string }) => run(async () => coverage(files, options)));
}

function importSet(set: string, path: string, options: { output?: string; kind?: string }): number {
  if (!(set in IMPORTERS))
    throw new HeguiError('usage', `unknown set ${set}; use ${Object.keys(IMPORTERS).join(', ')}`);
  if (options.kind !== undefined && !BANK_KINDS.includes(options.kind as BankKind)) {
    throw new HeguiError('usage', `--kind must be one of ${BANK_KINDS.join(', ')}`);
  }
  const result = IMPORTERS[set as ImporterName](path, options.kind ? { kind: options.kind as BankKind } : {});
  const text = toJsonl(result.items);
  if (options.output) {
    try {
      writeFileSync(options.output, text);
    } catch (err) {
      throw new HeguiError('input_invalid', (err as Error).message, options.output, { cause: err });
    }
  } else {
    process.stdout.write(text);
  }
  const unmapped = Object.entries(result.unmapped);
  process.stderr.write(
    `${set}: ${result.items.length} questions` +
      (result.duplicates ? `, ${result.duplicates} duplicates dropped` : '') +
      (unmapped.length
        ? `, labels without a mapping: ${unmapped.map(([k, n]) => `${k} ×${n}`).join(', ')}`
        : '') +
      '\n',
  );
  return EXIT_ALLOW;
}

async function validate(files: string[]): Promise<number> {
  const bank = await readBanks(files);
  for (const p of bank.problems) process.stderr.write(`${p.where}: ${p.message}\n`);
  process.stdout.write(`${bank.items.length} valid questions, ${bank.problems.length} problems\n`);
  return bank.problems.length > 0 ? EXIT_ERROR : EXIT_ALLOW;
}

async function coverage(files: string[], options: { format: string }): Promise<number> {
  const bank = await readBanks(files);
  for (const p of bank.problems) process.stderr.write(`${p.where}: ${p.message}\n`);
  const report = bankCoverage(bank.items);
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatBankCoverage(report),
  );
  if (bank.problems.length > 0) return EXIT_ERROR;
  return report.meetsMinimums ? EXIT_ALLOW : EXIT_FLAGGED;
}
