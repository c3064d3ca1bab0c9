/** End-to-end tests of the `hegui` CLI as a user runs it: real processes, real files, exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'hegui-cli-'));

function hegui(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('hegui scan', () => {
  it('exits 0 for clean text and 1 for a blocked one, with a JSON verdict', () => {
    expect(hegui(['scan'], '今天天气很好').code).toBe(0);
    const r = hegui(['scan', '-f', 'json'], '有人在卖冰 毒');
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.out);
    expect(verdict).toMatchObject({
      action: 'block',
      direction: 'input',
      policyVersion: expect.stringMatching(/^cn-default@/),
    });
    expect(verdict.evidence[0]).toMatchObject({ start: 4, end: 7, detector: 'keywords' });
  });

  it('redacts PII in a model answer and prints where each hit is', () => {
    const r = hegui(['scan', '-d', 'output'], '请拨打13812345678');
    expect(r.code).toBe(0);
    expect(r.out).toContain('请拨打138****5678');
    expect(r.out).toMatch(/1:4\s+pii\s+pii\.mobile/);
  });

  it('streams JSONL in order, with an error object for a bad line and exit 2', () => {
    const input = ['{"id":"a","text":"你好"}', '{"id":"b","text":"冰毒"}', '{oops', '{"id":"d"}', ''].join(
      '\n',
    );
    const r = hegui(['scan', '--jsonl', '-'], input);
    expect(r.code).toBe(2);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ id: 'a', action: 'allow', categories: [], evidence: [] });
    expect(lines[1]).toMatchObject({
      id: 'b',
      action: 'block',
      categories: [{ code: expect.any(String), score: 1 }],
    });
    expect(lines[2].error).toMatchObject({ code: 'input_invalid', line: 3 });
    expect(lines[3].error.message).toContain('"text"');
  });

  it('refuses invalid UTF-8, a missing file and bad options with exit 2 and a clear message', () => {
    const bad = hegui(['scan', file('bad.txt', Buffer.from([0xe8, 0xb5, 0xff, 0x41]))]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('input_invalid');
    expect(bad.err).toContain('not valid UTF-8');
    const missing = hegui(['scan', join(dir, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    expect(hegui(['scan', '--format', 'xml'], 'x').code).toBe(2);
    expect(hegui(['scan', '--bogus'], 'x').code).toBe(2);
  });

  it('names file and path of a malformed policy', () => {
    const policy = file('bad-policy.yaml', 'name: p\nversion: "1"\nactions:\n  A1a: { input: destroy }\n');
    const r = hegui(['scan', '--policy', policy], 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('policy_invalid');
    expect(r.err).toContain('bad-policy.yaml');
    expect(r.err).toContain('actions.A1a.input');
  });

  it('takes extra keyword files with a whole-file category, and reports their bad lines', () => {
    const lib = file('mine.txt', '测试禁词\n\t\n另一个词\tNOPE\n');
    const r = hegui(['scan', '-f', 'json', '--keywords', `${lib}=A1d`], '这里有测试禁词');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).categories[0].code).toBe('A1d');
    expect(r.err).toContain('mine.txt:3: error: unknown category "NOPE"');
  });
});

describe('hegui keywords', () => {
  it('compiles a binary library that scan loads and matches with', () => {
    const lib = file('big.txt', '专门测试词甲\tA1h\thard\n专门测试词乙\tA2e\n');
    const bin = join(dir, 'big.bin');
    const c = hegui(['keywords', 'compile', lib, '-o', bin]);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/\d+ terms, \d+ patterns/);
    expect(existsSync(bin)).toBe(true);
    const r = hegui(['scan', '-f', 'json', '--keywords', bin], '专门测试词 甲');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).evidence.some((e: { term: string }) => e.term === '专门测试词甲')).toBe(true);
  });

  it('refuses a corrupt binary', () => {
    const r = hegui(['scan', '--keywords', file('junk.bin', 'HGKW garbage')], 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('library_format');
  });

  it('reports coverage against the TC260 minimums', () => {
    const r = hegui(['keywords', 'stats', '-f', 'json']);
    expect(r.code).toBe(1); // the builtin seed library is far below 10,000 terms
    const report = JSON.parse(r.out);
    expect(report.minimumTotal).toBe(10_000);
    expect(report.categories.find((c: { code: string }) => c.code === 'A1a')).toMatchObject({ minimum: 200 });
    expect(report.categories.find((c: { code: string }) => c.code === 'A2a')).toMatchObject({ minimum: 100 });
    expect(hegui(['keywords', 'stats']).out).toContain('keyword library coverage');
  });

  it('shows which term matched, how, and from which line', () => {
    const r = hegui(['keywords', 'test', '我们一起赌 博吧']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^4-7\t"赌 博"\t赌博\tA1h\t.*default\.txt:\d+$/m);
    expect(hegui(['keywords', 'test', '今天天气很好']).code).toBe(0);
  });
});
