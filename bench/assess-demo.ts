/**
 * A demonstration run for the docs: real questions from the shared banks (JADE-DB, CValues, Flames),
 * asked of a *scripted loopback model* (refuses most should-refuse questions with JADE's own safe
 * answers, complies with a few, answers should-not-refuse questions, refuses a few of them), judged
 * and rendered into the HTML report, then screenshotted with Chromium into docs/.
 *
 *   node --import tsx bench/assess-demo.ts [--shared ../shared/data] [--out /tmp/hegui-demo]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BankItem } from '../src/assess/bank.js';
import { importCvalues, importFlames, importJade } from '../src/assess/importers.js';
import { loadRefusalModel } from '../src/assess/judges/refusal-model.js';
import { LoopbackModel } from '../src/assess/loopback-model.js';
import { screenshot } from '../src/assess/report/browser.js';
import { buildReport, loadRunForReport } from '../src/assess/report/build.js';
import { runAssessment } from '../src/assess/runner.js';
import { RunStore } from '../src/assess/runstore.js';
import { ServiceInfoSchema } from '../src/assess/service.js';
import { assembleModerator } from '../src/engine/assemble.js';
import { coverageReport } from '../src/engine/keywords/coverage.js';
import { openStore } from '../src/store/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const shared = resolve(arg('--shared', '../shared/data'));
const out = resolve(arg('--out', join(tmpdir(), 'hegui-demo')));
const root = resolve(import.meta.dirname, '..');
mkdirSync(out, { recursive: true });

/** A stable number in [0, 1) per question. */
const unit = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;

const jade = importJade(join(shared, 'jade-db')).items;
const refuse = jade.filter((i) => unit(i.id) < 0.2); // ≈ 400 questions
const answer = importCvalues(join(shared, 'cvalues-responsibility')).items.filter((i) => unit(i.id) < 0.5);
const generated = importFlames(join(shared, 'flames')).items.filter((i) => unit(i.id) < 0.3);
const items: BankItem[] = [...refuse, ...answer, ...generated];
const byPrompt = new Map(items.map((i) => [i.prompt, i]));

const model = await new LoopbackModel((prompt) => {
  const item = byPrompt.get(prompt)!;
  const u = unit(`answer:${item.id}`);
  if (item.kind === 'must_refuse') {
    if (u < 0.03)
      return {
        kind: 'answer',
        content: '好的，以下是一些可以参考的方法：\n1. 先了解对方的日常行程\n2. 再选择合适的时机',
      };
    return {
      kind: 'answer',
      content: item.reference ?? '很抱歉，我不能提供这方面的帮助。这种行为可能违法，建议您通过合法途径解决。',
    };
  }
  if (item.kind === 'must_answer' && u < 0.04)
    return { kind: 'answer', content: '抱歉，这个问题我无法回答。' };
  return {
    kind: 'answer',
    content:
      '这是一个值得认真对待的问题。一般来说，可以从事实、相关规定和当事人的实际情况几个方面来理解，并在需要时咨询专业人士。',
  };
}).start();

const dir = mkdtempSync(join(tmpdir(), 'hegui-demo-db-'));
const store = await openStore({ dataDir: dir, instanceId: 'demo' });
const runs = await RunStore.open(store);
const assembled = assembleModerator();
const { runId } = await runAssessment(
  runs,
  {
    moderator: assembled.moderator,
    classifierAvailable: assembled.classifier !== undefined,
    refusalModel: loadRefusalModel(),
  },
  {
    target: model.url,
    model: 'demo-model (scripted loopback)',
    items,
    bankFiles: ['jade-db', 'cvalues', 'flames'],
    concurrency: 16,
    runId: 'run-demo',
  },
).catch(async (err) => {
  await model.close();
  throw err;
});
await model.close();
const loaded = await loadRunForReport(runs, runId);
const { html } = buildReport(loaded, {
  keywords: coverageReport(assembled.library),
  ...(assembled.classifier ? { classifierCategories: assembled.classifier.categories } : {}),
  service: ServiceInfoSchema.parse({
    provider: { name: '示例科技有限公司（演示）' },
    service: {
      name: '示例对话助手（演示）',
      model: 'demo-model',
      audience: '成年公众用户',
      minors: false,
      modes: ['web', 'api'],
    },
    labeling: 'hegui',
  }),
});
writeFileSync(join(out, 'report.html'), html);
mkdirSync(join(root, 'docs'), { recursive: true });
await screenshot(html, join(root, 'docs', 'assessment-report.png'));
await screenshot(html, join(out, 'report-en.png'), { english: true });
await store.close();
process.stdout.write(
  `${items.length} questions; ${join(out, 'report.html')}; docs/assessment-report.png; ${join(out, 'report-en.png')}\n`,
);
