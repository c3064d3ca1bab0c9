/**
 * Throw-away stores for tests, on either dialect: SQLite in a fresh temporary directory, or
 * PostgreSQL (`HEGUI_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`) in a
 * fresh schema `hegui_test_<random>` that `cleanup()` drops. An unreachable PostgreSQL is an error,
 * never a skip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, SCHEMA_LOCK, type Store, type StoreOptions } from './index.js';

export const TEST_DATABASE_URL =
  process.env.HEGUI_TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test';

export const TEST_DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof TEST_DIALECTS)[number];

export interface TestStore {
  store: Store;
  /** Options that open the same database again (e.g. with another secret key). */
  options: StoreOptions;
  /** Closes the store and removes its directory and schema. */
  cleanup(): Promise<void>;
}

export async function openTestStore(
  dialect: TestDialect,
  extra: Partial<StoreOptions> = {},
): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hegui-store-'));
  const schema = `hegui_test_${randomBytes(6).toString('hex')}`;
  const options: StoreOptions = {
    dataDir,
    instanceId: 'test-instance',
    ...(dialect === 'postgres' ? { databaseUrl: TEST_DATABASE_URL, schema } : {}),
    ...extra,
  };
  let store: Store;
  try {
    store = await openStore(options);
  } catch (err) {
    if (dialect === 'postgres') await dropSchema(schema).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    store,
    options,
    async cleanup() {
      await store.close();
      if (dialect === 'postgres') await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
