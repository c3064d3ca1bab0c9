/**
 * Tenants' API keys: `hg_<prefix>_<secret>`. Only the SHA-256 of the whole key is stored (the key
 * carries 256 random bits, so a plain hash is enough) next to the visible prefix it is looked up by.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import { randomId } from './ids.js';
import { storable, storableOrNull } from './text.js';
import type { ApiKeysTable, StoreSchema } from './schema.js';

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  tenant: string;
  name: string | null;
  policy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeys {
  /** The key is returned once and never stored. */
  create(
    tenant: string,
    options?: { policy?: string; name?: string },
  ): Promise<{ id: string; key: string; prefix: string }>;
  /** The key's owner, or null for a malformed, unknown or revoked key. */
  authenticate(key: string): Promise<{ id: string; tenant: string; policy: string | null } | null>;
  /** Revokes by id or prefix; false if no such active key. */
  revoke(idOrPrefix: string): Promise<boolean>;
  list(tenant?: string): Promise<ApiKeyInfo[]>;
}

const KEY_FORMAT = /^hg_([0-9a-z]{8})_([A-Za-z0-9_-]{43})$/;
/** How long a lookup (hit or miss) is reused; revocation elsewhere takes effect within this. */
export const KEY_CACHE_MS = 2000;
const CACHE_LIMIT = 10_000;

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function info(row: ApiKeysTable): ApiKeyInfo {
  return {
    id: row.id,
    prefix: row.prefix,
    tenant: row.tenant,
    name: row.name,
    policy: row.policy,
    createdAt: new Date(row.created_ms),
    revokedAt: row.revoked_ms === null ? null : new Date(row.revoked_ms),
  };
}

export class SqlApiKeys implements ApiKeys {
  readonly #db: Kysely<StoreSchema>;
  readonly #cache = new Map<string, { row: ApiKeysTable | undefined; at: number }>();
  readonly #cacheMs: number;

  constructor(db: Kysely<StoreSchema>, cacheMs = KEY_CACHE_MS) {
    this.#db = db;
    this.#cacheMs = cacheMs;
  }

  async create(
    tenant: string,
    options: { policy?: string; name?: string } = {},
  ): Promise<{ id: string; key: string; prefix: string }> {
    if (typeof tenant !== 'string' || tenant.trim() === '') {
      throw new HeguiError('input_invalid', 'a tenant is required', 'tenant');
    }
    for (let attempt = 0; ; attempt++) {
      const prefix = randomId(8);
      const key = `hg_${prefix}_${randomBytes(32).toString('base64url')}`;
      const id = randomUUID();
      try {
        await this.#db
          .insertInto('api_keys')
          .values({
            id,
            prefix,
            key_hash: hashKey(key).toString('hex'),
            tenant: storable(tenant),
            name: storableOrNull(options.name),
            policy: storableOrNull(options.policy, 4096),
            created_ms: Date.now(),
            revoked_ms: null,
          })
          .execute();
        this.#cache.delete(prefix);
        return { id, key, prefix };
      } catch (err) {
        // A prefix collision (1 in 2^40 per existing key) is retried; anything else is a store failure.
        const taken = await this.#db
          .selectFrom('api_keys')
          .select('id')
          .where('prefix', '=', prefix)
          .executeTakeFirst()
          .catch(() => undefined);
        if (!taken || attempt >= 3) throw storeFailure(err);
      }
    }
  }

  async authenticate(key: string): Promise<{ id: string; tenant: string; policy: string | null } | null> {
    const match = typeof key === 'string' ? KEY_FORMAT.exec(key) : null;
    if (!match) return null;
    const prefix = match[1] as string;
    const row = await this.#lookup(prefix);
    if (!row || row.revoked_ms !== null) return null;
    const stored = Buffer.from(row.key_hash, 'hex');
    const given = hashKey(key);
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
    return { id: row.id, tenant: row.tenant, policy: row.policy };
  }

  async #lookup(prefix: string): Promise<ApiKeysTable | undefined> {
    const now = Date.now();
    const cached = this.#cache.get(prefix);
    if (cached && now - cached.at < this.#cacheMs) return cached.row;
    let row: ApiKeysTable | undefined;
    try {
      row = await this.#db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
    } catch (err) {
      throw storeFailure(err);
    }
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(prefix, { row, at: now });
    return row;
  }

  async revoke(idOrPrefix: string): Promise<boolean> {
    const value = idOrPrefix.replace(/^hg_/, '').replace(/_$/, '');
    const result = await this.#db
      .updateTable('api_keys')
      .set({ revoked_ms: Date.now() })
      .where((eb) => eb.or([eb('id', '=', value), eb('prefix', '=', value)]))
      .where('revoked_ms', 'is', null)
      .executeTakeFirst();
    this.#cache.clear();
    return Number(result.numUpdatedRows) > 0;
  }

  async list(tenant?: string): Promise<ApiKeyInfo[]> {
    let query = this.#db.selectFrom('api_keys').selectAll();
    if (tenant !== undefined) query = query.where('tenant', '=', tenant);
    const rows = await query.orderBy('created_ms').orderBy('id').execute();
    return rows.map(info);
  }
}

export function storeFailure(err: unknown): HeguiError {
  if (err instanceof HeguiError) return err;
  return new HeguiError('store_unavailable', `the database failed: ${(err as Error).message}`, undefined, {
    cause: err,
  });
}
