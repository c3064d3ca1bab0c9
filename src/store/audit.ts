/**
 * The audit log: one hash-chained sequence of events per gateway instance, written by group commit.
 *
 * `hash = sha256(prev_hash ‖ "\n" ‖ canonical JSON of the row)`, where the row includes the instance
 * id and `seq`, so editing, deleting or reordering rows breaks a recomputation. Each commit also
 * moves the instance's head checkpoint (`audit_heads`), MACed with the secret key, so deleting the
 * newest rows is caught too.
 */
import { createHash, createHmac } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import type { Dialect } from './connect.js';
import type { AuditEventsTable, StoreSchema } from './schema.js';
import { subkey } from './secret.js';
import { storable, storableOrNull } from './text.js';

export interface AuditEventInput {
  time?: Date;
  requestId: string;
  tenant: string | null;
  /** Already pseudonymous (see `pseudonymize`). */
  user: string | null;
  route: string;
  model: string | null;
  status: number;
  errorCode?: string | null;
  input?: { action: string; categories: string[] } | null;
  output?: { action: string; categories: string[] } | null;
  latencyMs: number;
  upstreamMs?: number | null;
  moderationMs?: number | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  policyVersion: string | null;
  evidenceRef?: string | null;
  sanction?: string | null;
}

export interface AuditEvent {
  instanceId: string;
  seq: number;
  prevHash: string;
  hash: string;
  time: Date;
  requestId: string;
  tenant: string | null;
  user: string | null;
  route: string;
  model: string | null;
  status: number;
  errorCode: string | null;
  input: { action: string; categories: string[] } | null;
  output: { action: string; categories: string[] } | null;
  latencyMs: number;
  upstreamMs: number | null;
  moderationMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  policyVersion: string | null;
  evidenceRef: string | null;
  sanction: string | null;
}

export type AuditProblemKind = 'edited' | 'missing' | 'reordered' | 'broken_link';

export interface AuditProblem {
  instanceId: string;
  seq: number;
  kind: AuditProblemKind;
  detail: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  instances: string[];
  problems: AuditProblem[];
}

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

export const GENESIS_HASH = '0'.repeat(64);
/** Most events committed in one transaction. */
const MAX_BATCH = 512;
const VERIFY_PAGE = 2000;
/** How far from its stored position a reordered row is looked for. */
const REORDER_WINDOW = 64;
const REORDER_SEARCHES = 1000;

/** INTEGER columns are 32-bit on PostgreSQL; a larger value would fail the whole group commit. */
const INT32_MAX = 2_147_483_647;

type RowBody = Omit<AuditEventsTable, 'prev_hash' | 'hash'>;

interface Pending {
  body: Omit<RowBody, 'seq'>;
  resolve: (value: { seq: number; hash: string }) => void;
  reject: (err: unknown) => void;
}

/** JSON with object keys sorted at every level; the chain's byte-exact serialisation. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const ROW_KEYS: readonly (keyof RowBody)[] = (
  [
    'instance_id',
    'seq',
    'time_ms',
    'request_id',
    'tenant',
    'user_id',
    'route',
    'model',
    'status',
    'error_code',
    'input_action',
    'input_categories',
    'output_action',
    'output_categories',
    'latency_ms',
    'upstream_ms',
    'moderation_ms',
    'prompt_tokens',
    'completion_tokens',
    'policy_version',
    'evidence_ref',
    'sanction',
  ] as const
).toSorted();
const KEY_PREFIXES = ROW_KEYS.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);

/** `canonicalJson(body)` for an audit row, without the generic walk (the row is flat, its keys fixed). */
export function rowJson(body: RowBody): string {
  let out = '';
  for (let i = 0; i < ROW_KEYS.length; i++) {
    out += KEY_PREFIXES[i] + JSON.stringify(body[ROW_KEYS[i] as keyof RowBody] ?? null);
  }
  return `${out}}`;
}

export function chainHash(prevHash: string, body: RowBody): string {
  return createHash('sha256').update(prevHash).update('\n').update(rowJson(body)).digest('hex');
}

function bodyOf(row: AuditEventsTable): RowBody {
  const { prev_hash: _p, hash: _h, ...body } = row;
  return body;
}

function invalid(field: string, why: string): HeguiError {
  return new HeguiError('input_invalid', why, `audit.${field}`);
}

function optionalCount(value: number | null | undefined, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 0 || value > INT32_MAX) {
    throw invalid(field, `must be an integer from 0 to ${INT32_MAX}`);
  }
  return value;
}

/** Milliseconds rounded to microseconds: the stored double then round-trips exactly in both databases. */
function duration(value: number | null | undefined, field: string, required: boolean): number | null {
  if (value === undefined || value === null) {
    if (required) throw invalid(field, 'is required');
    return null;
  }
  if (!Number.isFinite(value) || value < 0) throw invalid(field, 'must be a finite non-negative number');
  return Math.round(value * 1000) / 1000;
}

function verdictColumns(v: { action: string; categories: string[] } | null | undefined, field: string) {
  if (!v) return { action: null, categories: null };
  if (typeof v.action !== 'string' || !Array.isArray(v.categories))
    throw invalid(field, 'needs action and categories');
  return {
    action: storable(v.action),
    categories: JSON.stringify(v.categories.map((c) => storable(String(c), 128))),
  };
}

function toBody(instanceId: string, e: AuditEventInput): Omit<RowBody, 'seq'> {
  if (typeof e.requestId !== 'string' || e.requestId === '') throw invalid('requestId', 'is required');
  if (typeof e.route !== 'string' || e.route === '') throw invalid('route', 'is required');
  if (!Number.isInteger(e.status) || e.status < 0 || e.status > 999) {
    throw invalid('status', 'must be an HTTP status (integer 0–999)');
  }
  const time = e.time ?? new Date();
  if (Number.isNaN(time.getTime())) throw invalid('time', 'is not a valid date');
  const input = verdictColumns(e.input, 'input');
  const output = verdictColumns(e.output, 'output');
  return {
    instance_id: instanceId,
    time_ms: time.getTime(),
    request_id: storable(e.requestId),
    tenant: storableOrNull(e.tenant),
    user_id: storableOrNull(e.user),
    route: storable(e.route),
    model: storableOrNull(e.model),
    status: e.status,
    error_code: storableOrNull(e.errorCode),
    input_action: input.action,
    input_categories: input.categories,
    output_action: output.action,
    output_categories: output.categories,
    latency_ms: duration(e.latencyMs, 'latencyMs', true) as number,
    upstream_ms: duration(e.upstreamMs, 'upstreamMs', false),
    moderation_ms: duration(e.moderationMs, 'moderationMs', false),
    prompt_tokens: optionalCount(e.promptTokens, 'promptTokens'),
    completion_tokens: optionalCount(e.completionTokens, 'completionTokens'),
    policy_version: storableOrNull(e.policyVersion),
    evidence_ref: storableOrNull(e.evidenceRef),
    sanction: storableOrNull(e.sanction),
  };
}

function verdictOf(action: string | null, categories: string | null) {
  return action === null
    ? null
    : { action, categories: categories ? (JSON.parse(categories) as string[]) : [] };
}

export function toAuditEvent(row: AuditEventsTable): AuditEvent {
  return {
    instanceId: row.instance_id,
    seq: row.seq,
    prevHash: row.prev_hash,
    hash: row.hash,
    time: new Date(row.time_ms),
    requestId: row.request_id,
    tenant: row.tenant,
    user: row.user_id,
    route: row.route,
    model: row.model,
    status: row.status,
    errorCode: row.error_code,
    input: verdictOf(row.input_action, row.input_categories),
    output: verdictOf(row.output_action, row.output_categories),
    latencyMs: row.latency_ms,
    upstreamMs: row.upstream_ms,
    moderationMs: row.moderation_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    policyVersion: row.policy_version,
    evidenceRef: row.evidence_ref,
    sanction: row.sanction,
  };
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
    let checked = 0;
    for (const instance of instances) checked += await this.#verifyChain(instance, problems);
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

  async #verifyChain(instance: string, problems: AuditProblem[]): Promise<number> {
    const report = (seq: number, kind: AuditProblemKind, detail: string) =>
      problems.push({ instanceId: instance, seq, kind, detail });
    const head = await this.#db
      .selectFrom('audit_heads')
      .selectAll()
      .where('instance_id', '=', instance)
      .executeTakeFirst();
    if (head && head.mac !== this.headMac(head.seq, head.hash, instance)) {
      report(
        head.seq,
        'edited',
        'the head checkpoint’s MAC does not match (altered, or a different secret key)',
      );
    }
    const anchor = await this.#db
      .selectFrom('audit_anchors')
      .selectAll()
      .where('instance_id', '=', instance)
      .executeTakeFirst();
    if (anchor && anchor.mac !== this.anchorMac(anchor.seq, anchor.hash, instance)) {
      report(
        anchor.seq,
        'edited',
        'the retention anchor’s MAC does not match (altered, or a different secret key)',
      );
    }
    // After pruning, the chain starts right after the anchor (the last deleted event).
    let expected = anchor ? anchor.seq + 1 : 1;
    let prevHash = anchor ? anchor.hash : GENESIS_HASH;
    // A bad anchor is reported once; the first row's link to it would only repeat that.
    let prevOk = !anchor || anchor.mac === this.anchorMac(anchor.seq, anchor.hash, instance);
    let checked = 0;
    let searches = 0;
    let headSeen = false;
    for (;;) {
      const page = await this.#db
        .selectFrom('audit_events')
        .selectAll()
        .where('instance_id', '=', instance)
        .where('seq', '>=', expected)
        .orderBy('seq')
        .limit(VERIFY_PAGE)
        .execute();
      for (const row of page) {
        checked += 1;
        let gap = false;
        if (row.seq > expected) {
          gap = true;
          report(
            expected,
            'missing',
            row.seq - 1 === expected
              ? `row ${expected} is missing`
              : `rows ${expected}–${row.seq - 1} are missing`,
          );
        }
        const body = bodyOf(row);
        let ok = chainHash(row.prev_hash, body) === row.hash;
        if (!ok) {
          const original = searches++ < REORDER_SEARCHES ? this.#originalSeq(row, body) : null;
          if (original !== null) {
            report(row.seq, 'reordered', `row stored as ${row.seq} was written as ${original}`);
          } else {
            report(row.seq, 'edited', `row ${row.seq}’s contents do not match its hash`);
          }
        } else if (!gap && prevOk && row.prev_hash !== prevHash) {
          ok = false;
          report(row.seq, 'broken_link', `row ${row.seq} does not follow row ${row.seq - 1}`);
        }
        if (head && row.seq === head.seq) {
          headSeen = true;
          if (row.hash !== head.hash)
            report(row.seq, 'edited', `row ${row.seq} differs from the head checkpoint`);
        }
        prevOk = ok;
        prevHash = row.hash;
        expected = row.seq + 1;
      }
      if (page.length < VERIFY_PAGE) break;
    }
    if (head && !headSeen && !(anchor && anchor.seq === head.seq && checked === 0)) {
      report(
        expected,
        'missing',
        expected > head.seq
          ? `row ${head.seq}, the head checkpoint, is missing`
          : `rows ${expected}–${head.seq} are missing (the head checkpoint is at ${head.seq})`,
      );
    } else if (!head && checked > 0) {
      report(expected - 1, 'missing', 'the chain’s head checkpoint is missing');
    }
    return checked;
  }

  /** The position a row was hashed at, if it is near where it is stored now. */
  #originalSeq(row: AuditEventsTable, body: RowBody): number | null {
    for (let d = 1; d <= REORDER_WINDOW; d++) {
      for (const seq of [row.seq - d, row.seq + d]) {
        if (seq >= 1 && chainHash(row.prev_hash, { ...body, seq }) === row.hash) return seq;
      }
    }
    return null;
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
