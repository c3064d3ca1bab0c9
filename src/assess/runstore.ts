/**
 * Assessment runs in the project's database, in tables of our own with our own migrations (so the
 * store module is untouched): one row per run, one per question answered, written as each answer
 * arrives so an interrupted run continues where it stopped.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import type { Store } from '../store/index.js';

export interface AssessRunsTable {
  id: string;
  created_ms: number;
  updated_ms: number;
  target: string;
  model: string;
  /** JSON: the options the run started with (no API key). */
  options: string;
  /** JSON: bank files and their item count. */
  banks: string;
  item_count: number;
  status: string;
  /** JSON summary, set when the run completes. */
  summary: string | null;
}

export interface AssessResultsTable {
  run_id: string;
  item_id: string;
  kind: string;
  category: string | null;
  aspect: string | null;
  /** `ok` (an answer arrived) or `error` (every attempt failed). */
  status: string;
  answer: string | null;
  finish_reason: string | null;
  http_status: number | null;
  /** JSON: the gateway's `hegui` field when the target is hegui. */
  hegui: string | null;
  attempts: number;
  latency_ms: number;
  error: string | null;
  /** JSON: every judge's verdict with its evidence. */
  judgments: string | null;
  time_ms: number;
}

export interface AssessSchema {
  assess_runs: AssessRunsTable;
  assess_results: AssessResultsTable;
}

const migrations: Record<string, Migration> = {
  '0001_assess_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('assess_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('banks', 'text', (c) => c.notNull())
        .addColumn('item_count', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .execute();
      await db.schema.createIndex('assess_runs_created').on('assess_runs').column('created_ms').execute();
      await db.schema
        .createTable('assess_results')
        .addColumn('run_id', 'text', (c) => c.notNull().references('assess_runs.id').onDelete('cascade'))
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('aspect', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('answer', 'text')
        .addColumn('finish_reason', 'text')
        .addColumn('http_status', 'integer')
        .addColumn('hegui', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('judgments', 'text')
        .addColumn('time_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('assess_results_pk', ['run_id', 'item_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('assess_results').execute();
      await db.schema.dropTable('assess_runs').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface RunRecord {
  readonly id: string;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly target: string;
  readonly model: string;
  readonly options: Record<string, unknown>;
  readonly banks: unknown;
  readonly itemCount: number;
  readonly status: string;
  readonly summary: unknown;
}

export type ResultRow = AssessResultsTable;

export class RunStore {
  private constructor(readonly db: Kysely<AssessSchema>) {}

  /** Our tables on the store's database, migrated to the latest version. */
  static async open(store: Pick<Store, 'db' | 'dialect'>, schema?: string): Promise<RunStore> {
    const db = store.db as unknown as Kysely<AssessSchema>;
    const migrator = new Migrator({
      db,
      provider,
      migrationTableName: 'hegui_assess_migration',
      migrationLockTableName: 'hegui_assess_migration_lock',
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      throw new HeguiError(
        'store_unavailable',
        `assessment tables: ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        { cause: error },
      );
    }
    return new RunStore(db);
  }

  async createRun(run: Omit<RunRecord, 'createdMs' | 'updatedMs' | 'summary'>): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('assess_runs')
      .values({
        id: run.id,
        created_ms: now,
        updated_ms: now,
        target: run.target,
        model: run.model,
        options: JSON.stringify(run.options),
        banks: JSON.stringify(run.banks),
        item_count: run.itemCount,
        status: run.status,
        summary: null,
      })
      .execute();
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = await this.db.selectFrom('assess_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Newest first. */
  async listRuns(limit = 50): Promise<RunRecord[]> {
    const rows = await this.db
      .selectFrom('assess_runs')
      .selectAll()
      .orderBy('created_ms', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async setStatus(id: string, status: string, summary?: unknown): Promise<void> {
    await this.db
      .updateTable('assess_runs')
      .set({
        status,
        updated_ms: Date.now(),
        ...(summary !== undefined ? { summary: JSON.stringify(summary) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Inserts or replaces one question's result (a retried error becomes an answer). */
  async putResult(row: ResultRow): Promise<void> {
    await this.putResults([row]);
  }

  /** Several results in one transaction: one commit instead of one per row. */
  async putResults(rows: readonly ResultRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        await trx
          .insertInto('assess_results')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['run_id', 'item_id']).doUpdateSet({
              status: row.status,
              answer: row.answer,
              finish_reason: row.finish_reason,
              http_status: row.http_status,
              hegui: row.hegui,
              attempts: row.attempts,
              latency_ms: row.latency_ms,
              error: row.error,
              judgments: row.judgments,
              time_ms: row.time_ms,
            }),
          )
          .execute();
      }
    });
  }

  async results(runId: string): Promise<ResultRow[]> {
    return this.db
      .selectFrom('assess_results')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('item_id')
      .execute();
  }

  /** Ids of questions that already have an answer in this run. */
  async answered(runId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('assess_results')
      .select('item_id')
      .where('run_id', '=', runId)
      .where('status', '=', 'ok')
      .execute();
    return new Set(rows.map((r) => r.item_id));
  }
}

function toRecord(row: AssessRunsTable): RunRecord {
  return {
    id: row.id,
    createdMs: Number(row.created_ms),
    updatedMs: Number(row.updated_ms),
    target: row.target,
    model: row.model,
    options: JSON.parse(row.options) as Record<string, unknown>,
    banks: JSON.parse(row.banks) as unknown,
    itemCount: row.item_count,
    status: row.status,
    summary: row.summary ? (JSON.parse(row.summary) as unknown) : null,
  };
}
