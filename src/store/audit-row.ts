/**
 * One audit event as input, as a row and as read back; the row's canonical serialisation and chain
 * hash: `hash = sha256(prev_hash ‖ "\n" ‖ canonical JSON of the row)`, the row including the instance
 * id and `seq`.
 */
import { createHash } from 'node:crypto';
import { HeguiError } from '../engine/errors.js';
import type { AuditEventsTable } from './schema.js';
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

export const GENESIS_HASH = '0'.repeat(64);

/** INTEGER columns are 32-bit on PostgreSQL; a larger value would fail the whole group commit. */
const INT32_MAX = 2_147_483_647;

export type RowBody = Omit<AuditEventsTable, 'prev_hash' | 'hash'>;

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

export function bodyOf(row: AuditEventsTable): RowBody {
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

export function toBody(instanceId: string, e: AuditEventInput): Omit<RowBody, 'seq'> {
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
