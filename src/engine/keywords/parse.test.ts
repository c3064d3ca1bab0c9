import { describe, expect, it } from 'vitest';
import { parseKeywordCsv, parseKeywordText } from './parse.js';
import { buildLibrary } from './library.js';

describe('parseKeywordText', () => {
  it('reads terms, optional category and action, skipping comments and blanks', () => {
    const { entries, diagnostics } = parseKeywordText(
      '# comment\n赌博\tA1h\n\n冰毒\tA1h\thard\r\n网赌\n',
      'lib.txt',
      {
        defaultCategory: 'A1f',
      },
    );
    expect(diagnostics).toEqual([]);
    expect(entries).toEqual([
      { term: '赌博', category: 'A1h', action: undefined, source: 'lib.txt:2' },
      { term: '冰毒', category: 'A1h', action: 'hard', source: 'lib.txt:4' },
      { term: '网赌', category: 'A1f', action: undefined, source: 'lib.txt:5' },
    ]);
  });

  it('reports invalid lines with file:line and keeps the rest', () => {
    const text = [
      '好词',
      '坏\tZ9z',
      '词\tA1a\tdestroy',
      'a\tb\tc\td',
      '\ud800x',
      'x'.repeat(300),
      'ok\tA2e',
    ].join('\n');
    const { entries, diagnostics } = parseKeywordText(text, 'bad.txt');
    expect(entries.map((e) => e.term)).toEqual(['好词', 'ok']);
    expect(diagnostics.map((d) => d.where)).toEqual([
      'bad.txt:2',
      'bad.txt:3',
      'bad.txt:4',
      'bad.txt:5',
      'bad.txt:6',
    ]);
    expect(diagnostics[0]!.message).toContain('unknown category');
    expect(diagnostics[1]!.message).toContain('unknown action');
  });

  it('strips a UTF-8 BOM and flags replacement characters from invalid UTF-8', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0xe8, 0xb5, 0x8c, 0x0a, 0xff, 0xfe, 0x0a]);
    const { entries, diagnostics } = parseKeywordText(new TextDecoder().decode(bytes), 'x.txt');
    expect(entries.map((e) => e.term)).toEqual(['赌']);
    expect(diagnostics[0]).toMatchObject({ where: 'x.txt:2', severity: 'error' });
  });

  it('handles an empty file', () => {
    expect(parseKeywordText('', 'e.txt')).toEqual({ entries: [], diagnostics: [] });
  });
});

describe('parseKeywordCsv', () => {
  it('reads a header in any column order and quoted fields', () => {
    const csv = 'term,action,category\n"赌,博",hard,A1h\n冰毒,,A1h\n';
    const { entries, diagnostics } = parseKeywordCsv(csv, 'k.csv');
    expect(diagnostics).toEqual([]);
    expect(entries).toEqual([
      { term: '赌,博', category: 'A1h', action: 'hard', source: 'k.csv:2' },
      { term: '冰毒', category: 'A1h', action: undefined, source: 'k.csv:3' },
    ]);
  });

  it('reports a CSV syntax error with its line', () => {
    const { diagnostics } = parseKeywordCsv('a,A1a\n"unterminated,A1a\n', 'k.csv');
    expect(diagnostics[0]!.message).toContain('CSV syntax');
    expect(diagnostics[0]!.where).toMatch(/^k\.csv:\d+$/);
  });

  it('reads headerless rows positionally', () => {
    const { entries } = parseKeywordCsv('赌博,A1h,review\n', 'k.csv');
    expect(entries[0]).toMatchObject({ term: '赌博', category: 'A1h', action: 'review' });
  });
});

describe('buildLibrary', () => {
  it('drops duplicates (same term and category) with a warning naming the first place', () => {
    const a = parseKeywordText('赌博\tA1h\n冰毒\tA1h\n', 'a.txt');
    const b = parseKeywordText('赌博\tA1h\n赌博\tA1f\n', 'b.txt');
    const library = buildLibrary([a, b], ['  赌博机  ', '']);
    expect(library.entries.map((e) => `${e.term}/${e.category}`)).toEqual([
      '赌博/A1h',
      '冰毒/A1h',
      '赌博/A1f',
    ]);
    expect(library.diagnostics).toEqual([
      { severity: 'warning', where: 'b.txt:1', message: 'duplicate of a.txt:1' },
    ]);
    expect(library.allow).toEqual(['赌博机']);
  });
});

describe('loadAllowList', () => {
  it('takes one term a line with trailing notes, and refuses a line it cannot read', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadAllowList } = await import('./load.js');
    const dir = mkdtempSync(join(tmpdir(), 'hegui-allow-'));
    const good = join(dir, 'allow.txt');
    writeFileSync(good, '# benign words\n新疆独特\t# protects 疆独\n大麻哈鱼 # 大麻\n\n');
    expect(loadAllowList(good)).toEqual(['新疆独特', '大麻哈鱼']);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '好词\n坏\tA1a\tdestroy\n');
    expect(() => loadAllowList(bad)).toThrow(expect.objectContaining({ code: 'keywords_invalid' }));
  });
});
