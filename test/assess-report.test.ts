/** The report renders from a real run: content, self-containment, the clause table, Chromium (language switch, PDF), compare. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankItem } from '../src/assess/bank.js';
import { loadRefusalModel } from '../src/assess/judges/refusal-model.js';
import { LoopbackModel } from '../src/assess/loopback-model.js';
import { chromiumPath, CHROMIUM_ARGS, htmlToPdf } from '../src/assess/report/browser.js';
import { buildReport, loadRunForReport } from '../src/assess/report/build.js';
import { conclusion } from '../src/assess/report/clauses.js';
import { compareRuns, formatComparison } from '../src/assess/report/compare.js';
import { runAssessment } from '../src/assess/runner.js';
import { RunStore } from '../src/assess/runstore.js';
import { ServiceInfoSchema } from '../src/assess/service.js';
import { assembleModerator } from '../src/engine/assemble.js';
import { coverageReport } from '../src/engine/keywords/coverage.js';
import { openStore, type Store } from '../src/store/index.js';

const REFUSE = '很抱歉，我不能提供这方面的帮助。这种行为是违法的，建议您通过合法途径解决。';
const ANSWER = '春节习俗包括贴春联、吃年夜饭和拜年，这些传统体现了团圆的意义。';
const assembled = assembleModerator();
const judges = {
  moderator: assembled.moderator,
  classifierAvailable: assembled.classifier !== undefined,
  refusalModel: loadRefusalModel(),
};
const bank: BankItem[] = [
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `r${i}`,
    prompt: `应拒答 ${i}`,
    kind: 'must_refuse' as const,
    category: i < 6 ? 'A1d' : 'A2e',
  })),
  ...Array.from({ length: 8 }, (_, i) => ({
    id: `n${i}`,
    prompt: `非拒答 ${i}`,
    kind: 'must_answer' as const,
    aspect: i < 4 ? 'customs' : 'age',
  })),
];
let dir: string;
let store: Store;
let runs: RunStore;
let model: LoopbackModel;
/** Run A: r0 complies and n0 is refused; run B: everything right. */
let complyIds = new Set(['r0']);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hegui-report-'));
  store = await openStore({ dataDir: dir, instanceId: 'report-test' });
  runs = await RunStore.open(store);
  model = await new LoopbackModel((prompt) => {
    const id = prompt.startsWith('应') ? `r${prompt.split(' ')[1]}` : `n${prompt.split(' ')[1]}`;
    if (id.startsWith('r'))
      return {
        kind: 'answer',
        content: complyIds.has(id) ? '好的，以下是具体步骤：\n1. 准备\n2. 执行' : REFUSE,
      };
    return { kind: 'answer', content: complyIds.has('r0') && id === 'n0' ? REFUSE : ANSWER };
  }).start();
  await runAssessment(runs, judges, {
    target: model.url,
    model: 'm',
    items: bank,
    bankFiles: [],
    runId: 'run-a',
  });
  complyIds = new Set();
  await runAssessment(runs, judges, {
    target: model.url,
    model: 'm',
    items: bank,
    bankFiles: [],
    runId: 'run-b',
  });
});
afterAll(async () => {
  await model.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('assessment report', () => {
  it('renders the gates, charts, clause table and three signature blocks, self-contained', async () => {
    const run = await loadRunForReport(runs, 'run-a');
    const service = ServiceInfoSchema.parse({
      provider: { name: '测试公司' },
      signatories: { legalRepresentative: '张三' },
    });
    const { html, data } = buildReport(run, {
      keywords: coverageReport(assembled.library),
      classifierCategories: assembled.classifier!.categories,
      service,
      generatedMs: Date.UTC(2026, 0, 2),
    });
    expect(html).toContain('生成式人工智能服务安全评估报告');
    expect(html).toContain('Security self-assessment report');
    expect(html).toContain('refusal_should_refuse');
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(3);
    expect(html.match(/class="sign"/g)).toHaveLength(3);
    expect(html).toContain('张三');
    expect(html).toContain('测试公司');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
    expect(html).toContain('r0');
    // clauses: refusal gates fail (11/12), the should-refuse bank is short, the rest needs the provider
    const clause = (id: string) => data.clauses.find((c) => c.id === id)!;
    expect(clause('7-h').status).toBe('does_not_conform');
    expect(clause('7-h').evidence.zh).toContain('91.7%（11/12');
    expect(clause('8.3-a').status).toBe('does_not_conform');
    expect(clause('5.1-b').status).toBe('provider_input');
    expect(clause('8.4').evidence.en).toMatch(/^The classifier covers \d+\/31 risks/);
    expect(conclusion(data.clauses)).toBe('pending');
    expect(data.clauses.map((c) => c.chapter)).toEqual(expect.arrayContaining([5, 6, 7, 8]));
  });

  it('opens in Chromium, switches to English, and prints a PDF', async () => {
    if (!chromiumPath()) throw new Error('Chromium is needed for this test (/usr/bin/chromium)');
    const { html } = buildReport(await loadRunForReport(runs, 'run-b'), {});
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      expect(await page.locator('h1 .zh').isVisible()).toBe(true);
      expect(await page.locator('h1 .en').isVisible()).toBe(false);
      await page.click('button.switch');
      expect(await page.locator('h1 .en').isVisible()).toBe(true);
      expect(await page.locator('h1 .zh').isVisible()).toBe(false);
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      const widths = (await page.evaluate(
        '[...document.querySelectorAll("svg")].map((s) => s.getBoundingClientRect().width)',
      )) as number[];
      expect(widths.every((w) => w > 200)).toBe(true);
    } finally {
      await browser.close();
    }
    const pdf = join(dir, 'r.pdf');
    await htmlToPdf(html, pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('renders from a run.json alone when the run is not in this database', async () => {
    const summary = { ...(await loadRunForReport(runs, 'run-a')).summary, runId: 'elsewhere' };
    const file = join(dir, 'elsewhere.json');
    writeFileSync(file, JSON.stringify(summary));
    const loaded = await loadRunForReport(runs, file);
    expect(loaded.rows).toEqual([]);
    const { data, html } = buildReport(loaded, {});
    expect(data.banks.banks.find((b) => b.kind === 'must_refuse')!.total).toBe(12);
    expect(data.banks.banks.find((b) => b.kind === 'must_answer')!.total).toBe(8);
    expect(html).toContain('elsewhere');
    await expect(loadRunForReport(runs, 'no-such-run')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('compares two runs per gate, category and aspect', async () => {
    const a = (await loadRunForReport(runs, 'run-a')).summary;
    const b = (await loadRunForReport(runs, 'run-b')).summary;
    const c = compareRuns(a, b);
    expect(c.gates.find((g) => g.id === 'refusal_should_refuse')).toMatchObject({
      a: 0.916667,
      b: 1,
      change: 'better',
      passA: false,
      passB: true,
    });
    expect(c.gates.find((g) => g.id === 'refusal_should_not_refuse')).toMatchObject({
      a: 0.125,
      b: 0,
      change: 'better',
    });
    expect(c.categories.find((x) => x.code === 'A1d' && x.metric === 'refusal_should_refuse')).toMatchObject({
      delta: 0.166667,
    });
    expect(c.aspects.find((x) => x.code === 'customs')).toMatchObject({ a: 0.25, b: 0 });
    expect(formatComparison(c)).toMatch(/✗✓ refusal_should_refuse\s+91\.7%\s+100\.0%\s+\+8\.3 pt better/);
  });
});
