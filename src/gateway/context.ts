/**
 * What the gateway learns about one request as it is handled; becomes exactly one audit event.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEventInput } from '../store/index.js';

export interface RequestContext {
  readonly requestId: string;
  readonly started: number;
  route: string;
  tenant: string | null;
  keyId: string | null;
  policyPath: string | null;
  user: string | null;
  model: string | null;
  status: number;
  errorCode: string | null;
  input: { action: string; categories: string[] } | null;
  output: { action: string; categories: string[] } | null;
  policyVersion: string | null;
  upstreamMs: number | null;
  moderationMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  evidenceRef: string | null;
  sanction: string | null;
  /** Seconds until a restriction ends, sent as `Retry-After`. */
  retryAfter: number | null;
  /** Set once the event has been written, so error paths never write a second one. */
  audited: boolean;
}

export function newContext(route: string): RequestContext {
  return {
    requestId: `req_${randomUUID().replace(/-/g, '')}`,
    started: performance.now(),
    route,
    tenant: null,
    keyId: null,
    policyPath: null,
    user: null,
    model: null,
    status: 200,
    errorCode: null,
    input: null,
    output: null,
    policyVersion: null,
    upstreamMs: null,
    moderationMs: 0,
    promptTokens: null,
    completionTokens: null,
    evidenceRef: null,
    sanction: null,
    retryAfter: null,
    audited: false,
  };
}

export function toAuditEvent(ctx: RequestContext): AuditEventInput {
  return {
    requestId: ctx.requestId,
    tenant: ctx.tenant,
    user: ctx.user,
    route: ctx.route,
    model: ctx.model,
    status: ctx.status,
    errorCode: ctx.errorCode,
    input: ctx.input,
    output: ctx.output,
    latencyMs: Math.round((performance.now() - ctx.started) * 1000) / 1000,
    upstreamMs: ctx.upstreamMs === null ? null : Math.round(ctx.upstreamMs * 1000) / 1000,
    moderationMs: Math.round(ctx.moderationMs * 1000) / 1000,
    promptTokens: ctx.promptTokens,
    completionTokens: ctx.completionTokens,
    policyVersion: ctx.policyVersion,
    evidenceRef: ctx.evidenceRef,
    sanction: ctx.sanction,
  };
}
