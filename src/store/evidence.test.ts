/** Evidence vault and sanction log on both dialects. */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './index.js';
import { openTestStore, TEST_DIALECTS, type TestStore } from './testing.js';

const TEXT = '有人在卖冰毒，联系 13812345678 🙂';

describe.each(TEST_DIALECTS)('evidence vault on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('round-trips text that is stored only encrypted', async () => {
    const ref = await t.store.evidence.put('u-1', 'acme', TEXT, { kind: 'output' });
    const anonymous = await t.store.evidence.put(null, null, 'anon');
    expect(ref).toMatch(/^ev_/);
    expect(await t.store.evidence.get(ref)).toBe(TEXT);
    expect(await t.store.evidence.get(anonymous)).toBe('anon');
    expect(await t.store.evidence.get('ev_missing')).toBeNull();
    const rows = await t.store.db.selectFrom('evidence').selectAll().execute();
    const keys = await t.store.db.selectFrom('data_keys').selectAll().execute();
    expect(JSON.stringify([rows, keys])).not.toContain('冰毒');
    expect(rows.find((r) => r.id === ref)).toMatchObject({ owner: 'u-1', tenant: 'acme', kind: 'output' });
  });

  it('cannot be read under another secret key', async () => {
    const ref = await t.store.evidence.put('u-1', 'acme', TEXT);
    const other = await openStore({ ...t.options, secretKey: Buffer.alloc(32, 1) });
    try {
      await expect(other.evidence.get(ref)).rejects.toMatchObject({ code: 'evidence_unreadable' });
    } finally {
      await other.close();
    }
  });

  it('detects altered ciphertext', async () => {
    const ref = await t.store.evidence.put('u-1', 'acme', TEXT);
    const row = await t.store.db
      .selectFrom('evidence')
      .select('ciphertext')
      .where('id', '=', ref)
      .executeTakeFirstOrThrow();
    const bytes = Buffer.from(row.ciphertext, 'base64');
    bytes[0] = (bytes[0] as number) ^ 1;
    await sql`update evidence set ciphertext = ${bytes.toString('base64')} where id = ${ref}`.execute(
      t.store.db,
    );
    await expect(t.store.evidence.get(ref)).rejects.toMatchObject({ code: 'evidence_unreadable' });
  });

  it('shreds one user’s evidence and leaves the others readable', async () => {
    const mine = [
      await t.store.evidence.put('u-1', 'acme', 'a'),
      await t.store.evidence.put('u-1', 'acme', 'b'),
    ];
    const theirs = await t.store.evidence.put('u-2', 'acme', 'c');
    // A copy of the ciphertext (a backup) stays unreadable without the data key.
    const backup = await t.store.db.selectFrom('evidence').selectAll().where('owner', '=', 'u-1').execute();
    expect(await t.store.evidence.shred('u-1')).toBe(2);
    for (const ref of mine) expect(await t.store.evidence.get(ref)).toBeNull();
    expect(await t.store.evidence.get(theirs)).toBe('c');
    await t.store.db.insertInto('evidence').values(backup).execute();
    for (const ref of mine) expect(await t.store.evidence.get(ref)).toBeNull();
    expect(await t.store.evidence.shred('u-1')).toBe(2);
    const again = await t.store.evidence.put('u-1', 'acme', 'new');
    expect(await t.store.evidence.get(again)).toBe('new');
  });

  it('gives concurrent first writes of a new user one data key', async () => {
    const refs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.store.evidence.put('u-new', null, `t${i}`)),
    );
    const other = await openStore(t.options);
    try {
      expect(await Promise.all(refs.map((r) => other.evidence.get(r)))).toEqual(refs.map((_, i) => `t${i}`));
    } finally {
      await other.close();
    }
  });
});

describe.each(TEST_DIALECTS)('sanction log on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('records steps in order and gives each user’s latest', async () => {
    const until = new Date('2026-02-01T00:00:00Z');
    await t.store.sanctions.record({
      tenant: 'acme',
      user: 'u-1',
      level: 'warn',
      reason: '3 strikes',
      evidenceRef: 'ev_1',
      at: new Date(1000),
    });
    await t.store.sanctions.record({
      tenant: 'acme',
      user: 'u-2',
      level: 'warn',
      reason: 'x',
      evidenceRef: null,
      at: new Date(1500),
    });
    await t.store.sanctions.record({
      tenant: 'acme',
      user: 'u-1',
      level: 'restrict',
      reason: '5 strikes',
      evidenceRef: 'ev_2',
      until,
      at: new Date(2000),
    });
    const steps = await t.store.sanctions.list('u-1');
    expect(steps.map((s) => s.level)).toEqual(['warn', 'restrict']);
    expect(steps[1]).toMatchObject({ until, evidenceRef: 'ev_2', tenant: 'acme', at: new Date(2000) });
    expect((await t.store.sanctions.list()).map((s) => s.user)).toEqual(['u-1', 'u-2', 'u-1']);
    expect((await t.store.sanctions.latest('u-1'))?.level).toBe('restrict');
    expect(await t.store.sanctions.latest('u-3')).toBeNull();
    await expect(
      t.store.sanctions.record({
        tenant: null,
        user: 'u-1',
        level: 'ban' as 'warn',
        reason: '',
        evidenceRef: null,
      }),
    ).rejects.toMatchObject({ code: 'input_invalid' });
  });
});
