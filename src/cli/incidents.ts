/**
 * `hegui incidents list|show|export|transition`: incidents opened when the model generated illegal
 * content, and their handling open → contained → rectified → reported → closed.
 */
import type { Command } from 'commander';
import { HeguiError } from '../engine/errors.js';
import { INCIDENT_STATUSES, isIncidentStatus, type Incident, type IncidentStatus } from '../store/index.js';
import { EXIT_ALLOW } from './errors.js';
import { addStoreOptions, type StoreCliOptions, withStore } from './keys.js';

interface FilterOptions extends StoreCliOptions {
  status?: string;
  tenant?: string;
  limit?: string;
  format: string;
}

export function registerIncidents(program: Command, run: (work: () => Promise<number>) => void): void {
  const incidents = program
    .command('incidents')
    .description('incidents: list, show, export, transition / 事件');

  const filters = (command: Command) =>
    addStoreOptions(
      command
        .option('--status <status>', INCIDENT_STATUSES.join('|'))
        .option('--tenant <tenant>', 'only this tenant')
        .option('--limit <n>', 'at most this many, newest first'),
    );

  filters(
    incidents
      .command('list')
      .description('one line per incident')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action((options: FilterOptions) => run(async () => list(options)));

  filters(
    incidents
      .command('export')
      .description('incidents with their full history, for a report')
      .option('-f, --format <format>', 'json', 'json'),
  ).action((options: FilterOptions) => run(async () => exportAll(options)));

  addStoreOptions(
    incidents
      .command('show')
      .description('one incident with its history')
      .argument('<id>', 'incident id')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action((id: string, options: StoreCliOptions & { format: string }) => run(async () => show(id, options)));

  addStoreOptions(
    incidents
      .command('transition')
      .description(`move an incident forward (${INCIDENT_STATUSES.join(' → ')})`)
      .argument('<id>', 'incident id')
      .argument('<status>', INCIDENT_STATUSES.slice(1).join('|'))
      .option('--note <text>', 'what was done'),
  ).action((id: string, status: string, options: StoreCliOptions & { note?: string }) =>
    run(async () => transition(id, status, options)),
  );
}

function filterOf(options: FilterOptions): { status?: IncidentStatus; tenant?: string; limit?: number } {
  const filter: { status?: IncidentStatus; tenant?: string; limit?: number } = {};
  if (options.status !== undefined) {
    if (!isIncidentStatus(options.status)) {
      throw new HeguiError('usage', `--status is one of ${INCIDENT_STATUSES.join(', ')}`);
    }
    filter.status = options.status;
  }
  if (options.tenant !== undefined) filter.tenant = options.tenant;
  if (options.limit !== undefined) {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new HeguiError('usage', '--limit must be a positive integer');
    filter.limit = limit;
  }
  return filter;
}

function checkFormat(format: string, allowed: string[]): void {
  if (!allowed.includes(format)) throw new HeguiError('usage', `--format is ${allowed.join(' or ')}`);
}

async function list(options: FilterOptions): Promise<number> {
  checkFormat(options.format, ['text', 'json']);
  const incidents = await withStore(options, (store) => store.incidents.list(filterOf(options)));
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        incidents.map(({ history: _h, ...summary }) => summary),
        null,
        2,
      )}\n`,
    );
    return EXIT_ALLOW;
  }
  for (const i of incidents) {
    process.stdout.write(
      `${i.id}\t${i.status}\t${i.detectedAt.toISOString()}\t${i.category}\t${i.tenant ?? '-'}\t${i.model ?? '-'}\n`,
    );
  }
  return EXIT_ALLOW;
}

async function exportAll(options: FilterOptions): Promise<number> {
  checkFormat(options.format, ['json']);
  const incidents = await withStore(options, (store) => store.incidents.list(filterOf(options)));
  process.stdout.write(`${JSON.stringify(incidents, null, 2)}\n`);
  return EXIT_ALLOW;
}

function describe(i: Incident): string {
  const lines = [
    `incident   ${i.id}`,
    `status     ${i.status}`,
    `category   ${i.category} (${i.categories.join(', ')})`,
    `tenant     ${i.tenant ?? '-'}`,
    `user       ${i.user ?? '-'}`,
    `model      ${i.model ?? '-'}`,
    `request    ${i.requestId}`,
    `evidence   ${i.evidenceRef ?? '-'}`,
    'history',
    ...i.history.map((s) => `  ${s.at.toISOString()}  ${s.to}${s.note ? `  ${s.note}` : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}

async function show(id: string, options: StoreCliOptions & { format: string }): Promise<number> {
  checkFormat(options.format, ['text', 'json']);
  const incident = await withStore(options, (store) => store.incidents.get(id));
  if (!incident) throw new HeguiError('not_found', `no incident ${id}`);
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(incident, null, 2)}\n` : describe(incident),
  );
  return EXIT_ALLOW;
}

async function transition(
  id: string,
  status: string,
  options: StoreCliOptions & { note?: string },
): Promise<number> {
  if (!isIncidentStatus(status))
    throw new HeguiError('usage', `status is one of ${INCIDENT_STATUSES.join(', ')}`);
  const incident = await withStore(options, (store) => store.incidents.transition(id, status, options.note));
  process.stdout.write(describe(incident));
  return EXIT_ALLOW;
}
