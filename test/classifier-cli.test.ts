/** `hegui train` end to end: a real process trains a tiny model on the fixtures. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deserializeModel } from '../src/engine/classifier/model.js';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'hegui-train-'));
const fixtures = join(root, 'test', 'fixtures', 'classifier');

function hegui(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TINY = [
  '--bits',
  '14',
  '--folds',
  '3',
  '--epochs',
  '8',
  '--seed',
  '7',
  '--topics',
  '',
  '--no-progress',
];

describe('hegui train', () => {
  it('trains, writes a loadable model, prints held-out and dev metrics, and is deterministic', () => {
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    const args = [
      'train',
      '--data',
      join(fixtures, 'train.jsonl'),
      '--dev',
      join(fixtures, 'test.jsonl'),
      ...TINY,
    ];
    const r = hegui([...args, '--out', a]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/trained a on 160 texts/);
    expect(r.out).toMatch(/out-of-fold \(3 folds\): macro-F1 (0\.\d+|1) /);
    const dev = /dev \(test\.jsonl, 36 texts\): macro-F1 (0\.\d+|1)/.exec(r.out);
    expect(dev).not.toBeNull();
    expect(Number(dev![1])).toBeGreaterThanOrEqual(0.8);
    const model = deserializeModel(readFileSync(a));
    expect(model.provenance).toMatchObject({ name: 'a', data: ['train.jsonl'], seed: 7, examples: 160 });
    expect(model.provenance.dev?.macroF1).toBe(Number(dev![1]));
    expect(hegui([...args, '--out', b]).code).toBe(0);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(false); // the name differs…
    const c = join(dir, 'c', '..', 'a.bin');
    expect(hegui([...args, '--out', c]).code).toBe(0); // …the same name, seed and data give the same bytes
    expect(readFileSync(c).equals(readFileSync(a))).toBe(true);
  });

  it('reads GB18030 files (JADE-DB v3 alignment CSV) and takes their safe answers as benign', () => {
    const file = join(dir, 'jade.csv');
    writeFileSync(
      file,
      Buffer.from(
        '49442ccecacce22ccea5b9e6bbd8b4f02cb0b2c8abd3d0d3c3bbd8b4f00a312cd4f5c3b4b0ec2cbbb5bbd8b4f02cc7ebd7f1cad8b7a8c2c90a322cceca2cbbb52cbac3b5c4bda8d2e90a',
        'hex',
      ),
    );
    const out = join(dir, 'j.bin');
    const r = hegui(['train', '--data', join(fixtures, 'train.jsonl'), file, ...TINY, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/on 162 texts/);
    expect(deserializeModel(readFileSync(out)).provenance.license).toBe(
      'see the data files; MIT (JADE-DB, whitzard-ai/jade-db)',
    );
  });

  it('refuses bad options and bad data with exit 2', () => {
    expect(hegui(['train', '--out', join(dir, 'x.bin')]).code).toBe(2);
    const bad = hegui([
      'train',
      '--data',
      join(fixtures, 'train.jsonl'),
      '--out',
      join(dir, 'x.bin'),
      '--bits',
      '40',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--bits must be an integer in 12…24');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"x","label":5}\n');
    const r = hegui(['train', '--data', file, '--out', join(dir, 'x.bin')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.jsonl:1: label must be 0 or 1');
  });
});

describe('hegui eval', () => {
  it('reports classifier and policy metrics on labelled texts, with a model trained by hegui train', () => {
    const model = join(dir, 'eval.bin');
    expect(hegui(['train', '--data', join(fixtures, 'train.jsonl'), ...TINY, '--out', model]).code).toBe(0);
    const r = hegui(['eval', '--data', join(fixtures, 'test.jsonl'), '--model', model, '-f', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      texts: number;
      results: {
        system: string;
        metrics: { tp: number; fp: number; tn: number; fn: number; macroF1: number };
      }[];
    };
    expect(report.texts).toBe(36);
    expect(report.results.map((x) => x.system)).toEqual([
      'classifier (p ≥ 0.5)',
      expect.stringMatching(/^policy cn-default@.* \(output; block or review\)$/),
    ]);
    for (const x of report.results) {
      const m = x.metrics;
      expect(m.tp + m.fp + m.tn + m.fn).toBe(36);
    }
    expect(report.results[0]!.metrics.macroF1).toBeGreaterThanOrEqual(0.8);
    const text = hegui(['eval', '--data', join(fixtures, 'test.jsonl'), '--model', model]);
    expect(text.out).toMatch(/36 texts from test\.jsonl\nclassifier \(p ≥ 0\.5\)\n {2}macro-F1 /);
    expect(hegui(['eval', '--data', join(fixtures, 'test.jsonl'), '--direction', 'sideways']).code).toBe(2);
  });
});
