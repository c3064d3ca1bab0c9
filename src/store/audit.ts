/**
 * The audit log: one hash-chained sequence of events per gateway instance (see audit-row.ts), written
 * by group commit. Each commit also moves the instance's head checkpoint (`audit_heads`), MACed with
 * the secret key, so deleting the newest rows is caught too; retention leaves a MACed anchor.
 */
import { createHmac } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import {
  chainHash,
  GENESIS_HASH,
  toAuditEvent,
  toBody,
  type AuditEvent,
  type AuditEventInput,
  type RowBody,
} from './audit-row.js';
import { verifyChain, type AuditProblem, type AuditVerifyResult } from './audit-verify.js';
import type { Dialect } from './connect.js';
import type { AuditEventsTable, StoreSchema } from './schema.js';
import { subkey } from './secret.js';

export type { AuditEvent, AuditEventInput } from './audit-row.js';
export { canonicalJson, chainHash, GENESIS_HASH, rowJson } from './audit-row.js';
export type { AuditProblem, AuditProblemKind, AuditVerifyResult } from './audit-verify.js';

export interface AuditLog {
  /** This process's chain. */
  readonly instanceId: string;
  /** Resolves once the event is committed (events arriving together share one transaction); rejects with `audit_unavailable` if it cannot be stored. */
  append(event: AuditEventInput): Promise<{ seq: number; hash: string }>;
  /** Recomputes every chain (or one instance's) and reports edits, gaps, reordering and broken links. */
  verify(options?: { instanceId?: string }): Promise<AuditVerifyResult>;
  /** Newest first. */
  list(filter?: { tenant?: string; since?: Date; until?: Date; limit?: number }): Promise<AuditEvent[]>;
  /** Resolves when everything queued so far is committed or rejected. */
  flush(): Promise<void>;
  /** Retention: deletes events older than `before` from every chain, keeping them verifiable. */
  prune(before: Date): Promise<{ deleted: number }>;
  /** Counters since open, for metrics: transactions, events committed, events rejected, queue length. */
  stats(): AuditStats;
}

export interface AuditStats {
  commits: number;
  events: number;
  failed: number;
  pending: number;
}

/** Most events committed in one transaction. */
const MAX_BATCH = 512;

interface Pending {
  body: Omit<RowBody, 'seq'>;
  resolve: (value: { seq: number; hash: string }) => void;
  reject: (err: unknown) => void;
}

export class SqlAuditLog implements AuditLog {
  readonly instanceId: string;
  readonly #db: Kysely<StoreSchema>;
  readonly #dialect: Dialect;
  readonly #headKey: Buffer;
  #queue: Pending[] = [];
  #running: Promise<void> | null = null;
  #closed = false;
  #stats = { commits: 0, events: 0, failed: 0 };

  constructor(db: Kysely<StoreSchema>, dialect: Dialect, instanceId: string, secret: Buffer) {
    this.#db = db;
    this.#dialect = dialect;
    this.instanceId = instanceId;
    this.#headKey = subkey(secret, 'audit-head');
  }

  append(event: AuditEventInput): Promise<{ seq: number; hash: string }> {
    if (this.#closed) return Promise.reject(new HeguiError('audit_unavailable', 'the audit log is closed'));
    let body: Omit<RowBody, 'seq'>;
    try {
      body = toBody(this.instanceId, event);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ body, resolve, reject });
      // Everything appended in this turn of the event loop joins the same transaction.
      this.#running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#drain());
    });
  }

  stats(): AuditStats {
    return { ...this.#stats, pending: this.#queue.length };
  }

  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops accepting events and waits for the queued ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        let committed: { seq: number; hash: string }[];
        try {
          committed = await this.#commit(batch);
        } catch (err) {
          const failure = new HeguiError(
            'audit_unavailable',
            `the audit event could not be stored: ${(err as Error).message}`,
            undefined,
            { cause: err },
          );
          this.#stats.failed += batch.length;
          for (const p of batch) p.reject(failure);
          continue;
        }
        this.#stats.commits += 1;
        this.#stats.events += batch.length;
        batch.forEach((p, i) => p.resolve(committed[i] as { seq: number; hash: string }));
      }
    } finally {
      this.#running = null;
    }
  }

  async #commit(batch: Pending[]): Promise<{ seq: number; hash: string }[]> {
    return this.#writeTransaction(this.instanceId, async (conn) => {
      let { seq, hash } = await this.#head(conn);
      const rows: AuditEventsTable[] = [];
      for (const p of batch) {
        seq += 1;
        const body: RowBody = { ...p.body, seq };
        const next = chainHash(hash, body);
        rows.push({ ...body, prev_hash: hash, hash: next });
        hash = next;
      }
      await conn.insertInto('audit_events').values(rows).execute();
      const head = {
        instance_id: this.instanceId,
        seq,
        hash,
        mac: this.headMac(seq, hash),
        updated_ms: Date.now(),
      };
      await conn
        .insertInto('audit_heads')
        .values(head)
        .onConflict((oc) =>
          oc.column('instance_id').doUpdateSet({ seq, hash, mac: head.mac, updated_ms: head.updated_ms }),
        )
        .execute();
      return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
    });
  }

  /**
   * Runs `work` in a transaction that holds the chain's write lock: SQLite takes the database write
   * lock up front (`BEGIN IMMEDIATE`); PostgreSQL one advisory lock per instance id, so processes that
   * share an instance id (or prune it) still write one correct chain.
   */
  async #writeTransaction<T>(instance: string, work: (conn: Kysely<StoreSchema>) => Promise<T>): Promise<T> {
    return this.#db.connection().execute(async (conn) => {
      if (this.#dialect === 'sqlite') await sql`begin immediate`.execute(conn);
      else await sql`begin`.execute(conn);
      try {
        if (this.#dialect === 'postgres') {
          await sql`select pg_advisory_xact_lock(hashtextextended(${'hegui.audit/' + instance}, 0))`.execute(
            conn,
          );
        }
        const result = await work(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Deletes events older than `before` from every chain (retention). Each chain keeps an anchor —
   * the seq and hash of its last deleted event, MACed with the secret key — that verification starts
   * from, so a pruned chain still verifies and deleting more than the anchor admits is still caught.
   * Only a contiguous oldest part of a chain is deleted: it stops at the first event at or after `before`.
   */
  async prune(before: Date): Promise<{ deleted: number }> {
    let deleted = 0;
    for (const instance of await this.#instances()) {
      deleted += await this.#writeTransaction(instance, async (conn) => {
        const keep = await conn
          .selectFrom('audit_events')
          .select((eb) => eb.fn.min('seq').as('seq'))
          .where('instance_id', '=', instance)
          .where('time_ms', '>=', before.getTime())
          .executeTakeFirst();
        const last =
          keep?.seq !== null && keep?.seq !== undefined
            ? await conn
                .selectFrom('audit_events')
                .select(['seq', 'hash'])
                .where('instance_id', '=', instance)
                .where('seq', '<', Number(keep.seq))
                .orderBy('seq', 'desc')
                .limit(1)
                .executeTakeFirst()
            : await conn
                .selectFrom('audit_events')
                .select(['seq', 'hash'])
                .where('instance_id', '=', instance)
                .orderBy('seq', 'desc')
                .limit(1)
                .executeTakeFirst();
        if (!last) return 0;
        const result = await conn
          .deleteFrom('audit_events')
          .where('instance_id', '=', instance)
          .where('seq', '<=', last.seq)
          .executeTakeFirst();
        const anchor = {
          instance_id: instance,
          seq: last.seq,
          hash: last.hash,
          mac: this.anchorMac(last.seq, last.hash, instance),
          pruned_ms: Date.now(),
        };
        await conn
          .insertInto('audit_anchors')
          .values(anchor)
          .onConflict((oc) =>
            oc.column('instance_id').doUpdateSet({
              seq: anchor.seq,
              hash: anchor.hash,
              mac: anchor.mac,
              pruned_ms: anchor.pruned_ms,
            }),
          )
          .execute();
        return Number(result.numDeletedRows);
      });
    }
    return { deleted };
  }

  async #head(conn: Kysely<StoreSchema>): Promise<{ seq: number; hash: string }> {
    const head = await conn
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('instance_id', '=', this.instanceId)
      .executeTakeFirst();
    if (head) return head;
    // No checkpoint (first event, or it was removed): continue from the newest row, if any.
    const last = await conn
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('instance_id', '=', this.instanceId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last) return last;
    const anchor = await conn
      .selectFrom('audit_anchors')
      .select(['seq', 'hash'])
      .where('instance_id', '=', this.instanceId)
      .executeTakeFirst();
    return anchor ?? { seq: 0, hash: GENESIS_HASH };
  }

  anchorMac(seq: number, hash: string, instanceId: string): string {
    return createHmac('sha256', this.#headKey).update(`anchor\n${instanceId}\n${seq}\n${hash}`).digest('hex');
  }

  headMac(seq: number, hash: string, instanceId = this.instanceId): string {
    return createHmac('sha256', this.#headKey).update(`${instanceId}\n${seq}\n${hash}`).digest('hex');
  }

  async verify(options: { instanceId?: string } = {}): Promise<AuditVerifyResult> {
    const instances = options.instanceId ? [options.instanceId] : await this.#instances();
    const problems: AuditProblem[] = [];
    const macs = {
      head: (seq: number, hash: string, instance: string) => this.headMac(seq, hash, instance),
      anchor: (seq: number, hash: string, instance: string) => this.anchorMac(seq, hash, instance),
    };
    let checked = 0;
    for (const instance of instances) checked += await verifyChain(this.#db, instance, macs, problems);
    return { ok: problems.length === 0, checked, instances, problems };
  }

  async #instances(): Promise<string[]> {
    const [heads, anchors, events] = await Promise.all([
      this.#db.selectFrom('audit_heads').select('instance_id').execute(),
      this.#db.selectFrom('audit_anchors').select('instance_id').execute(),
      this.#db.selectFrom('audit_events').select('instance_id').distinct().execute(),
    ]);
    return [...new Set([...heads, ...anchors, ...events].map((r) => r.instance_id))].sort();
  }

  async list(
    filter: { tenant?: string; since?: Date; until?: Date; limit?: number } = {},
  ): Promise<AuditEvent[]> {
    let query = this.#db.selectFrom('audit_events').selectAll();
    if (filter.tenant !== undefined) query = query.where('tenant', '=', filter.tenant);
    if (filter.since) query = query.where('time_ms', '>=', filter.since.getTime());
    if (filter.until) query = query.where('time_ms', '<', filter.until.getTime());
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
    const rows = await query.orderBy('time_ms', 'desc').orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(toAuditEvent);
  }
}
