/** The audit chain on both dialects: intact chains verify; edits, deletions, reordering and relinking are caught. */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeguiError } from '../engine/errors.js';
import fc from 'fast-check';
import { canonicalJson, chainHash, rowJson, type AuditEventInput } from './audit.js';
import { openStore, type Store } from './index.js';
import { openTestStore, TEST_DIALECTS, type TestStore } from './testing.js';

function event(i: number, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    requestId: `req-${i}`,
    tenant: i % 2 === 0 ? 'acme' : 'globex',
    user: `u${i % 3}`,
    route: '/v1/chat/completions',
    model: 'qwen-plus',
    status: 200,
    input: { action: 'allow', categories: [] },
    output:
      i % 5 === 0 ? { action: 'block', categories: ['A1a', 'A2b'] } : { action: 'allow', categories: [] },
    latencyMs: 12.3456789 + i,
    upstreamMs: 10.5,
    moderationMs: 0.123,
    promptTokens: 12,
    completionTokens: i,
    policyVersion: 'cn-default@1',
    ...extra,
  };
}

async function appendMany(store: Store, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await store.audit.append(event(i));
}

describe.each(TEST_DIALECTS)('audit log on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const raw = (query: ReturnType<typeof sql>) => query.execute(t.store.db);

  it('chains events, verifies them and lists them back as written', async () => {
    const first = await t.store.audit.append(event(1, { time: new Date('2026-01-02T03:04:05.678Z') }));
    expect(first.seq).toBe(1);
    await appendMany(t.store, 9);
    const result = await t.store.audit.verify();
    expect(result).toMatchObject({ ok: true, checked: 10, instances: ['test-instance'], problems: [] });

    const events = await t.store.audit.list({ limit: 100 });
    expect(events).toHaveLength(10);
    const oldest = events.find((e) => e.seq === 1);
    expect(oldest).toMatchObject({
      time: new Date('2026-01-02T03:04:05.678Z'),
      requestId: 'req-1',
      tenant: 'globex',
      latencyMs: 13.346,
      moderationMs: 0.123,
      output: { action: 'allow', categories: [] },
    });
    const blocked = events.find((e) => e.requestId === 'req-5');
    expect(blocked?.output).toEqual({ action: 'block', categories: ['A1a', 'A2b'] });
    expect(blocked?.prevHash).toBe(events.find((e) => e.seq === (blocked?.seq ?? 0) - 1)?.hash);
    expect(await t.store.audit.list({ tenant: 'acme' })).toHaveLength(4);
  });

  it('reports an edited field as edited, at its row', async () => {
    await appendMany(t.store, 6);
    await raw(sql`update audit_events set status = 403 where seq = 3`);
    const result = await t.store.audit.verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'edited' })]);
  });

  it('reports a deleted row as missing', async () => {
    await appendMany(t.store, 6);
    await raw(sql`delete from audit_events where seq = 4`);
    const result = await t.store.audit.verify();
    expect(result.problems).toEqual([expect.objectContaining({ seq: 4, kind: 'missing' })]);
  });

  it('reports deleted newest rows as missing, against the head checkpoint', async () => {
    await appendMany(t.store, 6);
    await raw(sql`delete from audit_events where seq >= 5`);
    const result = await t.store.audit.verify();
    expect(result.problems).toEqual([expect.objectContaining({ seq: 5, kind: 'missing' })]);
  });

  it('reports two swapped rows as reordered', async () => {
    await appendMany(t.store, 8);
    await raw(sql`update audit_events set seq = -1 where seq = 5`);
    await raw(sql`update audit_events set seq = 5 where seq = 6`);
    await raw(sql`update audit_events set seq = 6 where seq = -1`);
    const result = await t.store.audit.verify();
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([
      [5, 'reordered'],
      [6, 'reordered'],
    ]);
  });

  it('reports a row rehashed after an edit as a broken link to its successor', async () => {
    await appendMany(t.store, 5);
    const rows = await t.store.db.selectFrom('audit_events').selectAll().where('seq', '=', 3).execute();
    const row = rows[0];
    if (!row) throw new Error('row 3 missing');
    const { prev_hash: prev, hash: _old, ...body } = row;
    const forged = chainHash(prev, { ...body, status: 500 });
    await raw(sql`update audit_events set status = 500, hash = ${forged} where seq = 3`);
    const result = await t.store.audit.verify();
    expect(result.problems).toEqual([expect.objectContaining({ seq: 4, kind: 'broken_link' })]);
  });

  it('catches a whole chain rewritten without the secret key by the head checkpoint', async () => {
    await appendMany(t.store, 4);
    const rows = await t.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    let prev = '0'.repeat(64);
    for (const row of rows) {
      const { prev_hash: _p, hash: _h, ...body } = row;
      const changed = { ...body, status: row.seq === 2 ? 204 : row.status };
      const hash = chainHash(prev, changed);
      await raw(
        sql`update audit_events set status = ${changed.status}, prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`,
      );
      prev = hash;
    }
    await raw(sql`update audit_heads set hash = ${prev}`);
    const result = await t.store.audit.verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 4, kind: 'edited' })]);
  });

  it('keeps one correct chain under 200 concurrent appends, committing them in groups', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => t.store.audit.append(event(i))));
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(new Set(results.map((r) => r.hash)).size).toBe(200);
    const stats = t.store.audit.stats();
    expect(stats).toMatchObject({ events: 200, failed: 0, pending: 0 });
    expect(stats.commits).toBeLessThanOrEqual(2);
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 200 });
  });

  it('keeps the chain correct when two processes write the same instance', async () => {
    const other = await openStore(t.options);
    try {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? t.store : other).audit.append(event(i))),
      );
    } finally {
      await other.close();
    }
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 60 });
  });

  it('verifies each instance’s chain separately', async () => {
    const other = await openStore({ ...t.options, instanceId: 'second' });
    try {
      await Promise.all([appendMany(t.store, 3), appendMany(other, 4)]);
      await raw(sql`update audit_events set model = 'x' where instance_id = 'second' and seq = 2`);
      expect(await t.store.audit.verify({ instanceId: 'test-instance' })).toMatchObject({
        ok: true,
        checked: 3,
      });
      const all = await t.store.audit.verify();
      expect(all.checked).toBe(7);
      expect(all.problems).toEqual([
        expect.objectContaining({ instanceId: 'second', seq: 2, kind: 'edited' }),
      ]);
    } finally {
      await other.close();
    }
  });

  it('flags the head checkpoint when verified under another secret key', async () => {
    await appendMany(t.store, 2);
    const other = await openStore({ ...t.options, secretKey: Buffer.alloc(32, 7) });
    try {
      const result = await other.audit.verify();
      expect(result.problems).toEqual([expect.objectContaining({ seq: 2, kind: 'edited' })]);
    } finally {
      await other.close();
    }
  });

  it('prunes old events and still verifies; deleting past the retention anchor is caught', async () => {
    const day = 86_400_000;
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 1; i <= 6; i++) await t.store.audit.append(event(i, { time: new Date(start + i * day) }));
    expect(await t.store.audit.prune(new Date(start + 4 * day))).toEqual({ deleted: 3 });
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 3 });
    expect((await t.store.audit.list()).map((e) => e.seq)).toEqual([6, 5, 4]);
    expect(await t.store.audit.prune(new Date(start))).toEqual({ deleted: 0 });

    await raw(sql`delete from audit_events where seq = 4`);
    expect((await t.store.audit.verify()).problems).toEqual([
      expect.objectContaining({ seq: 4, kind: 'missing' }),
    ]);
    await raw(sql`update audit_anchors set seq = 4`);
    expect((await t.store.audit.verify()).problems).toEqual([
      expect.objectContaining({ seq: 4, kind: 'edited' }),
    ]);
  });

  it('continues the chain after pruning everything', async () => {
    for (let i = 1; i <= 3; i++) await t.store.audit.append(event(i, { time: new Date(1000 * i) }));
    expect(await t.store.audit.prune(new Date())).toEqual({ deleted: 3 });
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 0 });
    expect((await t.store.audit.append(event(4))).seq).toBe(4);
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  it('rejects appends when the database fails, then recovers with an intact chain', async () => {
    await appendMany(t.store, 2);
    await raw(sql`alter table audit_events rename to audit_events_away`);
    const failed = await Promise.allSettled([t.store.audit.append(event(3)), t.store.audit.append(event(4))]);
    expect(t.store.audit.stats()).toMatchObject({ events: 2, failed: 2 });
    for (const f of failed) {
      expect(f.status).toBe('rejected');
      expect((f as PromiseRejectedResult).reason).toMatchObject({ code: 'audit_unavailable' });
    }
    await raw(sql`alter table audit_events_away rename to audit_events`);
    expect((await t.store.audit.append(event(5))).seq).toBe(3);
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('stores client-supplied text that databases would alter or refuse, and still verifies', async () => {
    const odd = `model\u0000\ud800${'x'.repeat(5000)}`;
    await t.store.audit.append(
      event(1, { model: odd, requestId: 'id\udfff', input: { action: 'block', categories: ['A\u0000'] } }),
    );
    await t.store.audit.append(event(2));
    expect(await t.store.audit.verify()).toMatchObject({ ok: true, checked: 2 });
    const stored = (await t.store.audit.list()).find((e) => e.seq === 1);
    expect(stored?.model).toBe(`model\ufffd\ufffd${'x'.repeat(1024 - 7)}`);
    expect(stored?.requestId).toBe('id\ufffd');
    expect(stored?.input?.categories).toEqual(['A\ufffd']);
  });

  it('rejects appends once the store is closed, and bad events at once', async () => {
    await expect(t.store.audit.append(event(1, { status: 1.5 }))).rejects.toMatchObject({
      code: 'input_invalid',
    });
    await expect(t.store.audit.append(event(1, { latencyMs: Number.NaN }))).rejects.toBeInstanceOf(
      HeguiError,
    );
    await expect(t.store.audit.append(event(1, { status: 1e10 }))).rejects.toMatchObject({
      code: 'input_invalid',
    });
    await expect(t.store.audit.append(event(1, { promptTokens: 2 ** 31 }))).rejects.toMatchObject({
      code: 'input_invalid',
    });
    expect((await t.store.audit.append(event(1, { promptTokens: 2 ** 31 - 1 }))).seq).toBe(1);
    await t.store.close();
    await expect(t.store.audit.append(event(1))).rejects.toMatchObject({ code: 'audit_unavailable' });
    await expect(t.store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});

describe('row serialisation', () => {
  it('is the canonical JSON of the row: sorted keys, nulls kept, exact numbers', () => {
    const text = fc.option(fc.string({ unit: 'grapheme' }), { nil: null });
    const num = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
    const row = fc.record({
      instance_id: fc.string(),
      seq: fc.nat(),
      time_ms: fc.nat(),
      request_id: fc.string(),
      tenant: text,
      user_id: text,
      route: fc.string(),
      model: text,
      status: fc.integer(),
      error_code: text,
      input_action: text,
      input_categories: text,
      output_action: text,
      output_categories: text,
      latency_ms: fc.double({ noNaN: true, noDefaultInfinity: true }),
      upstream_ms: num,
      moderation_ms: num,
      prompt_tokens: fc.option(fc.nat(), { nil: null }),
      completion_tokens: fc.option(fc.nat(), { nil: null }),
      policy_version: text,
      evidence_ref: text,
      sanction: text,
    });
    fc.assert(
      fc.property(row, (r) => {
        expect(rowJson(r)).toBe(canonicalJson(r));
        expect(JSON.parse(rowJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
      }),
    );
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: -0.5 })).toBe(
      '{"a":-0.5,"b":[1,{"c":"x","d":null}]}',
    );
  });
});

describe('audit log on an unreachable database', () => {
  it('fails to open with store_unavailable', async () => {
    await expect(
      openStore({
        databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
        dataDir: '/tmp',
        instanceId: 'x',
        secretKey: Buffer.alloc(32),
      }),
    ).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});
