import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBank, readBanks, requireValid, sampleBank, toJsonl, type BankItem } from './bank.js';
import { bankCoverage, formatBankCoverage } from './coverage.js';
import { decodeText, importCvalues, importFlames, importJade, jadeCategory } from './importers.js';
import { loadMappings } from './mappings.js';

const fixtures = resolve(import.meta.dirname, '../../test/fixtures/assess');

describe('bank files', () => {
  it('reports every bad line with file:line and keeps the good ones', async () => {
    const path = join(fixtures, 'bank-bad.jsonl');
    const bank = await readBank(path);
    expect(bank.items.map((i) => i.id)).toEqual(['a1', 'a3']);
    const where = bank.problems.map((p) => p.where.slice(path.length + 1));
    expect(where).toEqual(['2', '3', '4', '6', '8']);
    expect(bank.problems[0]!.message).toContain('needs a category');
    expect(bank.problems[1]!.message).toMatch(/^not JSON/);
    expect(bank.problems[2]!.message).toContain('duplicate id a1 (first at');
    expect(bank.problems[3]!.message).toMatch(/^category:/);
    expect(() => requireValid(bank)).toThrow(/bank-bad.jsonl:2/);
  });

  it('round-trips through JSONL and keeps ids unique across files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hegui-bank-'));
    const items: BankItem[] = [
      { id: 'x', prompt: '问题一', kind: 'must_refuse', category: 'A1a' },
      { id: 'y', prompt: '问题二', kind: 'must_answer', aspect: 'history', careful: true },
    ];
    writeFileSync(join(dir, 'a.jsonl'), toJsonl(items));
    writeFileSync(join(dir, 'b.jsonl'), toJsonl([items[0]!]));
    const bank = await readBanks([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')]);
    expect(bank.items).toEqual(items);
    expect(bank.problems).toEqual([
      { where: `${join(dir, 'b.jsonl')}:1`, message: `duplicate id x (first at ${join(dir, 'a.jsonl')}:1)` },
    ]);
  });
});

describe('sampling a bank', () => {
  it('draws at most n per kind, the same for the same seed whatever the order', () => {
    const items: BankItem[] = [
      ...Array.from({ length: 50 }, (_, i) => ({
        id: `r${i}`,
        prompt: 'p',
        kind: 'must_refuse' as const,
        category: 'A1a',
      })),
      ...Array.from({ length: 5 }, (_, i) => ({
        id: `a${i}`,
        prompt: 'p',
        kind: 'must_answer' as const,
        aspect: 'age',
      })),
    ];
    const a = sampleBank(items, 10, 7);
    expect(a.filter((i) => i.kind === 'must_refuse')).toHaveLength(10);
    expect(a.filter((i) => i.kind === 'must_answer')).toHaveLength(5);
    expect(sampleBank([...items].reverse(), 10, 7)).toEqual(a);
    expect(sampleBank(items, 10, 8).map((i) => i.id)).not.toEqual(a.map((i) => i.id));
  });
});

describe('importers', () => {
  const mappings = loadMappings();

  it('maps JADE sub-types, falls back to the type for 其他, reports unknown labels', () => {
    expect(jadeCategory('违法犯罪', '非法侵入', mappings)).toEqual({ category: 'A1h', tags: [] });
    expect(jadeCategory('侵害权益', '侵害他人隐私权|侵害他人个人信息权益', mappings)).toEqual({
      category: 'A4e',
      tags: ['A4f'],
    });
    expect(jadeCategory(' 侵害权益', '其他', mappings)).toEqual({ category: 'A4g', tags: [] });
    expect(jadeCategory('歧视偏见', '服装歧视内容 ', mappings)).toEqual({ category: 'A2i', tags: [] });
    expect(jadeCategory('未知', '未知', mappings)).toEqual({ tags: [], unmapped: '未知/未知' });
  });

  it('imports JADE with duplicates dropped and GB18030 references attached', () => {
    const r = importJade(join(fixtures, 'jade'));
    expect(r.duplicates).toBe(1);
    expect(r.unmapped).toEqual({ 某个没见过的子类: 1 });
    expect(r.items.map((i) => [i.id, i.category])).toEqual([
      ['jade-v2e-0001', 'A1h'],
      ['jade-v2e-0002', 'A2a'],
      ['jade-v2e-0003', 'A4e'],
      ['jade-v2e-0004', 'A1g'],
      ['jade-v2e-0005', 'A4g'],
      ['jade-v2e-0007', 'A1h'],
    ]);
    expect(r.items[3]!.reference).toMatch(/^抱歉，我不能编造地震谣言/);
    expect(r.items[3]!.source).toBe('jade-db/v2/mini_benchmark_easy_zh.csv:5');
    expect(r.items.every((i) => i.kind === 'must_refuse')).toBe(true);
    expect(importJade(join(fixtures, 'jade'), { kind: 'generated' }).items[0]).toMatchObject({
      id: 'jade-v2e-0001-g',
      kind: 'generated',
    });
  });

  it('decodes GB18030 when the bytes are not UTF-8', () => {
    expect(decodeText(Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3]))).toBe('你好');
    expect(decodeText(new TextEncoder().encode('\uFEFF你好'))).toBe('你好');
  });

  it('imports Flames as careful generated items and refines discrimination by the words in the prompt', () => {
    const r = importFlames(join(fixtures, 'flames.jsonl'));
    expect(r.items.map((i) => [i.kind, i.category, i.careful])).toEqual([
      ['generated', 'A2e', true],
      ['generated', 'A4a', true],
    ]);
    expect(r.unmapped).toEqual({ 'Unknown thing': 1 });
  });

  it('imports CValues as must_answer with an aspect from the words, else the domain', () => {
    const r = importCvalues(join(fixtures, 'cvalues.jsonl'));
    expect(r.items.map((i) => [i.id, i.kind, i.aspect])).toEqual([
      ['cvalues-0001', 'must_answer', 'age'],
      ['cvalues-0002', 'must_answer', 'geography'],
    ]);
    expect(r.unmapped).toEqual({ mystery: 1 });
  });
});

describe('bank coverage', () => {
  it('counts per category and aspect and says what is missing', () => {
    const items: BankItem[] = [];
    for (let i = 0; i < 25; i++)
      items.push({ id: `r${i}`, prompt: 'p', kind: 'must_refuse', category: 'A1a' });
    for (let i = 0; i < 3; i++)
      items.push({ id: `s${i}`, prompt: 'p', kind: 'must_refuse', category: 'A4e' });
    for (let i = 0; i < 60; i++) items.push({ id: `g${i}`, prompt: 'p', kind: 'generated', category: 'A2b' });
    items.push({ id: 'n1', prompt: 'p', kind: 'must_answer', aspect: 'heroes' });
    items.push({ id: 'n2', prompt: 'p', kind: 'must_answer', category: 'A2e' });
    const report = bankCoverage(items);
    const [generated, refuse, answer] = report.banks;
    expect(generated).toMatchObject({ total: 60, missingTotal: 1940, meetsMinimums: false });
    expect(generated!.rows.find((r) => r.code === 'A2b')).toMatchObject({
      count: 60,
      minimum: 50,
      missing: 0,
    });
    expect(generated!.rows.find((r) => r.code === 'A3a')).toMatchObject({
      count: 0,
      minimum: 20,
      missing: 20,
    });
    expect(generated!.rows.filter((r) => r.missing > 0).reduce((s, r) => s + r.missing, 0)).toBe(
      16 * 50 + 14 * 20,
    );
    expect(refuse).toMatchObject({ total: 28, missingTotal: 472 });
    expect(refuse!.rows.find((r) => r.code === 'A1a')).toMatchObject({ count: 25, missing: 0 });
    expect(refuse!.rows.find((r) => r.code === 'A4e')).toMatchObject({ count: 3, minimum: 0, missing: 0 });
    expect(refuse!.rows).toHaveLength(18);
    expect(answer).toMatchObject({ total: 2, unassigned: 1 });
    expect(answer!.rows.find((r) => r.code === 'heroes')).toMatchObject({ count: 1, missing: 19 });
    expect(report.meetsMinimums).toBe(false);
    expect(formatBankCoverage(report)).toContain('✗ A3a             0    20      20');
  });

  it('meets the minimums exactly at the TC260 sizes', () => {
    const items: BankItem[] = [];
    let n = 0;
    const add = (kind: BankItem['kind'], extra: Partial<BankItem>, times: number) => {
      for (let i = 0; i < times; i++) items.push({ id: String(n++), prompt: 'p', kind, ...extra });
    };
    const codes = [
      'A1a',
      'A1b',
      'A1c',
      'A1d',
      'A1e',
      'A1f',
      'A1g',
      'A1h',
      'A2a',
      'A2b',
      'A2c',
      'A2d',
      'A2e',
      'A2f',
      'A2g',
      'A2h',
      'A2i',
    ];
    for (const c of codes) add('must_refuse', { category: c }, 20);
    add('must_refuse', { category: 'A1a' }, 500 - 340 - 1);
    expect(bankCoverage(items).banks[1]!.meetsMinimums).toBe(false);
    add('must_refuse', { category: 'A1a' }, 1);
    expect(bankCoverage(items).banks[1]!).toMatchObject({ total: 500, meetsMinimums: true });
  });
});
