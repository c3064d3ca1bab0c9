/**
 * Opens the Kysely database: a better-sqlite3 file in WAL mode by default, PostgreSQL when the URL
 * says `postgres://`. Only this module knows the drivers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { HeguiError } from '../engine/errors.js';
import type { StoreSchema } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  dialect: Dialect;
  db: Kysely<StoreSchema>;
  /** PostgreSQL schema the tables live in (`search_path`); undefined on SQLite. */
  schema: string | undefined;
}

export interface ConnectOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL only: the schema to create and use instead of `public`. */
  schema?: string;
  /** SQLite only: `normal` (default; durable across process crashes) or `full` (also power loss). */
  sqliteSync?: 'normal' | 'full';
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const url = options.databaseUrl?.trim() || undefined;
  if (url !== undefined && isPostgresUrl(url)) return connectPostgres(url, options);
  if (url !== undefined && !/^(sqlite|file):/i.test(url)) {
    throw new HeguiError(
      'config_invalid',
      'expected postgres://… or sqlite:<file> (or leave it unset for <data dir>/hegui.db)',
      'HEGUI_DATABASE_URL',
    );
  }
  const file = url ? url.replace(/^(sqlite|file):(\/\/)?/i, '') : join(dataDirOf(options), 'hegui.db');
  return connectSqlite(file, options);
}

function dataDirOf(options: ConnectOptions): string {
  const dir = options.dataDir ?? 'data';
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new HeguiError(
      'store_unavailable',
      `cannot create the data directory: ${(err as Error).message}`,
      dir,
      {
        cause: err,
      },
    );
  }
  return dir;
}

function connectSqlite(file: string, options: ConnectOptions): Connection {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { timeout: 5000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.sqliteSync === 'full' ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    throw new HeguiError(
      'store_unavailable',
      `cannot open the SQLite database: ${(err as Error).message}`,
      file,
      {
        cause: err,
      },
    );
  }
  const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { dialect: 'sqlite', db, schema: undefined };
}

async function connectPostgres(url: string, options: ConnectOptions): Promise<Connection> {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new HeguiError('config_invalid', `not a plain schema name: ${schema}`, 'HEGUI_DATABASE_SCHEMA');
  }
  // BIGINT columns hold millisecond times and sequence numbers, all well inside 2^53.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    // At least 2: opening holds one connection for a lock while migrating on another.
    max: Math.max(options.poolSize ?? 10, 2),
    types,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  if (schema) {
    try {
      const client = await pool.connect();
      try {
        await client.query(`create schema if not exists "${schema}"`);
      } finally {
        client.release();
      }
    } catch (err) {
      await db.destroy();
      throw unavailable(err, url);
    }
  }
  return { dialect: 'postgres', db, schema };
}

function unavailable(err: unknown, url: string): HeguiError {
  const where = url.replace(/\/\/[^@/]*@/, '//…@');
  return new HeguiError('store_unavailable', `cannot reach PostgreSQL: ${(err as Error).message}`, where, {
    cause: err,
  });
}

export { unavailable as postgresUnavailable };
