/**
 * The store's tables as Kysely sees them. One representation for both dialects: times are integer
 * milliseconds since the epoch (`*_ms`, BIGINT on PostgreSQL, read back as numbers), lists are JSON
 * text, binary values are base64 text. That keeps every row byte-identical across SQLite and
 * PostgreSQL, which the audit chain's hashes depend on.
 */
export interface AuditEventsTable {
  instance_id: string;
  seq: number;
  prev_hash: string;
  hash: string;
  time_ms: number;
  request_id: string;
  tenant: string | null;
  user_id: string | null;
  route: string;
  model: string | null;
  status: number;
  error_code: string | null;
  input_action: string | null;
  input_categories: string | null;
  output_action: string | null;
  output_categories: string | null;
  latency_ms: number;
  upstream_ms: number | null;
  moderation_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  policy_version: string | null;
  evidence_ref: string | null;
  sanction: string | null;
}

/** The last committed link of each instance's chain, with an HMAC under the secret key. */
export interface AuditHeadsTable {
  instance_id: string;
  seq: number;
  hash: string;
  mac: string;
  updated_ms: number;
}

/** Per chain, the last event deleted by retention: verification starts after it. */
export interface AuditAnchorsTable {
  instance_id: string;
  seq: number;
  hash: string;
  mac: string;
  pruned_ms: number;
}

export interface ApiKeysTable {
  id: string;
  prefix: string;
  key_hash: string;
  tenant: string;
  name: string | null;
  policy: string | null;
  created_ms: number;
  revoked_ms: number | null;
}

export interface IncidentsTable {
  id: string;
  tenant: string | null;
  user_id: string | null;
  model: string | null;
  category: string;
  categories: string;
  evidence_ref: string | null;
  request_id: string;
  status: string;
  detected_ms: number;
  contained_ms: number | null;
  rectified_ms: number | null;
  reported_ms: number | null;
  closed_ms: number | null;
  updated_ms: number;
}

export interface IncidentHistoryTable {
  incident_id: string;
  step: number;
  from_status: string | null;
  to_status: string;
  at_ms: number;
  note: string | null;
}

/** Per-end-user data keys, wrapped (AES-256-GCM) by the secret key. */
export interface DataKeysTable {
  owner: string;
  wrapped: string;
  created_ms: number;
}

export interface EvidenceTable {
  id: string;
  owner: string;
  tenant: string | null;
  kind: string;
  iv: string;
  ciphertext: string;
  tag: string;
  created_ms: number;
}

export interface SanctionsTable {
  id: string;
  tenant: string | null;
  user_id: string;
  level: string;
  reason: string;
  evidence_ref: string | null;
  /** JSON array of every evidence reference the triggering rule counted (null before migration 0003). */
  evidence_refs: string | null;
  until_ms: number | null;
  created_ms: number;
}

export interface StoreSchema {
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  audit_anchors: AuditAnchorsTable;
  api_keys: ApiKeysTable;
  incidents: IncidentsTable;
  incident_history: IncidentHistoryTable;
  data_keys: DataKeysTable;
  evidence: EvidenceTable;
  sanctions: SanctionsTable;
}
