import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accumulate, Classifier, WINDOW, WINDOW_STEP } from '../src/engine/classifier/classifier.js';
import { parseDataset } from '../src/engine/classifier/datasets.js';
import { featureCount, hashNgrams, type FeatureConfig } from '../src/engine/classifier/features.js';
import { DEFAULT_GROUPS, GroupMasker, PLACEHOLDER_BASE } from '../src/engine/classifier/groups.js';
import { builtinModelPath, loadModel } from '../src/engine/classifier/load.js';
import { binaryMetrics, rocAuc } from '../src/engine/classifier/metrics.js';
import { deserializeModel, serializeModel } from '../src/engine/classifier/model.js';
import { fitPlatt, mulberry32, trainClassifier, type TrainOptions } from '../src/engine/classifier/train.js';
import { createNormalizer } from '../src/engine/normalize/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'classifier');
const fixture = (name: string) => parseDataset(readFileSync(join(FIXTURES, name), 'utf8'), name).examples;
const train = fixture('train.jsonl');
const test = fixture('test.jsonl');
const TINY: TrainOptions = {
  features: { bits: 14, minN: 1, maxN: 3 },
  epochs: 8,
  calibrationFolds: 3,
  seed: 7,
  provenance: { name: 'tiny', data: ['train.jsonl'], license: 'Apache-2.0 (hegui fixtures)' },
};
const tiny = trainClassifier(train, TINY);

describe('features', () => {
  const config: FeatureConfig = { bits: 16, minN: 1, maxN: 3 };
  const codes = (s: string) => Uint16Array.from(s, (c) => c.charCodeAt(0));

  it('hashes every 1…maxN-gram of the framed text into [0, 2^bits)', () => {
    const text = '河南人';
    const out = new Int32Array(featureCount(text.length, config));
    const n = hashNgrams(codes(text), text.length, config, out);
    // framed: ^河南人$ → 3 unigrams (markers alone skipped), 4 bigrams, 3 trigrams
    expect(n).toBe(3 + 4 + 3);
    for (const b of out.subarray(0, n)) {
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(1 << 16);
    }
  });

  it('gives the same n-gram the same bucket wherever it occurs, and different ones different buckets', () => {
    const bucketsOf = (text: string) => {
      const out = new Int32Array(featureCount(text.length, { maxN: 1 }));
      const n = hashNgrams(codes(text), text.length, { bits: 20, minN: 1, maxN: 1 }, out);
      return [...out.subarray(0, n)];
    };
    const [a1, b1, a2] = bucketsOf('甲乙甲');
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b1);
  });

  it('reads a window at an offset exactly as the same text on its own', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (prefix, text) => {
        const whole = codes(prefix + text);
        const a = new Int32Array(featureCount(text.length, config));
        const b = new Int32Array(featureCount(text.length, config));
        const na = hashNgrams(whole, text.length, config, a, prefix.length);
        const nb = hashNgrams(codes(text), text.length, config, b);
        expect([...a.subarray(0, na)]).toEqual([...b.subarray(0, nb)]);
      }),
    );
  });
});

describe('training', () => {
  it('learns the fixture task well above chance on unseen groups and wordings', () => {
    const c = new Classifier(tiny);
    const scores = test.map((e) => c.harmful(e.text));
    const m = binaryMetrics(
      scores.map((p) => (p >= 0.5 ? 1 : 0)),
      test.map((e) => e.label),
    );
    // chance is 0.5 on this balanced set
    expect(m.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(m.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(
      rocAuc(
        scores,
        test.map((e) => e.label),
      ),
    ).toBeGreaterThanOrEqual(0.9);
  });

  it('learns the topic outputs and attributes the harmful probability to categories', () => {
    const topics = [
      { name: 'region', category: 'A2d' },
      { name: 'gender', category: 'A2e' },
    ];
    const withTopics = train.map((e) => ({
      ...e,
      topic: /女|男/.test(e.text)
        ? 'gender'
        : /人$|人[，都就真素的里也我]|人朋友|人同事/.test(e.text)
          ? 'region'
          : 'other',
    }));
    const model = trainClassifier(withTopics, { ...TINY, topics });
    const c = new Classifier(model);
    expect(c.categories).toEqual(['A2d', 'A2e']);
    const r = c.classify('女生都是蠢货，滚');
    expect(r.categories[0]!.code).toBe('A2e');
    const s = c.scores('女生都是蠢货，滚');
    expect(s[1]! + s[2]!).toBeCloseTo(s[0]!, 10);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const again = trainClassifier(train, TINY);
    expect(Buffer.from(serializeModel(again)).equals(Buffer.from(serializeModel(tiny)))).toBe(true);
    const other = trainClassifier(train, { ...TINY, seed: 8 });
    expect(Buffer.from(serializeModel(other)).equals(Buffer.from(serializeModel(tiny)))).toBe(false);
  });

  it('rejects bad options and too little data', () => {
    expect(() => trainClassifier(train.slice(0, 1), TINY)).toThrow(RangeError);
    expect(() => trainClassifier(train, { ...TINY, features: { bits: 30, minN: 1, maxN: 3 } })).toThrow(
      /bits/,
    );
    expect(() => trainClassifier(train, { ...TINY, calibrationFolds: 1 })).toThrow(/calibrationFolds/);
  });

  it('fits Platt scaling that recovers a known sigmoid', () => {
    const rng = mulberry32(3);
    const n = 4000;
    const z = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      z[i] = rng() * 8 - 4;
      y[i] = rng() < 1 / (1 + Math.exp(-(2 * z[i]! - 1))) ? 1 : 0;
    }
    const { a, b } = fitPlatt(z, y);
    expect(a).toBeGreaterThan(1.7);
    expect(a).toBeLessThan(2.3);
    expect(b).toBeGreaterThan(-1.3);
    expect(b).toBeLessThan(-0.7);
  });
});

describe('group masking', () => {
  const masker = new GroupMasker(DEFAULT_GROUPS, {});
  const mask = (text: string) => {
    const codes = Uint16Array.from(text, (ch) => ch.charCodeAt(0));
    const out = new Uint16Array(codes.length);
    return String.fromCharCode(...out.subarray(0, masker.mask(codes, codes.length, out)));
  };
  const [RACE, REGION, GENDER] = [0, 1, 2].map((i) => String.fromCharCode(PLACEHOLDER_BASE + i));

  it('replaces group names by their class placeholder, longest first, and leaves slurs alone', () => {
    expect(mask('河南人和广东人')).toBe(`${REGION}和${REGION}`);
    expect(mask('女孩子和黑人')).toBe(`${GENDER}和${RACE}`);
    expect(mask('黑鬼')).toBe('黑鬼');
    expect(mask('河南')).toBe('河南');
    expect(mask('')).toBe('');
  });

  it('makes a model judge every group of a class alike, in any spelling the normaliser folds', () => {
    const model = trainClassifier(train, { ...TINY, groups: DEFAULT_GROUPS });
    const c = new Classifier(model);
    expect(c.harmful('广东人都是垃圾骗子')).toBe(c.harmful('四川人都是垃圾骗子'));
    expect(c.harmful('廣東人都是垃圾騙子')).toBe(c.harmful('四川人都是垃圾骗子'));
    expect(c.harmful('我认识的女生都很友善')).toBe(c.harmful('我认识的男性都很友善'));
    const loaded = deserializeModel(serializeModel(model));
    expect(loaded.groups).toEqual(DEFAULT_GROUPS);
    expect(new Classifier(loaded).harmful('老外都是骗子')).toBe(c.harmful('老外都是骗子'));
  });
});

describe('model file', () => {
  it('round-trips: the loaded model scores every text exactly as the trained one', () => {
    const bytes = serializeModel(tiny);
    const loaded = deserializeModel(bytes);
    expect(loaded.provenance).toEqual(tiny.provenance);
    const a = new Classifier(tiny);
    const b = new Classifier(loaded);
    for (const e of [...train, ...test]) expect(b.scores(e.text)).toEqual(a.scores(e.text));
  });

  it('refuses a damaged, truncated or foreign file with library_format', () => {
    const bytes = serializeModel(tiny);
    const flipped = bytes.slice();
    flipped[flipped.length - 5] = flipped[flipped.length - 5]! ^ 0x40;
    expect(() => deserializeModel(flipped, 'm.bin')).toThrow(
      expect.objectContaining({ code: 'library_format' }),
    );
    expect(() => deserializeModel(flipped, 'm.bin')).toThrow(/CRC/);
    expect(() => deserializeModel(bytes.subarray(0, bytes.length - 1))).toThrow(/weight bytes/);
    expect(() => deserializeModel(new TextEncoder().encode('HGKW0000'))).toThrow(/too short|magic/);
    const version = bytes.slice();
    version[4] = 99;
    expect(() => deserializeModel(version)).toThrow(/format version 99/);
  });
});

describe('inference', () => {
  const c = new Classifier(tiny);

  it('equals the reference computation: normalise, hash, sum, calibrate', () => {
    const normalizer = createNormalizer(tiny.normalize);
    const acc = new Float64Array(tiny.outputs);
    for (const e of test) {
      const text = normalizer.normalize(e.text).text;
      const codes = Uint16Array.from(text, (ch) => ch.charCodeAt(0));
      const buckets = new Int32Array(featureCount(codes.length, tiny.features));
      const n = hashNgrams(codes, codes.length, tiny.features, buckets);
      const z = accumulate(tiny, buckets, n, acc)[0]!;
      const p = 1 / (1 + Math.exp(-(tiny.calibration.a * z + tiny.calibration.b)));
      expect(c.harmful(e.text)).toBeCloseTo(p, 12);
    }
  });

  it('scores a text the same whatever was scored before it (no state leaks between calls)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
        fc.string({ maxLength: 20 }),
        (before, text) => {
          const fresh = new Classifier(tiny).harmful(text);
          for (const b of before) c.harmful(b);
          c.harmful('河南人');
          expect(c.harmful(text)).toBe(fresh);
        },
      ),
    );
    // a text starting with separators after one ending in an ideograph
    const fresh = new Classifier(tiny).harmful('**骗子');
    c.harmful('河南');
    expect(c.harmful('**骗子')).toBe(fresh);
  });

  it('folds evasions the keyword engine folds (spacing, full width, traditional)', () => {
    expect(c.harmful('四 川 人 都 是 垃 圾 骗 子')).toBeCloseTo(c.harmful('四川人都是垃圾骗子'), 12);
    expect(c.harmful('四川人都是垃圾騙子')).toBeCloseTo(c.harmful('四川人都是垃圾骗子'), 12);
  });

  it('scores long texts by their most harmful window, so one insult is not diluted by the rest', () => {
    const insult = '广东人都是垃圾骗子';
    const filler = '天气预报说明天有雨。'.repeat(100);
    const text = filler + insult + filler;
    expect(text.length).toBeGreaterThan(WINDOW * 4);
    const p = c.harmful(text);
    // the maximum over the overlapping windows of the normalised text…
    const normalized = createNormalizer(tiny.normalize).normalize(text).text;
    let best = 0;
    for (let from = 0; from < normalized.length; from += WINDOW_STEP) {
      best = Math.max(best, c.harmful(normalized.slice(from, from + WINDOW)));
      if (from + WINDOW >= normalized.length) break;
    }
    expect(p).toBeCloseTo(best, 12);
    // …which is above the filler alone and above one score over the whole text
    expect(p).toBeGreaterThan(c.harmful(filler + filler));
    const codes = Uint16Array.from(normalized, (ch) => ch.charCodeAt(0));
    const buckets = new Int32Array(featureCount(codes.length, tiny.features));
    const n = hashNgrams(codes, codes.length, tiny.features, buckets);
    const z = accumulate(tiny, buckets, n, new Float64Array(tiny.outputs))[0]!;
    expect(p).toBeGreaterThan(1 / (1 + Math.exp(-(tiny.calibration.a * z + tiny.calibration.b))));
    // a text up to one window long is scored whole
    expect(c.harmful(insult)).toBeGreaterThanOrEqual(0.5);
  });

  it('handles empty input, lone surrogates and very long input', () => {
    for (const t of ['', '\ud800', '\udfff骗子\ud800', 'a'.repeat(70_000) + '垃圾']) {
      const p = c.harmful(t);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });
});

describe('metrics', () => {
  it('computes confusion, per-class and macro scores', () => {
    const m = binaryMetrics([1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0]);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([2, 1, 2, 1]);
    expect(m.positive.precision).toBeCloseTo(2 / 3);
    expect(m.negative.recall).toBeCloseTo(2 / 3);
    expect(m.macroF1).toBeCloseTo(2 / 3);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(() => binaryMetrics([1], [1, 0])).toThrow(RangeError);
  });
});

describe('datasets', () => {
  it('reads COLD and ToxiCN CSV and JSON Lines, with file:line errors', () => {
    const cold = parseDataset(
      '\ufeff,split,topic,label,TEXT\n1,train,race,1,"a,b"\n2,dev,gender,0,c\n',
      'c.csv',
    );
    expect(cold).toEqual({
      format: 'cold',
      examples: [
        { text: 'a,b', label: 1, topic: 'race' },
        { text: 'c', label: 0, topic: 'gender' },
      ],
    });
    const tox = parseDataset('platform,topic,content,toxic,toxic_type\nzhihu,lgbt,x,1,2\n', 't.csv');
    expect(tox.format).toBe('toxicn');
    expect(tox.examples).toEqual([{ text: 'x', label: 1, topic: 'lgbt' }]);
    expect(() => parseDataset('text,label\nx,2\n', 'g.csv')).toThrow(/g\.csv:2: label must be 0 or 1/);
    expect(() => parseDataset('{"text":"x","label":1}\n{bad\n', 'j.jsonl')).toThrow(/j\.jsonl:2/);
    expect(() => parseDataset('a,b\n1,2\n', 'u.csv')).toThrow(/unknown dataset format/);
    expect(parseDataset('ID,问题,违规回答,安全有用回答\n1,q,坏回答,请遵守法律\n', 'j.csv')).toEqual({
      format: 'jade-alignment',
      examples: [{ text: '请遵守法律', label: 0 }],
    });
  });
});

describe('the shipped model', () => {
  it('is at most 10 MB, loads in under 200 ms and says what it was trained on', () => {
    const path = builtinModelPath();
    expect(statSync(path).size).toBeLessThanOrEqual(10 * 1024 * 1024);
    const t = performance.now();
    const model = loadModel(path);
    expect(performance.now() - t).toBeLessThan(200);
    expect(model.provenance.data).toEqual([
      'train.csv',
      'jade_alignment_medium_zh.csv',
      'jade_alignment_hard_zh.csv',
    ]);
    expect(model.provenance.license).toMatch(/^Apache-2\.0 \(COLD.*; MIT \(JADE-DB/);
    expect(model.topics.map((t) => t.category)).toEqual(['A2a', 'A2d', 'A2e']);
    expect(model.groups.map((g) => g.name)).toEqual(['race', 'region', 'gender']);
  });
});
