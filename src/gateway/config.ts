/**
 * Gateway configuration: one zod schema, read from a YAML file (`HEGUI_CONFIG` / `--config`) with
 * `HEGUI_*` environment variables on top. An invalid value stops start-up naming the field.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HeguiError } from '../engine/errors.js';

const UpstreamSchema = z.strictObject({
  /** Name used in logs and metrics. */
  name: z.string().min(1),
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:11434/v1` or `https://api.deepseek.com/v1`. */
  url: z.url(),
  /** Key sent upstream as `Authorization: Bearer …`; never returned to clients. */
  apiKey: z.string().optional(),
  /** Model names routed here; `*` matches any (the fallback). Exact names first, then prefixes ending in `*`. */
  models: z.array(z.string().min(1)).default(['*']),
  /** Milliseconds to wait for response headers, and between body chunks (a stalled stream). */
  headersTimeoutMs: z.int().positive().default(60_000),
  bodyTimeoutMs: z.int().positive().default(60_000),
  connections: z.int().positive().default(64),
});
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;

/** GB 45438 labels on what the gateway returns. */
const LabelingSchema = z.strictObject({
  /**
   * The provider's 27-character code (TC260-PG-20252A: `00` + `11` + USCC + extension `1xxxx`), written
   * into every implicit label as ContentProducer. Without it no implicit label is produced, and images
   * are refused (they must carry one).
   */
  producer: z.string().nullable().default(null),
  /** Ed25519 / ECDSA P-256 private key (PEM file) to sign implicit labels; optional. */
  signKey: z.string().nullable().default(null),
  /**
   * Explicit text label on chat answers: `none` (the product's interface shows a persistent label
   * instead, GB 45438 interactive interfaces), `prefix`, `suffix` or `both`.
   */
  text: z.enum(['none', 'prefix', 'suffix', 'both']).default('none'),
  /** Visible label stamped on generated images (edge/corner, ≥ 5 % of the shorter side). */
  imageVisible: z.boolean().default(true),
  /** Images the upstream returns as a URL: fetch and return them labelled (`fetch`), or refuse (`reject`). */
  imageUrls: z.enum(['fetch', 'reject']).default('fetch'),
});
export type LabelingConfig = z.infer<typeof LabelingSchema>;

export const GatewayConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(8787),
  /** Largest accepted request body in bytes (413 above it). */
  bodyLimit: z
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  /** Default policy for keys without one; `null` = the builtin `policies/cn-default.yaml`. */
  policy: z.string().nullable().default(null),
  /** Extra keyword files for every policy (`.txt`, `.csv`, `.bin`, optionally `=CATEGORY`). */
  keywords: z.array(z.string()).default([]),
  upstreams: z.array(UpstreamSchema).default([]),
  dataDir: z.string().default('./data'),
  databaseUrl: z.string().nullable().default(null),
  /** PostgreSQL schema to create and use (several deployments or test runs in one database). */
  databaseSchema: z.string().nullable().default(null),
  redisUrl: z.string().nullable().default(null),
  /** 32-byte key (hex or base64) for evidence encryption and user pseudonyms; generated into dataDir if absent. */
  secretKey: z.string().nullable().default(null),
  /** What a client gets when its input is blocked: a normal completion carrying the refusal, or HTTP 400. */
  inputBlocked: z.enum(['completion', 'error']).default('completion'),
  /** Store the blocked content, encrypted, as evidence (prompts/answers are otherwise never stored). */
  storeEvidence: z.boolean().default(true),
  /** Strike ladder settings; see src/governance/strikes. */
  strikes: z.record(z.string(), z.unknown()).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  labeling: LabelingSchema.prefault({}),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** `HEGUI_*` variables and the config field each sets. */
export const ENVIRONMENT: readonly { name: string; field: string; help: string }[] = [
  { name: 'HEGUI_CONFIG', field: '-', help: 'YAML configuration file' },
  { name: 'HEGUI_HOST', field: 'host', help: 'address to listen on (default 127.0.0.1)' },
  { name: 'HEGUI_PORT', field: 'port', help: 'port (default 8787)' },
  {
    name: 'HEGUI_UPSTREAM_URL',
    field: 'upstreams',
    help: 'a single default upstream, e.g. http://127.0.0.1:11434/v1',
  },
  { name: 'HEGUI_UPSTREAM_API_KEY', field: 'upstreams', help: "that upstream's API key" },
  { name: 'HEGUI_POLICY', field: 'policy', help: 'default policy YAML' },
  { name: 'HEGUI_KEYWORDS', field: 'keywords', help: 'comma-separated keyword files' },
  {
    name: 'HEGUI_DATA_DIR',
    field: 'dataDir',
    help: 'data folder for SQLite and the secret key (default ./data)',
  },
  {
    name: 'HEGUI_DATABASE_URL',
    field: 'databaseUrl',
    help: 'postgres://… to use PostgreSQL instead of SQLite',
  },
  {
    name: 'HEGUI_REDIS_URL',
    field: 'redisUrl',
    help: 'redis://… so several instances share strike counters',
  },
  {
    name: 'HEGUI_SECRET_KEY',
    field: 'secretKey',
    help: '32-byte key, hex or base64 (evidence encryption, pseudonyms)',
  },
  {
    name: 'HEGUI_PRODUCER_CODE',
    field: 'labeling.producer',
    help: 'your 27-character provider code for GB 45438 labels',
  },
  { name: 'HEGUI_LOG_LEVEL', field: 'logLevel', help: 'pino log level (default info)' },
];

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HeguiError('config_invalid', (err as Error).message, path, { cause: err });
  }
  try {
    const value = parseYaml(text) as unknown;
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('the top level must be a mapping');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new HeguiError('config_invalid', `YAML: ${(err as Error).message}`, path, { cause: err });
  }
}

/** Merges file, environment and explicit overrides (in that order) and validates once. */
export function loadGatewayConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Record<string, unknown> = {},
  configPath: string | undefined = env.HEGUI_CONFIG,
): GatewayConfig {
  const raw: Record<string, unknown> = configPath ? readYaml(configPath) : {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined && value !== '') raw[field] = value;
  };
  set('host', env.HEGUI_HOST);
  if (env.HEGUI_PORT !== undefined && env.HEGUI_PORT !== '') {
    const port = Number(env.HEGUI_PORT);
    raw.port = Number.isInteger(port) ? port : env.HEGUI_PORT;
  }
  set('policy', env.HEGUI_POLICY);
  if (env.HEGUI_KEYWORDS)
    raw.keywords = env.HEGUI_KEYWORDS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  set('dataDir', env.HEGUI_DATA_DIR);
  set('databaseUrl', env.HEGUI_DATABASE_URL);
  set('databaseSchema', env.HEGUI_DATABASE_SCHEMA);
  set('redisUrl', env.HEGUI_REDIS_URL);
  set('secretKey', env.HEGUI_SECRET_KEY);
  set('logLevel', env.HEGUI_LOG_LEVEL);
  if (env.HEGUI_PRODUCER_CODE) {
    raw.labeling = {
      ...((raw.labeling as Record<string, unknown>) ?? {}),
      producer: env.HEGUI_PRODUCER_CODE,
    };
  }
  if (env.HEGUI_UPSTREAM_URL) {
    const upstreams = Array.isArray(raw.upstreams) ? [...(raw.upstreams as unknown[])] : [];
    upstreams.push({
      name: 'default',
      url: env.HEGUI_UPSTREAM_URL,
      apiKey: env.HEGUI_UPSTREAM_API_KEY || undefined,
      models: ['*'],
    });
    raw.upstreams = upstreams;
  }
  for (const [field, value] of Object.entries(overrides)) set(field, value);

  const parsed = GatewayConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
    throw new HeguiError('config_invalid', problems.join('; '), configPath ?? 'configuration');
  }
  return parsed.data;
}
