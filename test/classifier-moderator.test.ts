import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleModerator } from '../src/engine/assemble.js';
import { Classifier } from '../src/engine/classifier/classifier.js';
import { parseDataset } from '../src/engine/classifier/datasets.js';
import { serializeModel } from '../src/engine/classifier/model.js';
import { trainClassifier } from '../src/engine/classifier/train.js';
import { buildLibrary } from '../src/engine/keywords/library.js';
import { KeywordMatcher } from '../src/engine/keywords/matcher.js';
import { parseKeywordText } from '../src/engine/keywords/parse.js';
import { createModerator, type Moderator } from '../src/engine/moderator.js';
import { defaultPolicyPath, loadPolicy, parsePolicy } from '../src/engine/policy/load.js';
import { classifierThreshold } from '../src/engine/policy/schema.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'classifier');
const train = parseDataset(readFileSync(join(FIXTURES, 'train.jsonl'), 'utf8'), 'train.jsonl').examples;
const model = trainClassifier(train, {
  features: { bits: 14, minN: 1, maxN: 3 },
  epochs: 8,
  calibrationFolds: 3,
  seed: 7,
  defaultCategory: 'A2i',
});
const classifier = new Classifier(model);

const policyYaml = (classifierSection: string) => `
name: t
version: "1"
detectors:
  classifier:
${classifierSection}
actions:
  default: block
  A1: block
  A2: { input: review, output: block }
`;
const ON = `    enabled: true
    thresholds:
      A2: { review: 0.5, block: 0.8 }
    maxAction: block
    benignBelow: 0.5`;

const LIBRARY = ['骗子\tA2i', '蠢货\tA2i\thard', '赌博\tA1h', '冰毒\tA1h\thard'].join('\n');

function moderator(section: string, withClassifier = true): Moderator {
  const policy = parsePolicy(policyYaml(section), 't.yaml');
  const library = buildLibrary([parseKeywordText(LIBRARY, 'lib.txt')], policy.allowList);
  return createModerator({
    policy,
    keywords: KeywordMatcher.compile(library, { normalize: policy.normalize }),
    ...(withClassifier ? { classifier } : {}),
  });
}

const BENIGN_WITH_TERM = '我认识的广东人都很友善，不是骗子';
const HARMFUL_WITH_TERM = '广东人都是骗子，滚出去';
const HARMFUL_NO_TERM = '四川人就是一群废物，恶心死了';

describe('classifier in the moderator', () => {
  const m = moderator(ON);

  it('fixture preconditions: the tiny model separates these texts', () => {
    expect(classifier.harmful(BENIGN_WITH_TERM)).toBeLessThan(0.5);
    expect(classifier.harmful(HARMFUL_WITH_TERM)).toBeGreaterThanOrEqual(0.8);
    expect(classifier.harmful(HARMFUL_NO_TERM)).toBeGreaterThanOrEqual(0.8);
  });

  it('reviews instead of blocks a keyword hit in a context the classifier finds benign', () => {
    const v = m.moderate(BENIGN_WITH_TERM, { direction: 'output' });
    expect(v.action).toBe('review');
    expect(v.evidence).toEqual([
      expect.objectContaining({ term: '骗子', detector: 'keywords', action: 'review', category: 'A2i' }),
    ]);
    // without the classifier the same hit blocks
    expect(
      moderator(ON.replace('benignBelow: 0.5', 'benignBelow: 0')).moderate(BENIGN_WITH_TERM, {
        direction: 'output',
      }).action,
    ).toBe('block');
  });

  it('keeps the block when the context is harmful, and adds its own finding with the probability', () => {
    const v = m.moderate(HARMFUL_WITH_TERM, { direction: 'output' });
    expect(v.action).toBe('block');
    const own = v.evidence.find((e) => e.detector === 'classifier');
    expect(own).toMatchObject({ start: 0, end: HARMFUL_WITH_TERM.length, category: 'A2i', action: 'block' });
    expect(own?.score).toBeCloseTo(classifier.harmful(HARMFUL_WITH_TERM), 12);
    expect(v.categories[0]).toMatchObject({ code: 'A2i', action: 'block', score: 1 });
  });

  it('never softens hard terms, nor categories the classifier does not judge', () => {
    expect(classifier.harmful('我们不说蠢货这种词')).toBeLessThan(0.5);
    expect(m.moderate('我们不说蠢货这种词', { direction: 'output' }).action).toBe('block');
    expect(classifier.harmful('新闻报道了赌博的危害')).toBeLessThan(0.5);
    const v = m.moderate('新闻报道了赌博的危害', { direction: 'output' });
    expect(v.action).toBe('block');
    expect(v.evidence[0]).toMatchObject({ term: '赌博', action: 'block' });
  });

  it('flags on its own by the thresholds and the policy action, capped by maxAction', () => {
    expect(m.moderate(HARMFUL_NO_TERM, { direction: 'output' })).toMatchObject({
      action: 'block',
      categories: [{ code: 'A2i', action: 'block' }],
      evidence: [{ detector: 'classifier', category: 'A2i', start: 0, end: HARMFUL_NO_TERM.length }],
    });
    // the policy reviews A2 input
    expect(m.moderate(HARMFUL_NO_TERM, { direction: 'input' }).action).toBe('review');
    const capped = moderator(ON.replace('maxAction: block', 'maxAction: review'));
    expect(capped.moderate(HARMFUL_NO_TERM, { direction: 'output' }).action).toBe('review');
    // between review and block: review
    const between = moderator(ON.replace('{ review: 0.5, block: 0.8 }', '{ review: 0.5, block: 1 }'));
    expect(between.moderate(HARMFUL_NO_TERM, { direction: 'output' }).action).toBe('review');
    // no threshold for the category: never on its own
    const none = moderator(ON.replace('A2: { review: 0.5, block: 0.8 }', 'A1: { review: 0.5, block: 0.8 }'));
    expect(none.moderate(HARMFUL_NO_TERM, { direction: 'output' }).action).toBe('allow');
    expect(m.moderate('今天天气很好', { direction: 'output' }).action).toBe('allow');
  });

  it('changes nothing when disabled, and refuses to run enabled without a model', () => {
    const off = moderator('    enabled: false', true);
    const plain = moderator('    enabled: false', false);
    for (const e of train) {
      for (const direction of ['input', 'output'] as const) {
        expect(off.moderate(e.text, { direction })).toEqual(plain.moderate(e.text, { direction }));
      }
    }
    expect(() => moderator(ON, false)).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });

  it('keeps the zero-leak stream: a hard term never reaches the reader, whatever the chunking', () => {
    const text = '大家好，这里有人卖冰毒，请注意';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length }), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const s = m.stream({ direction: 'output' });
        let shown = '';
        let blocked = false;
        let at = 0;
        for (const p of [...points, text.length]) {
          const step = s.push(text.slice(at, p));
          at = p;
          shown += step.text;
          blocked ||= step.blocked;
        }
        const end = s.end();
        shown += end.text;
        expect(blocked || end.blocked).toBe(true);
        expect(shown).not.toContain('冰毒');
      }),
    );
  });

  it('judges the whole stream at end(): a harmful text without listed words ends blocked', () => {
    const s = m.stream({ direction: 'output' });
    let shown = '';
    for (const ch of HARMFUL_NO_TERM) shown += s.push(ch).text;
    const end = s.end();
    expect(end.blocked).toBe(true);
    expect(end.verdict.action).toBe(m.moderate(HARMFUL_NO_TERM, { direction: 'output' }).action);
    expect(end.verdict.evidence.some((e) => e.detector === 'classifier')).toBe(true);
    expect(end.text).toBe('');
    expect(shown.length).toBeLessThanOrEqual(HARMFUL_NO_TERM.length);
  });

  it('softens a keyword hit in a stream by the text seen so far', () => {
    const s = m.stream({ direction: 'output' });
    let shown = '';
    for (const ch of BENIGN_WITH_TERM) {
      const step = s.push(ch);
      expect(step.blocked).toBe(false);
      shown += step.text;
    }
    const end = s.end();
    shown += end.text;
    expect(shown).toBe(BENIGN_WITH_TERM);
    expect(end.verdict.action).toBe('review');
  });
});

describe('classifier policy settings', () => {
  it('defaults to off, with no thresholds', () => {
    const p = parsePolicy('name: t\nversion: "1"\n', 't.yaml');
    expect(p.detectors.classifier).toEqual({
      enabled: false,
      model: 'builtin',
      thresholds: {},
      maxAction: 'review',
      benignBelow: 0,
    });
    expect(classifierThreshold(p, 'A2d')).toEqual({ review: 2, block: 2 });
    expect(p.detectors.guard.enabled).toBe(false);
  });

  it('looks thresholds up exact → group → default', () => {
    const p = parsePolicy(
      policyYaml(`    thresholds:
      default: { review: 0.9, block: 0.99 }
      A2: { review: 0.6, block: 0.9 }
      A2d: { review: 0.5, block: 0.7 }`),
      't.yaml',
    );
    expect(classifierThreshold(p, 'A2d')).toEqual({ review: 0.5, block: 0.7 });
    expect(classifierThreshold(p, 'A2e')).toEqual({ review: 0.6, block: 0.9 });
    expect(classifierThreshold(p, 'A1a')).toEqual({ review: 0.9, block: 0.99 });
  });

  it('rejects unknown categories, review above block and out-of-range values with the field path', () => {
    expect(() =>
      parsePolicy(policyYaml('    thresholds:\n      A9z: { review: 0.5, block: 0.9 }'), 'p.yaml'),
    ).toThrow(/p\.yaml:\d+: detectors\.classifier\.thresholds\.A9z/);
    expect(() =>
      parsePolicy(policyYaml('    thresholds:\n      A2: { review: 0.9, block: 0.5 }'), 'p.yaml'),
    ).toThrow(/review must not exceed block/);
    expect(() => parsePolicy(policyYaml('    benignBelow: 1.5'), 'p.yaml')).toThrow(/benignBelow/);
    expect(() => parsePolicy(policyYaml('    maxAction: redact'), 'p.yaml')).toThrow(/maxAction/);
  });
});

describe('the default policy pack', () => {
  it('turns the shipped classifier on and assembles it', () => {
    const policy = loadPolicy(defaultPolicyPath());
    expect(policy.detectors.classifier.enabled).toBe(true);
    expect(policy.detectors.guard.enabled).toBe(false);
    const { classifier: loaded, moderator: m } = assembleModerator();
    expect(loaded?.categories).toEqual(['A2a', 'A2d', 'A2e']);
    expect(m.moderate('今天天气很好', { direction: 'output' }).action).toBe('allow');
  });

  it('uses a model path from the policy, relative to the policy file, and fails closed on a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hegui-cls-'));
    writeFileSync(join(dir, 'tiny.bin'), serializeModel(model));
    const policyFile = join(dir, 'p.yaml');
    writeFileSync(policyFile, policyYaml(ON + '\n    model: tiny.bin'));
    const { classifier: loaded, moderator: m } = assembleModerator({ policy: policyFile });
    expect(loaded?.model.provenance).toEqual(model.provenance);
    expect(m.moderate(HARMFUL_NO_TERM, { direction: 'output' }).action).toBe('block');
    writeFileSync(policyFile, policyYaml(ON + '\n    model: missing.bin'));
    expect(() => assembleModerator({ policy: policyFile })).toThrow(
      expect.objectContaining({ code: 'library_format' }),
    );
    writeFileSync(join(dir, 'bad.bin'), 'not a model');
    writeFileSync(policyFile, policyYaml(ON + '\n    model: bad.bin'));
    expect(() => assembleModerator({ policy: policyFile })).toThrow(/not a usable classifier model/);
  });
});
