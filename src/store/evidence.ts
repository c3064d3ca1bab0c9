/**
 * The evidence vault: blocked content, encrypted with AES-256-GCM under a data key per end user.
 * Data keys are stored wrapped (AES-256-GCM) by a subkey of the secret key; deleting a user's data
 * key (`shred`) makes all their evidence unreadable, including copies in backups.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { HeguiError } from '../engine/errors.js';
import { orderedId } from './ids.js';
import type { StoreSchema } from './schema.js';
import { subkey } from './secret.js';
import { storable, storableOrNull } from './text.js';

export interface EvidenceVault {
  /** Encrypts and stores the text; returns its reference (`ev_…`). */
  put(
    user: string | null,
    tenant: string | null,
    plaintext: string,
    meta?: { kind: string },
  ): Promise<string>;
  /** The text, or null when there is no such evidence or its owner was shredded; `evidence_unreadable` if decryption fails. */
  get(ref: string): Promise<string | null>;
  /** Deletes the user's data key and evidence; returns how many evidence items became unreadable. */
  shred(user: string): Promise<number>;
}

/** Data-key owner for evidence with no identified end user. */
export const ANONYMOUS_OWNER = '-';
const CACHE_LIMIT = 10_000;

interface Sealed {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function seal(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function open(key: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** `iv.ciphertext.tag`, base64url each. */
function packWrapped(s: Sealed): string {
  return [s.iv, s.ciphertext, s.tag].map((b) => b.toString('base64url')).join('.');
}

function unpackWrapped(text: string): Sealed {
  const [iv, ciphertext, tag] = text.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !ciphertext || !tag) throw new Error('malformed wrapped key');
  return { iv, ciphertext, tag };
}

export class SqlEvidenceVault implements EvidenceVault {
  readonly #db: Kysely<StoreSchema>;
  readonly #wrapKey: Buffer;
  readonly #keys = new Map<string, Buffer>();

  constructor(db: Kysely<StoreSchema>, secret: Buffer) {
    this.#db = db;
    this.#wrapKey = subkey(secret, 'evidence-wrap');
  }

  async put(
    user: string | null,
    tenant: string | null,
    plaintext: string,
    meta: { kind: string } = { kind: 'text' },
  ): Promise<string> {
    const owner = user === null ? ANONYMOUS_OWNER : storable(user);
    const key = await this.#dataKey(owner, true);
    const id = `ev_${orderedId()}`;
    const sealed = seal(key as Buffer, Buffer.from(plaintext, 'utf8'), id);
    await this.#db
      .insertInto('evidence')
      .values({
        id,
        owner,
        tenant: storableOrNull(tenant),
        kind: storable(meta.kind, 64),
        iv: sealed.iv.toString('base64'),
        ciphertext: sealed.ciphertext.toString('base64'),
        tag: sealed.tag.toString('base64'),
        created_ms: Date.now(),
      })
      .execute();
    return id;
  }

  async get(ref: string): Promise<string | null> {
    const row = await this.#db.selectFrom('evidence').selectAll().where('id', '=', ref).executeTakeFirst();
    if (!row) return null;
    const key = await this.#dataKey(row.owner, false);
    if (!key) return null;
    try {
      const sealed = {
        iv: Buffer.from(row.iv, 'base64'),
        ciphertext: Buffer.from(row.ciphertext, 'base64'),
        tag: Buffer.from(row.tag, 'base64'),
      };
      return open(key, sealed, row.id).toString('utf8');
    } catch (err) {
      throw new HeguiError(
        'evidence_unreadable',
        `evidence ${ref} fails authentication (altered?)`,
        undefined,
        {
          cause: err,
        },
      );
    }
  }

  async shred(user: string): Promise<number> {
    const owner = storable(user);
    this.#keys.delete(owner);
    const count = await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('data_keys').where('owner', '=', owner).execute();
      const deleted = await tx.deleteFrom('evidence').where('owner', '=', owner).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
    // A put that read the key before the delete may have cached it again.
    this.#keys.delete(owner);
    return count;
  }

  /** The owner's data key, created on first use when `create`; null if it does not exist. */
  async #dataKey(owner: string, create: boolean): Promise<Buffer | null> {
    const cached = this.#keys.get(owner);
    if (cached) return cached;
    let row = await this.#db
      .selectFrom('data_keys')
      .selectAll()
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (!row) {
      if (!create) return null;
      const fresh = {
        owner,
        wrapped: packWrapped(seal(this.#wrapKey, randomBytes(32), owner)),
        created_ms: Date.now(),
      };
      // Two requests for a new user may race: the first key written wins and both use it.
      await this.#db
        .insertInto('data_keys')
        .values(fresh)
        .onConflict((oc) => oc.column('owner').doNothing())
        .execute();
      row = await this.#db
        .selectFrom('data_keys')
        .selectAll()
        .where('owner', '=', owner)
        .executeTakeFirstOrThrow();
    }
    let key: Buffer;
    try {
      key = open(this.#wrapKey, unpackWrapped(row.wrapped), owner);
    } catch (err) {
      throw new HeguiError(
        'evidence_unreadable',
        'a data key cannot be unwrapped: the secret key differs from the one the evidence was stored with',
        undefined,
        { cause: err },
      );
    }
    if (this.#keys.size >= CACHE_LIMIT) this.#keys.clear();
    this.#keys.set(owner, key);
    return key;
  }
}
