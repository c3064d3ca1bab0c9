/** Incidents on both dialects: forward-only status, timestamps per status, kept history. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentInput } from './incidents.js';
import { openTestStore, TEST_DIALECTS, type TestStore } from './testing.js';

const base: IncidentInput = {
  tenant: 'acme',
  user: 'u-1',
  model: 'qwen-plus',
  category: 'A1a',
  categories: ['A1a', 'A2b'],
  evidenceRef: 'ev_x',
  requestId: 'req-1',
};

describe.each(TEST_DIALECTS)('incidents on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('moves forward through every status with a time and a history entry each', async () => {
    const detectedAt = new Date('2026-03-01T08:00:00Z');
    const { id } = await t.store.incidents.open({ ...base, detectedAt });
    expect(id).toMatch(/^INC-20260301-[0-9a-z]{8}$/);
    expect(await t.store.incidents.get(id)).toMatchObject({ status: 'open', detectedAt, containedAt: null });
    for (const status of ['contained', 'rectified', 'reported', 'closed'] as const) {
      const incident = await t.store.incidents.transition(id, status, `now ${status}`);
      expect(incident.status).toBe(status);
    }
    const done = await t.store.incidents.get(id);
    expect(done).toMatchObject({ categories: ['A1a', 'A2b'], evidenceRef: 'ev_x', user: 'u-1' });
    for (const at of [done?.containedAt, done?.rectifiedAt, done?.reportedAt, done?.closedAt]) {
      expect(at).toBeInstanceOf(Date);
    }
    expect(done?.history.map((s) => [s.from, s.to, s.note])).toEqual([
      [null, 'open', null],
      ['open', 'contained', 'now contained'],
      ['contained', 'rectified', 'now rectified'],
      ['rectified', 'reported', 'now reported'],
      ['reported', 'closed', 'now closed'],
    ]);
  });

  it('refuses backward and repeated moves, and unknown incidents', async () => {
    const { id } = await t.store.incidents.open({ ...base, containedAt: new Date() });
    expect((await t.store.incidents.get(id))?.status).toBe('contained');
    await expect(t.store.incidents.transition(id, 'open')).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.store.incidents.transition(id, 'contained')).rejects.toMatchObject({ code: 'conflict' });
    await t.store.incidents.transition(id, 'reported', 'skipped rectification: false positive');
    await expect(t.store.incidents.transition(id, 'rectified')).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.store.incidents.transition('INC-nope', 'closed')).rejects.toMatchObject({
      code: 'not_found',
    });
    const incident = await t.store.incidents.get(id);
    expect(incident).toMatchObject({ status: 'reported', rectifiedAt: null });
    expect(incident?.history).toHaveLength(3);
    expect(await t.store.incidents.get('INC-nope')).toBeNull();
  });

  it('keeps text with NUL and lone surrogates, as well-formed text', async () => {
    const { id } = await t.store.incidents.open({ ...base, model: 'm\u0000', requestId: 'r\ud800' });
    const incident = await t.store.incidents.transition(id, 'contained', 'note\u0000');
    expect(incident).toMatchObject({ model: 'm\ufffd', requestId: 'r\ufffd' });
    expect(incident.history.at(-1)?.note).toBe('note\ufffd');
  });

  it('lists newest first, filtered by status and tenant', async () => {
    const a = await t.store.incidents.open({ ...base, detectedAt: new Date('2026-01-01T00:00:00Z') });
    const b = await t.store.incidents.open({
      ...base,
      tenant: 'globex',
      detectedAt: new Date('2026-01-02T00:00:00Z'),
    });
    const c = await t.store.incidents.open({ ...base, detectedAt: new Date('2026-01-03T00:00:00Z') });
    await t.store.incidents.transition(c.id, 'contained');
    expect((await t.store.incidents.list()).map((i) => i.id)).toEqual([c.id, b.id, a.id]);
    expect((await t.store.incidents.list({ status: 'open' })).map((i) => i.id)).toEqual([b.id, a.id]);
    expect((await t.store.incidents.list({ tenant: 'acme', limit: 1 })).map((i) => i.id)).toEqual([c.id]);
    expect((await t.store.incidents.list({ tenant: 'acme' }))[0]?.history).toHaveLength(2);
  });
});
