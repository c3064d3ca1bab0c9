import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleModerator } from '../engine/assemble.js';
import { readCorpus, scanCorpus } from './corpus.js';

const { moderator } = assembleModerator();
const CLEAN = [
  '今天天气很好，适合出去散步。',
  '这本书讲述了一个关于成长的故事。',
  '我们在周末去博物馆参观了展览。',
];
const BAD = '有人在街上公开卖冰毒，价格很便宜。';
let dir: string;

/** 1,000 records: forum.jsonl (200, 20 bad, source per record), news/ (600 .txt lines, 6 bad), wiki.txt (200 clean). */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hegui-corpus-'));
  const forum = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({ text: i % 10 === 0 ? BAD : CLEAN[i % 3], source: 'forum.example' }),
  );
  forum.splice(50, 0, '{broken', '{"title":"no text"}', '');
  writeFileSync(join(dir, 'forum.jsonl'), `${forum.join('\n')}\n`);
  mkdirSync(join(dir, 'news'));
  const news = Array.from({ length: 600 }, (_, i) => (i % 100 === 7 ? BAD : `${CLEAN[i % 3]}第${i}条。`));
  writeFileSync(join(dir, 'news', 'a.txt'), news.join('\n'));
  writeFileSync(
    join(dir, 'wiki.txt'),
    Array.from({ length: 200 }, (_, i) => `${CLEAN[i % 3]}（${i}）`).join('\n'),
  );
  writeFileSync(join(dir, 'image.png'), 'not text');
});

describe('corpus scan', () => {
  it('reads folders, JSONL and text files as records, reporting bad lines', async () => {
    const invalid: { where: string; message: string }[] = [];
    const records = [];
    for await (const r of readCorpus(dir, { invalid })) records.push(r);
    expect(records).toHaveLength(1000);
    expect(records[0]).toMatchObject({ source: 'forum.example', where: 'forum.jsonl:1' });
    expect(records.find((r) => r.where.startsWith('news/'))).toMatchObject({
      source: 'news/a.txt',
      where: 'news/a.txt:1',
    });
    expect(invalid.map((p) => p.where)).toEqual(['forum.jsonl:51', 'forum.jsonl:52']);
  });

  it('checks everything exactly with ratio 1: rates, detectors, categories, the 5 % rule, examples', async () => {
    const r = await scanCorpus(dir, moderator, { ratio: 1, seed: 7 });
    expect(r).toMatchObject({
      records: 1000,
      sampled: 1000,
      qualified: 974,
      method: 'bernoulli',
      manualSampleOk: false,
    });
    expect(r.qualifiedRate).toBeCloseTo(0.974, 10);
    expect(r.byDetector.keywords).toEqual({ unqualified: 26, qualifiedRate: 0.974 });
    expect(r.byCategory).toEqual({ A1h: 26 });
    expect(r.technicalGate).toMatchObject({
      id: 'corpus_technical',
      pass: false,
      sampleOk: true,
      sampleRatio: 1,
      threshold: 0.98,
    });
    expect(r.sources[0]).toMatchObject({
      source: 'forum.example',
      sampled: 200,
      unqualified: 20,
      rate: 0.1,
      overLimit: true,
    });
    expect(r.sources.find((s) => s.source === 'news/a.txt')).toMatchObject({
      sampled: 600,
      unqualified: 6,
      overLimit: false,
    });
    expect(r.sources.find((s) => s.source === 'wiki.txt')).toMatchObject({ unqualified: 0, rate: 0 });
    expect(r.examples).toHaveLength(3);
    expect(r.examples[0]).toMatchObject({
      where: 'forum.jsonl:1',
      categories: ['A1h'],
      detectors: ['keywords'],
    });
    expect(r.examples[0]!.excerpt).toContain('冰毒');
  });

  it('draws the same reservoir sample for the same seed and another for another seed', async () => {
    const pick = async (seed: number) => {
      const seen: string[] = [];
      const r = await scanCorpus(dir, moderator, {
        sample: 100,
        seed,
        onChecked: (rec) => seen.push(rec.where),
      });
      return { r, seen };
    };
    const a = await pick(3);
    const b = await pick(3);
    const c = await pick(4);
    expect(a.seen).toHaveLength(100);
    expect(new Set(a.seen).size).toBe(100);
    expect(b.seen).toEqual(a.seen);
    expect(c.seen).not.toEqual(a.seen);
    expect(a.r).toMatchObject({ records: 1000, sampled: 100, method: 'reservoir' });
    expect(a.r.technicalGate.sampleOk).toBe(true);
  });

  it('samples close to the requested share and leaves a sample smaller than 10 % short', async () => {
    const r = await scanCorpus(dir, moderator, { ratio: 0.05, seed: 11 });
    expect(r.sampled).toBeGreaterThan(25);
    expect(r.sampled).toBeLessThan(80);
    expect(r.technicalGate.sampleOk).toBe(false);
  });
});
