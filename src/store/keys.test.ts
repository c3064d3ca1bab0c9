/** API keys on both dialects: shown once, stored as a hash, authenticated in constant time, revocable. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './index.js';
import { KEY_CACHE_MS } from './keys.js';
import { openTestStore, TEST_DIALECTS, type TestStore } from './testing.js';

describe.each(TEST_DIALECTS)('API keys on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('creates a key that authenticates its tenant and stores only its hash', async () => {
    const created = await t.store.keys.create('acme', { policy: '/etc/hegui/acme.yaml', name: 'ci' });
    expect(created.key).toMatch(/^hg_[0-9a-z]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`hg_${created.prefix}_`)).toBe(true);
    expect(await t.store.keys.authenticate(created.key)).toEqual({
      id: created.id,
      tenant: 'acme',
      policy: '/etc/hegui/acme.yaml',
    });
    const rows = await t.store.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(12));
    expect(await t.store.keys.list()).toEqual([
      expect.objectContaining({
        id: created.id,
        prefix: created.prefix,
        tenant: 'acme',
        name: 'ci',
        revokedAt: null,
      }),
    ]);
  });

  it('refuses malformed, unknown and altered keys', async () => {
    const { key } = await t.store.keys.create('acme');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    expect(await t.store.keys.authenticate(key.slice(0, -1) + last)).toBeNull();
    expect(await t.store.keys.authenticate(`hg_zzzzzzzz_${key.slice(12)}`)).toBeNull();
    expect(await t.store.keys.authenticate('sk-not-ours')).toBeNull();
    expect(await t.store.keys.authenticate('')).toBeNull();
    await expect(t.store.keys.create(' ')).rejects.toMatchObject({ code: 'input_invalid' });
  });

  it('revokes by prefix or id at once in this process, and lists per tenant', async () => {
    const a = await t.store.keys.create('acme');
    const b = await t.store.keys.create('globex');
    await t.store.keys.authenticate(a.key);
    expect(await t.store.keys.revoke(a.prefix)).toBe(true);
    expect(await t.store.keys.revoke(a.prefix)).toBe(false);
    expect(await t.store.keys.authenticate(a.key)).toBeNull();
    expect(await t.store.keys.revoke(b.id)).toBe(true);
    expect(await t.store.keys.authenticate(b.key)).toBeNull();
    expect(await t.store.keys.revoke('nosuchkey')).toBe(false);
    const acme = await t.store.keys.list('acme');
    expect(acme).toHaveLength(1);
    expect(acme[0]?.revokedAt).toBeInstanceOf(Date);
  });

  it('sees a revocation made by another process within the cache time', async () => {
    const { key, prefix } = await t.store.keys.create('acme');
    expect(await t.store.keys.authenticate(key)).not.toBeNull();
    const other = await openStore(t.options);
    try {
      expect(await other.keys.revoke(prefix)).toBe(true);
    } finally {
      await other.close();
    }
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS + 50));
    expect(await t.store.keys.authenticate(key)).toBeNull();
  });
});
