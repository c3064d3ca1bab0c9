/**
 * `hegui keys create|list|revoke`: tenants' API keys. `create` prints only the new key on stdout
 * (it is shown once; only its hash is stored).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HeguiError } from '../engine/errors.js';
import { loadPolicy } from '../engine/policy/load.js';
import { openStore, resolveStoreOptions, type Store } from '../store/index.js';
import { EXIT_ALLOW } from './errors.js';

export interface StoreCliOptions {
  dataDir?: string;
  databaseUrl?: string;
}

/** Adds `--data-dir` and `--database-url` (over `HEGUI_DATA_DIR`, `HEGUI_DATABASE_URL`). */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default $HEGUI_DATA_DIR or ./data)')
    .option(
      '--database-url <url>',
      'postgres://… (default $HEGUI_DATABASE_URL, else SQLite in the data directory)',
    );
}

/** Opens the store the way the gateway would, with the command line over the environment. */
export async function openCliStore(options: StoreCliOptions): Promise<Store> {
  const store = await openStore(
    resolveStoreOptions(process.env, { dataDir: options.dataDir, databaseUrl: options.databaseUrl }),
  );
  if (store.secretCreated) {
    process.stderr.write('hegui: warning: generated a new secret key in the data directory; back it up\n');
  }
  return store;
}

/** Runs `work` on an open store and always closes it. */
export async function withStore<T>(options: StoreCliOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore(options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function registerKeys(program: Command, run: (work: () => Promise<number>) => void): void {
  const keys = program.command('keys').description('API keys of tenants: create, list, revoke / 密钥');

  addStoreOptions(
    keys
      .command('create')
      .description('create a key for a tenant; prints only the key, once')
      .requiredOption('--tenant <tenant>', 'the tenant the key belongs to')
      .option('--policy <file>', "the tenant's policy (YAML), checked now")
      .option('--name <name>', 'a label for the key'),
  ).action((options: StoreCliOptions & { tenant: string; policy?: string; name?: string }) =>
    run(async () => create(options)),
  );

  addStoreOptions(
    keys
      .command('list')
      .description('list keys (prefix, tenant, policy, created, revoked)')
      .option('--tenant <tenant>', 'only this tenant')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action((options: StoreCliOptions & { tenant?: string; format: string }) =>
    run(async () => list(options)),
  );

  addStoreOptions(
    keys
      .command('revoke')
      .description('revoke a key by id or prefix')
      .argument('<idOrPrefix>', 'key id or prefix'),
  ).action((idOrPrefix: string, options: StoreCliOptions) => run(async () => revoke(idOrPrefix, options)));
}

async function create(
  options: StoreCliOptions & { tenant: string; policy?: string; name?: string },
): Promise<number> {
  if (options.tenant.trim() === '') throw new HeguiError('usage', '--tenant must not be empty');
  let policy: string | undefined;
  if (options.policy !== undefined) {
    policy = resolve(options.policy);
    loadPolicy(policy);
  }
  const created = await withStore(options, (store) =>
    store.keys.create(options.tenant, {
      ...(policy ? { policy } : {}),
      ...(options.name ? { name: options.name } : {}),
    }),
  );
  process.stdout.write(`${created.key}\n`);
  process.stderr.write(
    `hegui: key ${created.prefix} (id ${created.id}) for tenant ${options.tenant}; it is not shown again\n`,
  );
  return EXIT_ALLOW;
}

async function list(options: StoreCliOptions & { tenant?: string; format: string }): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json')
    throw new HeguiError('usage', '--format is text or json');
  const keys = await withStore(options, (store) => store.keys.list(options.tenant));
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
    return EXIT_ALLOW;
  }
  for (const k of keys) {
    const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
    process.stdout.write(
      `hg_${k.prefix}_…\t${k.tenant}\t${k.createdAt.toISOString()}\t${state}\t${k.policy ?? '-'}\t${k.name ?? ''}\t${k.id}\n`,
    );
  }
  return EXIT_ALLOW;
}

async function revoke(idOrPrefix: string, options: StoreCliOptions): Promise<number> {
  const revoked = await withStore(options, (store) => store.keys.revoke(idOrPrefix));
  if (!revoked) throw new HeguiError('not_found', `no active key ${idOrPrefix}`);
  process.stderr.write(`hegui: revoked ${idOrPrefix}\n`);
  return EXIT_ALLOW;
}
