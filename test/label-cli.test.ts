/** `hegui label …` as a user runs it: real processes, real files, exit codes. */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelToJson, parseLabelJson, readImage, writeImageLabel } from '../src/label/index.js';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'hegui-label-cli-'));
const PRODUCER = '001191110102MACQD9K64010000';
const PLATFORM = '001191110102MAD55U9H0F20001';

function hegui(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'label', ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const path = (name: string) => join(dir, name);

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(path('sign.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(path('sign.pub'), publicKey.export({ format: 'pem', type: 'spki' }));
  const other = generateKeyPairSync('ed25519').publicKey;
  writeFileSync(path('other.pub'), other.export({ format: 'pem', type: 'spki' }));
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#d0e0f0' } })
    .png()
    .toFile(path('in.png'));
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#203040' } })
    .jpeg()
    .toFile(path('in.jpg'));
  writeFileSync(path('in.md'), '# 报告\n\n模型写的正文。\n');
});

describe('hegui label', () => {
  it('apply --visible --sign-key, then verify --visible with the public key: exit 0', () => {
    for (const [input, output] of [
      ['in.png', 'out.png'],
      ['in.jpg', 'out.jpg'],
    ] as const) {
      const a = hegui([
        'apply',
        path(input),
        '-o',
        path(output),
        '--producer',
        PRODUCER,
        '--visible',
        '--sign-key',
        path('sign.pem'),
      ]);
      expect(a.err).toBe('');
      expect(a.code).toBe(0);
      expect(a.out).toMatch(
        /signed \(ed25519, key [0-9a-f]{16}\), visible label \d+ px text \(≥ 30 px required\); read back and verified/,
      );
      const v = hegui([
        'verify',
        path(output),
        '--visible',
        '--public-key',
        path('sign.pub'),
        '--require-signature',
      ]);
      expect(v.code).toBe(0);
      expect(v.out).toContain('compliant');
      expect(v.out).toMatch(/visible label: \d+ px recorded, \d+ px measured, ≥ 30 px required/);
    }
  }, 180_000);

  it('verify: exit 1 with each failure listed; an untrusted key or a tampered ProduceID fails; exit 2 on errors', () => {
    const un = hegui(['verify', path('in.png'), '--visible']);
    expect(un.code).toBe(1);
    expect(un.out).toContain('FAIL no_label');
    expect(un.out).toContain('FAIL visible_missing');
    expect(hegui(['verify', path('out.png'), '--public-key', path('other.pub')]).out).toContain(
      'FAIL untrusted_key',
    );
    const bytes = readFileSync(path('out.png'));
    const label = parseLabelJson(readImage(bytes).sites[0]!.json).label!;
    const flipped = { ...label, ProduceID: label.ProduceID.replace(/.$/, (c) => (c === '0' ? '1' : '0')) };
    writeFileSync(path('tampered.png'), writeImageLabel(bytes, labelToJson(flipped)));
    const t = hegui(['verify', '-f', 'json', path('tampered.png'), path('out.jpg')]);
    expect(t.code).toBe(1);
    const [first, second] = t.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first.failures.map((f: { code: string }) => f.code)).toEqual(['signature_invalid']);
    expect(second.compliant).toBe(true);
    const missing = hegui(['verify', path('out.png'), path('nope.png')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
  }, 180_000);

  it('apply refuses a bad provider code and an already labelled file (exit 2)', () => {
    const bad = hegui([
      'apply',
      path('in.png'),
      '-o',
      path('x.png'),
      '--producer',
      '001191110102MACQD9K64110000',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/input_invalid: producer: .*unified social credit code/);
    expect(existsSync(path('x.png'))).toBe(false);
    const twice = hegui(['apply', path('out.png'), '-o', path('x.png'), '--producer', PRODUCER]);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('already carries an AIGC label');
  }, 180_000);

  it('inspect --format json: status, notice and label', () => {
    const r = hegui(['inspect', path('out.jpg'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({
      status: 'labelled',
      notice: '该内容由人工智能生成',
      label: { Label: '1', ContentProducer: PRODUCER },
    });
    expect(JSON.parse(hegui(['inspect', path('in.png'), '-f', 'json', '--declared']).out).status).toBe(
      'declared',
    );
  }, 180_000);

  it('propagate: labelled keeps "1", declared writes "2", detected "3", nothing to mark exits 1', () => {
    const kept = hegui([
      'propagate',
      path('out.png'),
      '-o',
      path('p1.png'),
      '--propagator',
      PLATFORM,
      '--sign-key',
      path('sign.pem'),
    ]);
    expect(kept.code).toBe(0);
    const v = JSON.parse(hegui(['verify', '-f', 'json', path('p1.png'), '--visible']).out);
    expect(v).toMatchObject({
      compliant: true,
      label: { Label: '1', ContentPropagator: PLATFORM },
      producer: { status: 'ok' },
      propagator: { status: 'ok', signed: true },
    });
    expect(
      hegui(['propagate', path('in.jpg'), '-o', path('p2.jpg'), '--propagator', PLATFORM, '--declared']).code,
    ).toBe(0);
    expect(JSON.parse(hegui(['inspect', '-f', 'json', path('p2.jpg')]).out).label.Label).toBe('2');
    expect(
      hegui(['propagate', path('in.jpg'), '-o', path('p3.jpg'), '--propagator', PLATFORM, '--detected']).code,
    ).toBe(0);
    expect(JSON.parse(hegui(['inspect', '-f', 'json', path('p3.jpg')]).out).label.Label).toBe('3');
    const none = hegui(['propagate', path('in.png'), '-o', path('p4.png'), '--propagator', PLATFORM]);
    expect(none.code).toBe(1);
    expect(none.out).toContain('unlabelled, nothing written');
    expect(existsSync(path('p4.png'))).toBe(false);
    expect(
      hegui(['propagate', path('in.png'), '-o', path('p5.png'), '--propagator', PRODUCER, '--declared']).code,
    ).toBe(2);
  }, 180_000);

  it('Markdown: apply writes the front matter and an explicit label; verify passes', () => {
    expect(
      hegui(['apply', path('in.md'), '-o', path('out.md'), '--producer', PRODUCER, '--explicit', 'both'])
        .code,
    ).toBe(0);
    const md = readFileSync(path('out.md'), 'utf8');
    expect(md).toMatch(/^---\nAIGC:\n {2}Label: "1"\n/);
    expect(md).toContain('【本内容由AI生成】');
    expect(md.trimEnd().endsWith('（本内容由人工智能生成）')).toBe(true);
    expect(hegui(['verify', path('out.md'), '--visible']).code).toBe(0);
  }, 180_000);
});
