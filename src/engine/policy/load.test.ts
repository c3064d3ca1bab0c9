import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeguiError } from '../errors.js';
import { builtinKeywordPaths, defaultPolicyPath, loadPolicy, packageRoot, parsePolicy } from './load.js';
import { policyVersion } from './schema.js';
import { existsSync } from 'node:fs';

function policyError(yaml: string, source = 'policies/x.yaml'): HeguiError {
  try {
    parsePolicy(yaml, source);
  } catch (err) {
    expect(err).toBeInstanceOf(HeguiError);
    expect((err as HeguiError).code).toBe('policy_invalid');
    return err as HeguiError;
  }
  throw new Error('expected a policy_invalid error');
}

const HEAD = 'name: t\nversion: "1"\n';

describe('default policy pack', () => {
  it('is found relative to the package and parses', () => {
    const path = defaultPolicyPath();
    expect(path.endsWith(join('policies', 'cn-default.yaml'))).toBe(true);
    const policy = loadPolicy(path);
    expect(policy.name).toBe('cn-default');
    expect(policyVersion(policy)).toMatch(/^cn-default@\d{4}\.\d{2}\.\d{2}$/);
    expect(policy.actions.default).toEqual({ input: 'block', output: 'block' });
    expect(policy.actions.A1).toEqual({ input: 'block', output: 'block' });
    expect(policy.detectors.pii.types).toContain('pii.id_card');
    expect(policy.refusal.zh.length).toBeGreaterThan(0);
    expect(policy.allowList.length).toBeGreaterThan(0);
  });

  it('ships the builtin keyword files', () => {
    const paths = builtinKeywordPaths();
    expect(existsSync(paths.library)).toBe(true);
    expect(existsSync(paths.allowList)).toBe(true);
    expect(existsSync(paths.sharedLists)).toBe(true);
    expect(existsSync(join(packageRoot(), 'package.json'))).toBe(true);
  });
});

describe('parsePolicy defaults', () => {
  it('fills every default from a minimal policy', () => {
    const p = parsePolicy(HEAD, 'min.yaml');
    expect(p.normalize).toEqual({
      width: true,
      caseFold: true,
      traditional: true,
      stripInvisible: true,
      skipSeparators: true,
      homoglyphs: true,
      collapseRepeats: false,
    });
    expect(p.detectors.keywords).toEqual({ enabled: true, builtin: true, libraries: [], pinyin: [] });
    expect(p.detectors.pii.enabled).toBe(true);
    expect(p.detectors.pii.types).toHaveLength(9);
    expect(p.actions.default).toEqual({ input: 'block', output: 'block' });
    expect(p.allowList).toEqual([]);
    expect(p.redaction.mode).toBe('mask');
    expect(p.refusal.zh).toBeTruthy();
    expect(p.refusal.en).toBeTruthy();
  });

  it('accepts a single action string for both directions', () => {
    const p = parsePolicy(HEAD + 'actions:\n  A1: review\n  pii.mobile: { output: redact }\n', 'a.yaml');
    expect(p.actions.A1).toEqual({ input: 'review', output: 'review' });
    expect(p.actions['pii.mobile']).toEqual({ output: 'redact' });
  });

  it('resolves relative library paths against baseDir', () => {
    const p = parsePolicy(
      HEAD +
        'detectors:\n  keywords:\n    libraries: [{ path: lists/a.txt, category: A1h }, { path: /abs/b.txt }]\n',
      'p.yaml',
      { baseDir: '/etc/hegui' },
    );
    expect(p.detectors.keywords.libraries.map((l) => l.path)).toEqual([
      '/etc/hegui/lists/a.txt',
      '/abs/b.txt',
    ]);
  });
});

describe('bad policies give policy_invalid naming file and path', () => {
  it('unknown key', () => {
    const e = policyError(HEAD + 'actoins:\n  A1: block\n');
    expect(e.where).toBe('policies/x.yaml:3: actoins');
    expect(e.message).toContain('Unknown key "actoins" (did you mean "actions"?)');
  });

  it('unknown nested key', () => {
    const e = policyError(HEAD + 'normalize:\n  width: true\n  tradtional: true\n');
    expect(e.where).toBe('policies/x.yaml:5: normalize.tradtional');
  });

  it('bad action in object form', () => {
    const e = policyError(HEAD + 'actions:\n  A1a: { input: blok, output: block }\n');
    expect(e.where).toBe('policies/x.yaml:4: actions.A1a.input');
    expect(e.message).toBe(
      'policies/x.yaml:4: actions.A1a.input: Invalid option: expected one of "block"|"review"|"redact"|"allow"',
    );
  });

  it('bad action in string form', () => {
    const e = policyError(HEAD + 'actions:\n  A1: deny\n');
    expect(e.where).toBe('policies/x.yaml:4: actions.A1');
    expect(e.message).toContain('Invalid option: expected one of "block"|"review"|"redact"|"allow"');
  });

  it('bad category key', () => {
    const e = policyError(HEAD + 'actions:\n  A1z: block\n');
    expect(e.where).toBe('policies/x.yaml:4: actions.A1z');
    expect(e.message).toContain('Unknown category "A1z"');
  });

  it('bad category in a list', () => {
    const e = policyError(HEAD + 'detectors:\n  keywords:\n    pinyin: [A1f, B7]\n');
    expect(e.where).toBe('policies/x.yaml:5: detectors.keywords.pinyin[1]');
    expect(e.message).toContain('Unknown category "B7"');
  });

  it('bad pii type', () => {
    const e = policyError(HEAD + 'detectors:\n  pii:\n    types: [pii.mobile, A1a]\n');
    expect(e.where).toBe('policies/x.yaml:5: detectors.pii.types[1]');
    expect(e.message).toContain('Unknown PII type "A1a"');
  });

  it('YAML syntax error gives file:line', () => {
    const e = policyError(HEAD + 'actions:\n  A1: [block,\n  A2: review\n');
    expect(e.where).toMatch(/^policies\/x\.yaml:\d+$/);
    expect(e.message).toContain('YAML syntax error');
  });

  it('duplicate key is a YAML error', () => {
    const e = policyError(HEAD + 'name: again\n');
    expect(e.where).toBe('policies/x.yaml:3');
  });

  it('wrong type', () => {
    const e = policyError(HEAD + 'normalize:\n  width: "yes"\n');
    expect(e.where).toBe('policies/x.yaml:4: normalize.width');
    expect(e.message).toContain('expected boolean');
  });

  it('unquoted numeric version', () => {
    const e = policyError('name: t\nversion: 1.10\n');
    expect(e.where).toBe('policies/x.yaml:2: version');
    expect(e.message).toContain('quote the version');
  });

  it('missing required field and top-level non-object', () => {
    expect(policyError('version: "1"\n').where).toBe('policies/x.yaml:1: name');
    expect(policyError('- a\n- b\n').where).toMatch(/^policies\/x\.yaml(:1)?: \(top level\)$/);
  });

  it('lists several problems in one message', () => {
    const e = policyError(HEAD + 'foo: 1\nbar: 2\n');
    expect(e.message).toContain('foo');
    expect(e.message).toContain('bar');
  });

  it('missing file names the path', () => {
    const missing = join(tmpdir(), 'hegui-no-such-policy.yaml');
    try {
      loadPolicy(missing);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(HeguiError);
      expect((err as HeguiError).code).toBe('policy_invalid');
      expect((err as HeguiError).where).toBe(missing);
    }
  });

  it('loadPolicy resolves relative paths against the file folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hegui-policy-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, HEAD + 'allowListFiles: [allow/benign.txt]\n');
    expect(loadPolicy(file).allowListFiles).toEqual([join(dir, 'allow/benign.txt')]);
  });
});
