/**
 * The store: audit log, API keys, incidents, evidence vault and sanction log on one Kysely database
 * (SQLite file in WAL mode by default, PostgreSQL for several instances). Knows no HTTP.
 *
 * @example
 * const store = await openStore(resolveStoreOptions(process.env));
 * await store.audit.append({ requestId, tenant, user, route: '/v1/chat/completions', … });
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import { SqlAuditLog, type AuditLog } from './audit.js';
import { connect, isPostgresUrl, postgresUnavailable } from './connect.js';
import { SqlEvidenceVault, type EvidenceVault } from './evidence.js';
import { SqlIncidents, type Incidents } from './incidents.js';
import { SqlApiKeys, storeFailure, type ApiKeys } from './keys.js';
import { migrate } from './migrations.js';
import { SqlSanctionLog, type SanctionLog } from './sanctions.js';
import type { StoreSchema } from './schema.js';
import { loadOrCreateSecret, parseSecret, pseudonymize } from './secret.js';

export type {
  AuditEvent,
  AuditEventInput,
  AuditLog,
  AuditProblem,
  AuditStats,
  AuditVerifyResult,
} from './audit.js';
export type { ApiKeyInfo, ApiKeys } from './keys.js';
export type { Incident, IncidentInput, IncidentStatus, IncidentStep, Incidents } from './incidents.js';
export { INCIDENT_STATUSES, isIncidentStatus } from './incidents.js';
export type { EvidenceVault } from './evidence.js';
export type { SanctionLevel, SanctionLog, SanctionStep, SanctionStepInput } from './sanctions.js';
export { SANCTION_LEVELS } from './sanctions.js';
export { loadOrCreateSecret, pseudonymize } from './secret.js';
export type { StoreSchema } from './schema.js';

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; unset (or `sqlite:<file>`) for SQLite. */
  databaseUrl?: string;
  /** Default `./data`: holds `hegui.db`, `secret.key` and `instance-id`. */
  dataDir?: string;
  /** This process's audit chain; default: the id in `<dataDir>/instance-id`, created on first run. */
  instanceId?: string;
  /** 32 bytes; default: `<dataDir>/secret.key`, created on first run. */
  secretKey?: Buffer;
  /** PostgreSQL only: schema to create and use (default: the server's `search_path`, i.e. `public`). */
  schema?: string;
  /** SQLite only: `normal` (default) survives process crashes; `full` also power loss, at an fsync per commit. */
  sqliteSync?: 'normal' | 'full';
  /** PostgreSQL connection pool size (default 10). */
  poolSize?: number;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly instanceId: string;
  /** True when this open generated `<dataDir>/secret.key` (the caller should warn). */
  readonly secretCreated: boolean;
  readonly audit: AuditLog;
  readonly keys: ApiKeys;
  readonly incidents: Incidents;
  readonly evidence: EvidenceVault;
  readonly sanctions: SanctionLog;
  /** The typed database, for governance queries and tests. */
  readonly db: Kysely<StoreSchema>;
  /** `pseudonymize(secretKey, tenant, user)` with this store's secret key. */
  pseudonymize(tenant: string, user: string): string;
  /** Readiness: throws `store_unavailable` if the database cannot answer. */
  ping(): Promise<void>;
  /** Commits queued audit events, then closes the database. Idempotent. */
  close(): Promise<void>;
}

export function resolveStoreOptions(
  env: NodeJS.ProcessEnv,
  overrides: Partial<StoreOptions> = {},
): StoreOptions {
  const options: StoreOptions = { dataDir: env.HEGUI_DATA_DIR?.trim() || 'data' };
  if (env.HEGUI_DATABASE_URL?.trim()) options.databaseUrl = env.HEGUI_DATABASE_URL.trim();
  if (env.HEGUI_DATABASE_SCHEMA?.trim()) options.schema = env.HEGUI_DATABASE_SCHEMA.trim();
  if (env.HEGUI_INSTANCE_ID?.trim()) options.instanceId = env.HEGUI_INSTANCE_ID.trim();
  if (env.HEGUI_SECRET_KEY?.trim()) options.secretKey = parseSecret(env.HEGUI_SECRET_KEY, 'HEGUI_SECRET_KEY');
  const sync = env.HEGUI_SQLITE_SYNC?.trim().toLowerCase();
  if (sync) {
    if (sync !== 'normal' && sync !== 'full') {
      throw new HeguiError('config_invalid', 'must be normal or full', 'HEGUI_SQLITE_SYNC');
    }
    options.sqliteSync = sync;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  return options;
}

/** PostgreSQL advisory lock held (shared) while migrating, (exclusive) while dropping a schema. */
export const SCHEMA_LOCK = 0x68656775;

const INSTANCE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The instance id kept in the data directory, so a restarted gateway continues its own chain. */
async function stableInstanceId(dataDir: string): Promise<string> {
  const path = join(dataDir, 'instance-id');
  try {
    const id = (await readFile(path, 'utf8')).trim();
    if (INSTANCE_ID.test(id)) return id;
    throw new HeguiError('config_invalid', 'not a valid instance id (letters, digits, . _ : -)', path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '')
      .slice(0, 48) || 'hegui';
  const id = `${host}-${randomBytes(4).toString('hex')}`;
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(path, `${id}\n`, { flag: 'wx' });
    return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw err;
  }
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const dataDir = options.dataDir ?? 'data';
  let secretKey = options.secretKey;
  let secretCreated = false;
  if (!secretKey) {
    const loaded = await loadOrCreateSecret(dataDir);
    secretKey = loaded.key;
    secretCreated = loaded.created;
  } else if (secretKey.length !== 32) {
    throw new HeguiError('config_invalid', 'the secret key must be 32 bytes', 'secretKey');
  }
  const instanceId = options.instanceId ?? (await stableInstanceId(dataDir));
  if (!INSTANCE_ID.test(instanceId)) {
    throw new HeguiError('config_invalid', 'letters, digits and . _ : - only, at most 128', 'instanceId');
  }
  const { dialect, db, schema } = await connect({ ...options, dataDir });
  try {
    if (dialect === 'postgres') {
      // Kysely's migrator introspects every schema in the database, which fails if one is being
      // dropped meanwhile; whoever drops a hegui schema takes this lock exclusively (see testing.ts).
      await db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock_shared(${SCHEMA_LOCK})`.execute(conn);
        try {
          await migrate(db as unknown as Kysely<unknown>, schema ?? 'public');
        } finally {
          await sql`select pg_advisory_unlock_shared(${SCHEMA_LOCK})`.execute(conn);
        }
      });
    } else {
      await migrate(db as unknown as Kysely<unknown>);
    }
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (dialect === 'postgres' && !(err instanceof HeguiError)) {
      throw postgresUnavailable(err, options.databaseUrl ?? '');
    }
    throw err;
  }

  const key = secretKey;
  const audit = new SqlAuditLog(db, dialect, instanceId, secretKey);
  let closing: Promise<void> | null = null;
  return {
    dialect,
    instanceId,
    secretCreated,
    audit,
    keys: new SqlApiKeys(db),
    incidents: new SqlIncidents(db),
    evidence: new SqlEvidenceVault(db, secretKey),
    sanctions: new SqlSanctionLog(db),
    db,
    pseudonymize: (tenant, user) => pseudonymize(key, tenant, user),
    async ping() {
      if (closing) throw new HeguiError('store_unavailable', 'the store is closed');
      try {
        await sql`select 1`.execute(db);
      } catch (err) {
        throw storeFailure(err);
      }
    },
    close() {
      closing ??= audit.close().then(() => db.destroy());
      return closing;
    },
  };
}

export { isPostgresUrl };
