/** The strike ladder's recorded steps: every warning, restriction, suspension, termination and reinstatement. */
import type { Kysely } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import { orderedId } from './ids.js';
import { storable, storableOrNull } from './text.js';
import type { SanctionsTable, StoreSchema } from './schema.js';

export const SANCTION_LEVELS = ['warn', 'restrict', 'suspend', 'terminate', 'reinstate'] as const;
export type SanctionLevel = (typeof SANCTION_LEVELS)[number];

export interface SanctionStepInput {
  tenant: string | null;
  /** Pseudonymous end user. */
  user: string;
  level: SanctionLevel;
  reason: string;
  evidenceRef: string | null;
  /** Every strike the step rests on (the window's or the consecutive run's), oldest first. */
  evidenceRefs?: readonly string[];
  until?: Date | null;
  /** Defaults to now. */
  at?: Date;
}

export interface SanctionStep {
  id: string;
  tenant: string | null;
  user: string;
  level: SanctionLevel;
  reason: string;
  evidenceRef: string | null;
  evidenceRefs: string[];
  until: Date | null;
  at: Date;
}

export interface SanctionLog {
  record(step: SanctionStepInput): Promise<void>;
  /** Oldest first; all users when none is given (newest `limit`, default 1000). */
  list(user?: string, options?: { limit?: number }): Promise<SanctionStep[]>;
  /** The user's most recent step, e.g. to restore a suspension after a restart. */
  latest(user: string): Promise<SanctionStep | null>;
}

function step(row: SanctionsTable): SanctionStep {
  return {
    id: row.id,
    tenant: row.tenant,
    user: row.user_id,
    level: row.level as SanctionLevel,
    reason: row.reason,
    evidenceRef: row.evidence_ref,
    evidenceRefs: row.evidence_refs
      ? (JSON.parse(row.evidence_refs) as string[])
      : row.evidence_ref
        ? [row.evidence_ref]
        : [],
    until: row.until_ms === null ? null : new Date(row.until_ms),
    at: new Date(row.created_ms),
  };
}

export class SqlSanctionLog implements SanctionLog {
  readonly #db: Kysely<StoreSchema>;

  constructor(db: Kysely<StoreSchema>) {
    this.#db = db;
  }

  async record(input: SanctionStepInput): Promise<void> {
    if (!(SANCTION_LEVELS as readonly string[]).includes(input.level)) {
      throw new HeguiError('input_invalid', `unknown sanction level ${input.level}`, 'sanction.level');
    }
    if (!input.user) throw new HeguiError('input_invalid', 'a user is required', 'sanction.user');
    const at = input.at ?? new Date();
    await this.#db
      .insertInto('sanctions')
      .values({
        id: orderedId(at.getTime()),
        tenant: storableOrNull(input.tenant),
        user_id: storable(input.user),
        level: input.level,
        reason: storable(input.reason, 10_000),
        evidence_ref: storableOrNull(input.evidenceRef),
        evidence_refs: input.evidenceRefs?.length
          ? JSON.stringify(input.evidenceRefs.map((r) => storable(r)))
          : null,
        until_ms: input.until ? input.until.getTime() : null,
        created_ms: at.getTime(),
      })
      .execute();
  }

  async list(user?: string, options: { limit?: number } = {}): Promise<SanctionStep[]> {
    let query = this.#db.selectFrom('sanctions').selectAll();
    if (user !== undefined) query = query.where('user_id', '=', user);
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 100_000);
    const rows = await query.orderBy('created_ms', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.reverse().map(step);
  }

  async latest(user: string): Promise<SanctionStep | null> {
    const row = await this.#db
      .selectFrom('sanctions')
      .selectAll()
      .where('user_id', '=', user)
      .orderBy('created_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? step(row) : null;
  }
}
