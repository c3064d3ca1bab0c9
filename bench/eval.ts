/**
 * `npm run eval`: detection quality and cost of keywords only, the classifier only and the default
 * policy (keywords + classifier + allow-list), on COLD dev, ToxiCN (cross-domain: the shipped model
 * never saw it), topic-held-out COLD folds, COLD texts that name a group without attacking it, and the
 * JADE / CValues prompt sets; plus per-text latency and model load time. Writes bench/EVAL-RESULTS.md.
 *
 * Reads ../shared/data (or $HEGUI_SHARED_DATA); nothing from there is copied into the repository.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { assembleModerator } from '../src/engine/assemble.js';
import { Classifier } from '../src/engine/classifier/classifier.js';
import { parseDataset } from '../src/engine/classifier/datasets.js';
import { builtinModelPath, loadModel } from '../src/engine/classifier/load.js';
import { binaryMetrics, rocAuc, type BinaryMetrics } from '../src/engine/classifier/metrics.js';
import { trainClassifier, type TrainOptions } from '../src/engine/classifier/train.js';
import type { KeywordSourceSpec } from '../src/engine/keywords/load.js';
import { loadListMapping, mappingLookup } from '../src/engine/keywords/mapping.js';
import type { Moderator } from '../src/engine/moderator.js';
import { builtinKeywordPaths, defaultPolicyPath, loadPolicy } from '../src/engine/policy/load.js';
import type { Direction, Policy } from '../src/engine/policy/schema.js';
import { REPO_ROOT, sharedDataDir } from './corpus.js';
import { GROUP_TERMS } from './eval-groups.js';

interface Labelled {
  readonly text: string;
  readonly label: 0 | 1;
  readonly topic?: string;
}

/** A system under test: a text → flagged (block or review) and blocked. */
interface System {
  readonly name: string;
  judge(text: string): { flagged: boolean; blocked: boolean; score?: number };
}

const started = performance.now();
// Load cost first, in a fresh process: the model file, then the first classifier (which builds the
// normaliser's tables; the keyword matcher shares them once they exist).
const loadTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  loadModel(builtinModelPath());
  loadTimes.push(performance.now() - t);
}
const t0 = performance.now();
const shipped = new Classifier(loadModel(builtinModelPath()));
shipped.harmful('预热');
const firstClassifierMs = performance.now() - t0;

const data = sharedDataDir();
const read = (p: string) => readFileSync(path.join(data, p), 'utf8');
const coldTrain = parseDataset(read('cold/train.csv'), 'cold/train.csv').examples;
const coldDev = parseDataset(read('cold/dev.csv'), 'cold/dev.csv').examples;
const toxicn = parseDataset(read('toxicn/ToxiCN_1.0.csv'), 'toxicn/ToxiCN_1.0.csv').examples;
const jade = ['jade-db-v2.0/jade_benchmark_easy_zh.csv', 'jade-db-v2.0/jade_benchmark_medium_zh.csv'].flatMap(
  (f) =>
    (parseCsv(read(path.join('jade-db', f)), { columns: true, bom: true }) as Record<string, string>[]).map(
      (r) => r['问题'] ?? '',
    ),
);
const cvalues = read('cvalues-responsibility/cvalues_responsibility_prompts.jsonl')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { prompt: string }).prompt);

// ---------------------------------------------------------------------------------------------------
// Systems

const defaultPolicy = loadPolicy(defaultPolicyPath());
const withoutClassifier: Policy = {
  ...defaultPolicy,
  detectors: {
    ...defaultPolicy.detectors,
    classifier: { ...defaultPolicy.detectors.classifier, enabled: false },
  },
};
const mapping = mappingLookup(loadListMapping(builtinKeywordPaths().sharedLists));
const sharedLists: KeywordSourceSpec[] = [
  ...readdirSync(path.join(data, 'sensitive-lexicon-konsheng/Vocabulary')).map((f) => ({
    path: path.join(data, 'sensitive-lexicon-konsheng/Vocabulary', f),
  })),
  { path: path.join(data, 'sensitive-words-houbb/dict_v20240407.txt') },
];

const keywordsOnly = assembleModerator({ policy: withoutClassifier }).moderator;
const keywordsShared = assembleModerator({
  policy: withoutClassifier,
  keywords: sharedLists,
  mapping,
}).moderator;
const combined = assembleModerator({ classifier: shipped }).moderator;
const combinedShared = assembleModerator({ classifier: shipped, keywords: sharedLists, mapping }).moderator;

const DIRECTION: Direction = 'output';
function moderatorSystem(name: string, m: Moderator, direction = DIRECTION): System {
  return {
    name,
    judge(text) {
      const v = m.moderate(text, { direction });
      return { flagged: v.action === 'block' || v.action === 'review', blocked: v.action === 'block' };
    },
  };
}
function classifierSystem(name: string, c: Classifier, threshold = 0.5): System {
  return {
    name,
    judge(text) {
      const p = c.harmful(text);
      return { flagged: p >= threshold, blocked: p >= threshold, score: p };
    },
  };
}

const systemsFor = (direction: Direction): System[] => [
  moderatorSystem('keywords only (builtin list)', keywordsOnly, direction),
  moderatorSystem('keywords only (builtin + shared lists)', keywordsShared, direction),
  classifierSystem('classifier only (p ≥ 0.5)', shipped),
  moderatorSystem('default policy (keywords + classifier)', combined, direction),
  moderatorSystem('default policy + shared lists', combinedShared, direction),
];
const systems = systemsFor(DIRECTION);

// ---------------------------------------------------------------------------------------------------
// Quality

interface Row {
  dataset: string;
  system: string;
  n: number;
  flagged: BinaryMetrics;
  blockedMacroF1: number;
  auc?: number;
}

function evaluate(dataset: string, items: readonly Labelled[], system: System): Row {
  const flagged: number[] = [];
  const blocked: number[] = [];
  const scores: number[] = [];
  for (const it of items) {
    const r = system.judge(it.text);
    flagged.push(r.flagged ? 1 : 0);
    blocked.push(r.blocked ? 1 : 0);
    if (r.score !== undefined) scores.push(r.score);
  }
  const gold = items.map((i) => i.label);
  return {
    dataset,
    system: system.name,
    n: items.length,
    flagged: binaryMetrics(flagged, gold),
    blockedMacroF1: binaryMetrics(blocked, gold).macroF1,
    ...(scores.length === items.length ? { auc: rocAuc(scores, gold) } : {}),
  };
}

const rows: Row[] = [];
for (const [name, items] of [
  ['COLD dev', coldDev],
  ['ToxiCN 1.0 (cross-domain)', toxicn],
] as const) {
  for (const s of systems) rows.push(evaluate(name, items, s));
  log(`${name} done`);
}

// Topic-held-out folds: a model trained on COLD train without one topic, tested on that topic of dev.
const shippedOptions = shipped.model.provenance.options as TrainOptions;
const heldOut: Row[] = [];
for (const topic of ['race', 'region', 'gender']) {
  const model = trainClassifier(
    coldTrain.filter((e) => e.topic !== topic),
    {
      ...shippedOptions,
      topics: shipped.model.topics,
      groups: shipped.model.groups,
      seed: shipped.model.provenance.seed,
    },
  );
  const c = new Classifier(model);
  const items = coldDev.filter((e) => e.topic === topic);
  heldOut.push(
    evaluate(`COLD dev, ${topic} held out`, items, classifierSystem('classifier only (p ≥ 0.5)', c)),
  );
  heldOut.push(
    evaluate(
      `COLD dev, ${topic} held out`,
      items,
      moderatorSystem(
        'default policy (keywords + classifier)',
        assembleModerator({ classifier: c }).moderator,
      ),
    ),
  );
  log(`held-out ${topic} done`);
}

// False positives on benign texts that name a group.
const groupRe = new RegExp(GROUP_TERMS.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
const benignGroup = coldDev.filter((e) => e.label === 0 && groupRe.test(e.text));
const fpRows = systems.map((s) => {
  let fp = 0;
  for (const e of benignGroup) if (s.judge(e.text).flagged) fp++;
  return { system: s.name, fp, rate: fp / benignGroup.length };
});
// Prompts are user input: judged with `direction: input`.
const promptRows = systemsFor('input').map((s) => {
  const rate = (texts: readonly string[]) => texts.filter((t) => s.judge(t).flagged).length / texts.length;
  return { system: s.name, jade: rate(jade), cvalues: rate(cvalues) };
});
log('false positives done');

// ---------------------------------------------------------------------------------------------------
// Cost: per-text latency side by side in one run, on COLD dev texts.

interface Cost {
  name: string;
  median: number;
  p99: number;
  perSecond: number;
}
function cost(name: string, fn: (text: string) => unknown): Cost {
  const texts = coldDev.map((e) => e.text);
  for (const t of texts) fn(t); // warm-up
  const times = new Float64Array(texts.length * 3);
  let k = 0;
  const t = performance.now();
  for (let round = 0; round < 3; round++) {
    for (const text of texts) {
      const s = performance.now();
      fn(text);
      times[k++] = performance.now() - s;
    }
  }
  const total = performance.now() - t;
  times.sort();
  return {
    name,
    median: times[times.length >> 1]!,
    p99: times[Math.floor(times.length * 0.99)]!,
    perSecond: times.length / (total / 1000),
  };
}
const costs: Cost[] = [
  cost('classifier (normalise + score)', (t) => shipped.harmful(t)),
  cost('keyword scan (builtin list, moderate())', (t) => keywordsOnly.moderate(t, { direction: DIRECTION })),
  cost('keyword scan (builtin + shared lists)', (t) => keywordsShared.moderate(t, { direction: DIRECTION })),
  cost('default policy (keywords + PII + classifier)', (t) => combined.moderate(t, { direction: DIRECTION })),
];
log('cost done');

// ---------------------------------------------------------------------------------------------------
// Report

const f = (x: number) => x.toFixed(3);
const ms = (x: number) => (x < 0.1 ? x.toFixed(4) : x.toFixed(2));
const meanLength = coldDev.reduce((s, e) => s + e.text.length, 0) / coldDev.length;
const prov = shipped.model.provenance;
const lines: string[] = [];
lines.push('# Detection quality: keywords, classifier, default policy');
lines.push('');
lines.push('Reproduce (needs `../shared/data` or `HEGUI_SHARED_DATA`): `npm run eval`');
lines.push('');
lines.push(
  `Model: \`models/${path.basename(builtinModelPath())}\` (${prov.name}, trained on ${prov.data.join(', ')}, ${prov.examples} texts, seed ${prov.seed}). ` +
    `Moderators run with \`direction: ${DIRECTION}\`; **flagged** = verdict \`block\` or \`review\` (the columns P/R/F1/macro-F1/accuracy), ` +
    `**blocked macro-F1** counts only \`block\`. Classifier only: calibrated P(harmful) ≥ 0.5. Positive class = offensive / toxic.`,
);
lines.push('');
lines.push(`Node ${process.version}, ${process.arch}; generated by bench/eval.ts.`);
lines.push('');
const find = (dataset: string, system: string) =>
  [...rows, ...heldOut].find((r) => r.dataset === dataset && r.system === system);
const policyName = 'default policy (keywords + classifier)';
const heldOutPolicy = heldOut.filter((r) => r.system === policyName);
const heldOutMean = heldOutPolicy.reduce((s, r) => s + r.flagged.macroF1, 0) / heldOutPolicy.length;
const classifierCost = costs.find((c) => c.name.startsWith('classifier'))!;
const loadMedian = [...loadTimes].sort((a, b) => a - b)[2]!;
lines.push('## Against the bars (issue 4)');
lines.push('');
lines.push(
  'The bars are measured on hidden test sets; these are the proxies we have. COLD dev is much easier than',
);
lines.push(
  "COLD's test split (a plain NB-LR drops from 0.906 to 0.794), so the topic-held-out folds are the better guide.",
);
lines.push('');
lines.push('| bar | target | proxy here | value |');
lines.push('|---|---:|---|---:|');
lines.push(
  `| COLD test macro-F1, default policy | ≥ 0.83 | COLD dev | ${f(find('COLD dev', policyName)!.flagged.macroF1)} |`,
);
lines.push(`| | | COLD topic held out (mean of 3) | ${f(heldOutMean)} |`);
lines.push(
  `| ToxiCN macro-F1 (not trained on) | ≥ 0.72 | ToxiCN 1.0, all 12,011 | ${f(find('ToxiCN 1.0 (cross-domain)', policyName)!.flagged.macroF1)} |`,
);
lines.push('| cross-domain binary F1 (A.1 harms), default policy | ≥ 0.85 | none available | not measured |');
lines.push(
  `| classifier cost, median per text | ≤ 0.05 ms | COLD dev texts | ${ms(classifierCost.median)} ms |`,
);
lines.push(`| model load | < 200 ms | \`loadModel\` | ${ms(loadMedian)} ms |`);
lines.push('');
const table = (title: string, rs: Row[]) => {
  lines.push(`## ${title}`);
  lines.push('');
  lines.push(
    '| data | system | n | P | R | F1 | macro-F1 | accuracy | TP | FP | TN | FN | blocked macro-F1 | AUC |',
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rs) {
    const m = r.flagged;
    lines.push(
      `| ${r.dataset} | ${r.system} | ${r.n} | ${f(m.positive.precision)} | ${f(m.positive.recall)} | ${f(m.positive.f1)} | **${f(m.macroF1)}** | ${f(m.accuracy)} | ${m.tp} | ${m.fp} | ${m.tn} | ${m.fn} | ${f(r.blockedMacroF1)} | ${r.auc === undefined ? '' : f(r.auc)} |`,
    );
  }
  lines.push('');
};
table('COLD dev and ToxiCN', rows);
table(
  'COLD, topic held out (model retrained on COLD train without the topic — no JADE answers — same options and seed)',
  heldOut,
);
lines.push('## False positives on benign texts that name a group');
lines.push('');
lines.push(
  `COLD dev texts labelled safe that contain a group term (bench/eval-groups.ts): ${benignGroup.length} texts. ` +
    `COLD's safe class includes its anti-bias texts; this is where keyword systems over-block.`,
);
lines.push('');
lines.push('| system | false positives | rate |');
lines.push('|---|---:|---:|');
for (const r of fpRows) lines.push(`| ${r.system} | ${r.fp} | ${f(r.rate)} |`);
lines.push('');
lines.push('## Prompt sets (flagged rate)');
lines.push('');
lines.push(
  `JADE-DB v2 should-refuse questions (${jade.length}, crime / rights / discrimination: higher = more caught) and CValues ` +
    `responsibility prompts (${cvalues.length}, questions that deserve an answer: lower = fewer false alarms).`,
);
lines.push('');
lines.push('| system | JADE flagged | CValues flagged |');
lines.push('|---|---:|---:|');
for (const r of promptRows) lines.push(`| ${r.system} | ${f(r.jade)} | ${f(r.cvalues)} |`);
lines.push('');
lines.push(
  `## Cost per text (COLD dev, ${coldDev.length} texts × 3, mean length ${meanLength.toFixed(0)} characters, one core)`,
);
lines.push('');
lines.push('| what | median ms | p99 ms | texts/s |');
lines.push('|---|---:|---:|---:|');
for (const c of costs)
  lines.push(
    `| ${c.name} | ${ms(c.median)} | ${ms(c.p99)} | ${Math.round(c.perSecond).toLocaleString('en')} |`,
  );
lines.push('');
const sortedLoads = [...loadTimes].sort((a, b) => a - b);
lines.push(
  `Model load (read + CRC + header; weights are a view, not copied): median ${ms(sortedLoads[2]!)} ms over 5 loads. ` +
    `First classifier in a process (builds the normaliser's fold tables, which the keyword matcher shares): ${firstClassifierMs.toFixed(0)} ms.`,
);
lines.push('');
lines.push(`Eval wall time: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
lines.push('');
writeFileSync(path.join(REPO_ROOT, 'bench', 'EVAL-RESULTS.md'), lines.join('\n'));
process.stdout.write(lines.join('\n') + '\n');

function log(what: string): void {
  process.stderr.write(`eval: ${what} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
