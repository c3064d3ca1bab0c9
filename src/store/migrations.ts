/**
 * Schema migrations, defined in code and run by Kysely's `Migrator` on open. The same migrations
 * serve SQLite and PostgreSQL; append new ones, never edit a released one.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { HeguiError } from '../engine/errors.js';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_events')
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('time_ms', 'bigint', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text')
      .addColumn('user_id', 'text')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('model', 'text')
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('input_action', 'text')
      .addColumn('input_categories', 'text')
      .addColumn('output_action', 'text')
      .addColumn('output_categories', 'text')
      .addColumn('latency_ms', 'double precision', (c) => c.notNull())
      .addColumn('upstream_ms', 'double precision')
      .addColumn('moderation_ms', 'double precision')
      .addColumn('prompt_tokens', 'integer')
      .addColumn('completion_tokens', 'integer')
      .addColumn('policy_version', 'text')
      .addColumn('evidence_ref', 'text')
      .addColumn('sanction', 'text')
      .addPrimaryKeyConstraint('audit_events_pk', ['instance_id', 'seq'])
      .execute();
    await db.schema.createIndex('audit_events_time').on('audit_events').column('time_ms').execute();
    await db.schema
      .createIndex('audit_events_tenant_time')
      .on('audit_events')
      .columns(['tenant', 'time_ms'])
      .execute();

    await db.schema
      .createTable('audit_heads')
      .addColumn('instance_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('mac', 'text', (c) => c.notNull())
      .addColumn('updated_ms', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('prefix', 'text', (c) => c.notNull().unique())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('policy', 'text')
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addColumn('revoked_ms', 'bigint')
      .execute();
    await db.schema.createIndex('api_keys_tenant').on('api_keys').column('tenant').execute();

    await db.schema
      .createTable('incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant', 'text')
      .addColumn('user_id', 'text')
      .addColumn('model', 'text')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('categories', 'text', (c) => c.notNull())
      .addColumn('evidence_ref', 'text')
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('detected_ms', 'bigint', (c) => c.notNull())
      .addColumn('contained_ms', 'bigint')
      .addColumn('rectified_ms', 'bigint')
      .addColumn('reported_ms', 'bigint')
      .addColumn('closed_ms', 'bigint')
      .addColumn('updated_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('incidents_status_detected')
      .on('incidents')
      .columns(['status', 'detected_ms'])
      .execute();
    await db.schema
      .createTable('incident_history')
      .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('incident_history_pk', ['incident_id', 'step'])
      .execute();

    await db.schema
      .createTable('data_keys')
      .addColumn('owner', 'text', (c) => c.primaryKey())
      .addColumn('wrapped', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('evidence')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('iv', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('evidence_owner').on('evidence').column('owner').execute();

    await db.schema
      .createTable('sanctions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant', 'text')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('evidence_ref', 'text')
      .addColumn('until_ms', 'bigint')
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sanctions_user').on('sanctions').columns(['user_id', 'id']).execute();
  },
};

const retention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_anchors')
      .addColumn('instance_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('mac', 'text', (c) => c.notNull())
      .addColumn('pruned_ms', 'bigint', (c) => c.notNull())
      .execute();
  },
};

/** Every strike behind a sanction step (Interim Measures art. 14 ¶2: keep records of the evidence). */
const sanctionEvidence: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sanctions').addColumn('evidence_refs', 'text').execute();
  },
};

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_audit_retention': retention,
  '0003_sanction_evidence': sanctionEvidence,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Brings the database up to the latest schema; `schema` places Kysely's bookkeeping tables (PostgreSQL). */
export async function migrate(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new HeguiError(
      'store_unavailable',
      `${failed ? `database migration ${failed} failed` : 'cannot prepare the database'}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      undefined,
      { cause: error },
    );
  }
}
