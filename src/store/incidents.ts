/**
 * Incidents: each time the model generated illegal content (an output block). Status moves only
 * forward along open → contained → rectified → reported → closed (steps may be skipped, never
 * undone); each status keeps its time and every move is kept in the history with its note.
 */
import type { Kysely } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import { randomId } from './ids.js';
import { storable, storableOrNull } from './text.js';
import type { IncidentHistoryTable, IncidentsTable, StoreSchema } from './schema.js';

export const INCIDENT_STATUSES = ['open', 'contained', 'rectified', 'reported', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface IncidentInput {
  tenant: string | null;
  user: string | null;
  model: string | null;
  category: string;
  categories: string[];
  evidenceRef: string | null;
  requestId: string;
  detectedAt?: Date;
  /** Given when the gateway already stopped the output (it then starts as `contained`). */
  containedAt?: Date;
}

export interface IncidentStep {
  from: IncidentStatus | null;
  to: IncidentStatus;
  at: Date;
  note: string | null;
}

export interface Incident {
  id: string;
  status: IncidentStatus;
  tenant: string | null;
  user: string | null;
  model: string | null;
  category: string;
  categories: string[];
  evidenceRef: string | null;
  requestId: string;
  detectedAt: Date;
  containedAt: Date | null;
  rectifiedAt: Date | null;
  reportedAt: Date | null;
  closedAt: Date | null;
  updatedAt: Date;
  history: IncidentStep[];
}

export interface Incidents {
  open(input: IncidentInput): Promise<{ id: string }>;
  /** Moves forward to `to`; `conflict` for a backward or repeated move, `not_found` for an unknown id. */
  transition(id: string, to: IncidentStatus, note?: string): Promise<Incident>;
  get(id: string): Promise<Incident | null>;
  /** Newest first. */
  list(filter?: {
    status?: IncidentStatus;
    tenant?: string;
    since?: Date;
    limit?: number;
  }): Promise<Incident[]>;
}

const TIME_COLUMN = {
  contained: 'contained_ms',
  rectified: 'rectified_ms',
  reported: 'reported_ms',
  closed: 'closed_ms',
} as const;

export function isIncidentStatus(value: string): value is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(value);
}

function date(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/** `INC-20260130-k3m9x2ab`: the UTC detection day and 8 random characters. */
function incidentId(detected: Date): string {
  return `INC-${detected.toISOString().slice(0, 10).replaceAll('-', '')}-${randomId(8)}`;
}

export class SqlIncidents implements Incidents {
  readonly #db: Kysely<StoreSchema>;

  constructor(db: Kysely<StoreSchema>) {
    this.#db = db;
  }

  async open(input: IncidentInput): Promise<{ id: string }> {
    if (!input.category) throw new HeguiError('input_invalid', 'a category is required', 'incident.category');
    if (!input.requestId)
      throw new HeguiError('input_invalid', 'a request id is required', 'incident.requestId');
    const detected = input.detectedAt ?? new Date();
    const contained = input.containedAt ?? null;
    const id = incidentId(detected);
    const status: IncidentStatus = contained ? 'contained' : 'open';
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('incidents')
        .values({
          id,
          tenant: storableOrNull(input.tenant),
          user_id: storableOrNull(input.user),
          model: storableOrNull(input.model),
          category: storable(input.category),
          categories: JSON.stringify(input.categories.map((c) => storable(String(c), 128))),
          evidence_ref: storableOrNull(input.evidenceRef),
          request_id: storable(input.requestId),
          status,
          detected_ms: detected.getTime(),
          contained_ms: contained?.getTime() ?? null,
          rectified_ms: null,
          reported_ms: null,
          closed_ms: null,
          updated_ms: (contained ?? detected).getTime(),
        })
        .execute();
      const steps: IncidentHistoryTable[] = [
        {
          incident_id: id,
          step: 1,
          from_status: null,
          to_status: 'open',
          at_ms: detected.getTime(),
          note: null,
        },
      ];
      if (contained) {
        steps.push({
          incident_id: id,
          step: 2,
          from_status: 'open',
          to_status: 'contained',
          at_ms: contained.getTime(),
          note: 'output stopped by the gateway',
        });
      }
      await tx.insertInto('incident_history').values(steps).execute();
    });
    return { id };
  }

  async transition(id: string, to: IncidentStatus, note?: string): Promise<Incident> {
    if (!isIncidentStatus(to)) {
      throw new HeguiError(
        'input_invalid',
        `unknown status ${String(to)}; one of ${INCIDENT_STATUSES.join(', ')}`,
      );
    }
    const now = Date.now();
    await this.#db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new HeguiError('not_found', `no incident ${id}`);
      const from = row.status as IncidentStatus;
      if (INCIDENT_STATUSES.indexOf(to) <= INCIDENT_STATUSES.indexOf(from)) {
        throw new HeguiError('conflict', `incident ${id} is ${from}; it can only move forward, not to ${to}`);
      }
      const updated = await tx
        .updateTable('incidents')
        .set({ status: to, [TIME_COLUMN[to as keyof typeof TIME_COLUMN]]: now, updated_ms: now })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        throw new HeguiError('conflict', `incident ${id} changed meanwhile; try again`);
      }
      const last = await tx
        .selectFrom('incident_history')
        .select((eb) => eb.fn.max('step').as('step'))
        .where('incident_id', '=', id)
        .executeTakeFirst();
      await tx
        .insertInto('incident_history')
        .values({
          incident_id: id,
          step: Number(last?.step ?? 0) + 1,
          from_status: from,
          to_status: to,
          at_ms: now,
          note: storableOrNull(note, 10_000),
        })
        .execute();
    });
    return (await this.get(id)) as Incident;
  }

  async get(id: string): Promise<Incident | null> {
    const row = await this.#db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return (await this.#withHistory([row]))[0] ?? null;
  }

  async list(
    filter: { status?: IncidentStatus; tenant?: string; since?: Date; limit?: number } = {},
  ): Promise<Incident[]> {
    let query = this.#db.selectFrom('incidents').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.tenant !== undefined) query = query.where('tenant', '=', filter.tenant);
    if (filter.since) query = query.where('detected_ms', '>=', filter.since.getTime());
    const limit = Math.min(Math.max(filter.limit ?? 1000, 1), 100_000);
    const rows = await query.orderBy('detected_ms', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return this.#withHistory(rows);
  }

  async #withHistory(rows: IncidentsTable[]): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const history = new Map<string, IncidentStep[]>();
    // Chunked so the parameter list stays within both databases' limits.
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      const steps = await this.#db
        .selectFrom('incident_history')
        .selectAll()
        .where('incident_id', 'in', ids)
        .orderBy('incident_id')
        .orderBy('step')
        .execute();
      for (const s of steps) {
        const list = history.get(s.incident_id) ?? [];
        list.push({
          from: s.from_status as IncidentStatus | null,
          to: s.to_status as IncidentStatus,
          at: new Date(s.at_ms),
          note: s.note,
        });
        history.set(s.incident_id, list);
      }
    }
    return rows.map((row) => ({
      id: row.id,
      status: row.status as IncidentStatus,
      tenant: row.tenant,
      user: row.user_id,
      model: row.model,
      category: row.category,
      categories: JSON.parse(row.categories) as string[],
      evidenceRef: row.evidence_ref,
      requestId: row.request_id,
      detectedAt: new Date(row.detected_ms),
      containedAt: date(row.contained_ms),
      rectifiedAt: date(row.rectified_ms),
      reportedAt: date(row.reported_ms),
      closedAt: date(row.closed_ms),
      updatedAt: new Date(row.updated_ms),
      history: history.get(row.id) ?? [],
    }));
  }
}
