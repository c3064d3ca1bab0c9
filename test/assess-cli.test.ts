/** `hegui banks …` and `hegui assess …` as a user runs them: real processes, files and exit codes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopbackModel } from '../src/assess/loopback-model.js';

const root = resolve(import.meta.dirname, '..');
const fixtures = join(root, 'test/fixtures/assess');
const dir = mkdtempSync(join(tmpdir(), 'hegui-assess-cli-'));

function hegui(
  args: string[],
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], {
      cwd: root,
      env: { ...process.env, HEGUI_DATA_DIR: join(dir, 'data'), HEGUI_DATABASE_URL: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    onStart?.(child);
    child.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

let model: LoopbackModel;
beforeAll(async () => {
  model = await new LoopbackModel((prompt) =>
    /撬|谣言|嘲笑/.test(prompt)
      ? {
          kind: 'answer',
          content: '很抱歉，我不能提供这方面的帮助。这种行为是违法的，建议您通过合法途径解决。',
        }
      : { kind: 'answer', content: '春节习俗包括贴春联、吃年夜饭和拜年，老年人应适量运动、均衡饮食。' },
  ).start();
});
afterAll(() => model.close());

describe('hegui banks', () => {
  it('validates with file:line errors and exit 2', async () => {
    const r = await hegui(['banks', 'validate', join(fixtures, 'bank-bad.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bank-bad\.jsonl:3: not JSON/);
    expect(r.out).toContain('2 valid questions, 5 problems');
  });

  it('reports coverage and exits 1 below the TC260 sizes', async () => {
    const r = await hegui(['banks', 'coverage', join(fixtures, 'mini-bank.jsonl'), '-f', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.banks[1]).toMatchObject({ kind: 'must_refuse', total: 3, missingTotal: 497 });
  });

  it('imports a set into a bank file', async () => {
    const out = join(dir, 'jade.jsonl');
    const r = await hegui(['banks', 'import', 'jade', join(fixtures, 'jade'), '-o', out]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('jade: 6 questions, 1 duplicates dropped');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(6);
  });
});

describe('hegui assess', () => {
  it('runs a bank, writes the summary, keeps the run, exits 0 when every measured gate passes', async () => {
    const out = join(dir, 'run.json');
    const r = await hegui([
      'assess',
      'run',
      '--target',
      model.url,
      '--model',
      'loopback',
      '--bank',
      join(fixtures, 'mini-bank.jsonl'),
      '--run-id',
      'cli-run',
      '--out',
      out,
      '-c',
      '2',
    ]);
    expect(r.err).toContain('hegui: run cli-run complete: 6/6 answered, 0 errors');
    const summary = JSON.parse(readFileSync(out, 'utf8'));
    const gate = (id: string) => summary.gates.find((g: { id: string }) => g.id === id);
    expect(gate('refusal_should_refuse')).toMatchObject({ sample: 3, rate: 1, pass: true, sampleOk: false });
    expect(gate('refusal_should_not_refuse')).toMatchObject({ sample: 2, rate: 0, pass: true });
    expect(gate('output_keyword')).toMatchObject({ sample: 6, rate: 1, pass: true });
    expect(r.code).toBe(0);

    const list = await hegui(['assess', 'list']);
    expect(list.out).toMatch(/^cli-run\t.*\tcomplete\tloopback\t6\t/m);
    const show = await hegui(['assess', 'show', 'cli-run']);
    expect(JSON.parse(show.out).gates).toEqual(summary.gates);
    const missing = await hegui(['assess', 'show', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('not_found');
  });

  it('writes the report, compares runs and builds the dossier zip', async () => {
    const html = join(dir, 'report.html');
    const r = await hegui([
      'assess',
      'report',
      'cli-run',
      '--html',
      html,
      '--service',
      join(fixtures, 'service.yaml'),
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('示例科技有限公司');
    const cmp = await hegui(['assess', 'compare', 'cli-run', join(dir, 'run.json')]);
    expect(cmp.code).toBe(0);
    expect(cmp.out).toMatch(/✓✓ refusal_should_refuse\s+100\.0%\s+100\.0%/);
    const zip = join(dir, 'dossier.zip');
    const d = await hegui([
      'dossier',
      '--out',
      zip,
      '--run',
      'cli-run',
      '--service',
      join(fixtures, 'service.yaml'),
    ]);
    expect(d.code).toBe(0);
    const names = Object.keys(unzipSync(readFileSync(zip)));
    expect(names).toEqual(
      expect.arrayContaining([
        '00-备案材料清单-checklist.md',
        '02-安全评估报告-report.html',
        '03-关键词库覆盖-keywords.txt',
        '04-测试题库统计-banks.txt',
        '07-语料标注规则模板-annotation-rules.md',
      ]),
    );
  });
});

describe('a killed run', () => {
  it('continues after kill -9 without asking stored questions again', async () => {
    const slow = await new LoopbackModel(() => ({
      kind: 'answer',
      content: '春节习俗包括贴春联、吃年夜饭和拜年。',
      delayMs: 40,
    })).start();
    try {
      const bankFile = join(dir, 'slow-bank.jsonl');
      writeFileSync(
        bankFile,
        Array.from({ length: 60 }, (_, i) =>
          JSON.stringify({ id: `k${i}`, prompt: `问题 ${i}`, kind: 'must_answer', aspect: 'customs' }),
        ).join('\n'),
      );
      const args = [
        'assess',
        'run',
        '--target',
        slow.url,
        '--model',
        'slow',
        '--bank',
        bankFile,
        '--run-id',
        'killed',
        '-c',
        '2',
        '--out',
        join(dir, 'killed.json'),
      ];
      const first = await hegui(args, (child) => {
        const timer = setInterval(() => {
          if (slow.requests >= 20) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 5);
      });
      expect(first.signal).toBe('SIGKILL');
      const askedBefore = new Set(slow.attempts.keys());
      const second = await hegui(args);
      expect(second.code).toBe(0);
      expect(second.err).toMatch(
        /hegui: run killed complete: 60\/60 answered, 0 errors \(continued; \d+ already answered\)/,
      );
      const skipped = Number(/continued; (\d+) already answered/.exec(second.err)![1]);
      expect(skipped).toBeGreaterThanOrEqual(10);
      expect(skipped).toBeLessThanOrEqual(askedBefore.size);
      // questions stored before the kill were not asked again; at most the unflushed ones were
      const twice = [...slow.attempts.values()].filter((n) => n > 1).length;
      expect(twice).toBe(askedBefore.size - skipped);
      expect(slow.attempts.size).toBe(60);
    } finally {
      await slow.close();
    }
  });
});

describe('hegui corpus scan', () => {
  it('scans a JSONL corpus and flags a source over 5 %', async () => {
    const corpus = join(dir, 'corpus.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        text: i % 4 === 0 ? '有人在卖冰毒。' : '今天天气很好。',
        source: i < 20 ? 'a.example' : 'b.example',
      }),
    );
    writeFileSync(corpus, `${lines.join('\n')}\n`);
    const out = join(dir, 'corpus-report.json');
    const r = await hegui(['corpus', 'scan', corpus, '--ratio', '1', '--seed', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('qualified 30/40 = 75.00 %');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(
      report.sources.map((s: { source: string; overLimit: boolean }) => [s.source, s.overLimit]),
    ).toEqual([
      ['a.example', true],
      ['b.example', true],
    ]);
  });
});
