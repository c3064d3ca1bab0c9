/**
 * `hegui audit verify|list|prune`: check the hash chains (exit 0 intact, 1 problems found, 2 error),
 * read events, and apply retention.
 */
import type { Command } from 'commander';
import { HeguiError } from '../engine/errors.js';
import { EXIT_ALLOW, EXIT_FLAGGED } from './errors.js';
import { addStoreOptions, type StoreCliOptions, withStore } from './keys.js';

/** Cybersecurity Law art. 21: network logs are kept for no less than six months. */
const MIN_KEEP_DAYS = 183;

export function registerAudit(program: Command, run: (work: () => Promise<number>) => void): void {
  const audit = program.command('audit').description('the audit log: verify, list / 审计日志');

  addStoreOptions(
    audit
      .command('verify')
      .description('recompute the hash chains; report edited, missing and reordered events (exit 1)')
      .option('--instance <id>', 'only this instance’s chain')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action((options: StoreCliOptions & { instance?: string; format: string }) =>
    run(async () => verify(options)),
  );

  addStoreOptions(
    audit
      .command('prune')
      .description(
        'retention: delete events older than N days (the chains stay verifiable); ' +
          `below ${MIN_KEEP_DAYS} days needs --force (network logs are kept ≥ 6 months)`,
      )
      .requiredOption('--keep-days <n>', 'keep this many days of events')
      .option('--force', `allow keeping fewer than ${MIN_KEEP_DAYS} days`),
  ).action((options: StoreCliOptions & { keepDays: string; force?: boolean }) =>
    run(async () => prune(options)),
  );

  addStoreOptions(
    audit
      .command('list')
      .description('events, newest first, one JSON object a line')
      .option('--tenant <tenant>', 'only this tenant')
      .option('--since <time>', 'ISO 8601 time')
      .option('--limit <n>', 'at most this many', '100'),
  ).action((options: StoreCliOptions & { tenant?: string; since?: string; limit: string }) =>
    run(async () => list(options)),
  );
}

async function verify(options: StoreCliOptions & { instance?: string; format: string }): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json')
    throw new HeguiError('usage', '--format is text or json');
  const result = await withStore(options, (store) =>
    store.audit.verify(options.instance ? { instanceId: options.instance } : {}),
  );
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const p of result.problems)
      process.stdout.write(`${p.instanceId}\t${p.seq}\t${p.kind}\t${p.detail}\n`);
    const chains = `${result.instances.length} chain${result.instances.length === 1 ? '' : 's'}`;
    process.stdout.write(
      result.ok
        ? `ok: ${result.checked} events in ${chains} verified\n`
        : `${result.problems.length} problem(s) in ${result.checked} events (${chains})\n`,
    );
  }
  return result.ok ? EXIT_ALLOW : EXIT_FLAGGED;
}

async function list(
  options: StoreCliOptions & { tenant?: string; since?: string; limit: string },
): Promise<number> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new HeguiError('usage', '--limit must be a positive integer');
  const since = options.since === undefined ? undefined : new Date(options.since);
  if (since && Number.isNaN(since.getTime()))
    throw new HeguiError('usage', '--since must be an ISO 8601 time');
  const events = await withStore(options, (store) =>
    store.audit.list({
      limit,
      ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
      ...(since ? { since } : {}),
    }),
  );
  for (const e of events) process.stdout.write(`${JSON.stringify(e)}\n`);
  return EXIT_ALLOW;
}

async function prune(options: StoreCliOptions & { keepDays: string; force?: boolean }): Promise<number> {
  const days = Number(options.keepDays);
  if (!Number.isInteger(days) || days < 0)
    throw new HeguiError('usage', '--keep-days must be a whole number');
  if (days < MIN_KEEP_DAYS && !options.force) {
    throw new HeguiError(
      'usage',
      `--keep-days ${days} is under ${MIN_KEEP_DAYS} (six months); add --force to prune anyway`,
    );
  }
  const before = new Date(Date.now() - days * 86_400_000);
  const { deleted } = await withStore(options, (store) => store.audit.prune(before));
  process.stdout.write(`pruned ${deleted} events before ${before.toISOString()}\n`);
  return EXIT_ALLOW;
}
