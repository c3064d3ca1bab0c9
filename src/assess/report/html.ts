/**
 * The self-contained HTML assessment report: Chinese first with an English switch, inline CSS and SVG
 * charts, no external resource. Every figure comes from the stored run.
 */
import type { CoverageReport as KeywordCoverage } from '../../engine/keywords/coverage.js';
import type { CorpusReport } from '../corpus.js';
import type { CoverageReport as BankCoverage } from '../coverage.js';
import type { GateResult } from '../metrics.js';
import type { ResultRow } from '../runstore.js';
import type { ServiceInfo } from '../service.js';
import { parseJudgments, type RunSummary } from '../summary.js';
import {
  falseRefusalByAspectChart,
  gatesChart,
  outputByCategoryChart,
  refusalByCategoryChart,
} from './charts.js';
import type { ClauseResult, ClauseStatus } from './clauses.js';
import { conclusion } from './clauses.js';

export interface ReportData {
  readonly summary: RunSummary;
  readonly createdMs: number;
  readonly options: Record<string, unknown>;
  readonly rows: readonly ResultRow[];
  readonly clauses: readonly ClauseResult[];
  readonly banks: BankCoverage;
  readonly keywords?: KeywordCoverage;
  readonly corpus?: CorpusReport;
  readonly service: ServiceInfo;
  /** Fixed time for reproducible output (tests); default now. */
  readonly generatedMs?: number;
}

export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Both languages; CSS shows one. */
const t = (zh: string, en: string) => `<span class="zh">${zh}</span><span class="en">${en}</span>`;
const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : `${(100 * x).toFixed(digits)}%`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const STATUS: Record<ClauseStatus, [string, string, string]> = {
  conforms: ['符合', 'Conforms', 'ok'],
  does_not_conform: ['不符合', 'Does not conform', 'bad'],
  not_applicable: ['不适用', 'Not applicable', 'na'],
  provider_input: ['待补充', 'Provider input needed', 'todo'],
};

function gateRow(g: GateResult): string {
  const verdict = g.sample === 0 ? t('无数据', 'no data') : g.pass ? t('通过', 'pass') : t('未通过', 'fail');
  const conf = {
    pass: t('区间内全部达标', 'whole interval passes'),
    fail: t('区间内全部未达标', 'whole interval fails'),
    uncertain: t('阈值落在区间内，需更多题目', 'threshold inside the interval: more questions needed'),
    'no-data': '–',
  }[g.confidence];
  return `<tr><td><code>${esc(g.id)}</code><br>${t(esc(g.zh), esc(g.en))}</td><td class="num">${g.sample}<br><small class="${g.sampleOk ? 'ok' : 'bad'}">${t('要求', 'min')} ≥ ${g.minSample}</small></td><td class="num">${pct(g.rate)}</td><td class="num">${pct(g.ci[0])} – ${pct(g.ci[1])}</td><td class="num">${g.direction === 'min' ? '≥' : '≤'} ${pct(g.threshold, 0)}</td><td class="${g.sample === 0 ? 'na' : g.pass ? 'ok' : 'bad'}">${verdict}</td><td>${conf}${g.unavailable ? `<br><small>${esc(g.unavailable)}</small>` : ''}</td></tr>`;
}

function examples(rows: readonly ResultRow[]): string {
  const pick = (pred: (r: ResultRow, j: NonNullable<ReturnType<typeof parseJudgments>>) => boolean, n = 8) =>
    rows
      .filter((r) => {
        const j = parseJudgments(r);
        return j !== undefined && pred(r, j);
      })
      .slice(0, n);
  const block = (title: string, list: ResultRow[]) =>
    list.length === 0
      ? ''
      : `<h3>${title} (${list.length})</h3><table class="ex"><tr><th>${t('题号', 'Id')}</th><th>${t('类别', 'Category')}</th><th>${t('回答摘录', 'Answer excerpt')}</th><th>${t('判定依据', 'Why')}</th></tr>${list
          .map((r) => {
            const j = parseJudgments(r)!;
            const why = [
              j.refusal.reason,
              ...j.output.evidence
                .filter((e) => e.action === 'block')
                .map((e) => `${e.detector}:${e.category}`),
            ].join('; ');
            return `<tr><td><code>${esc(r.item_id)}</code></td><td>${esc(r.category ?? r.aspect ?? '')}</td><td>${esc((r.answer ?? '').slice(0, 160))}${(r.answer ?? '').length > 160 ? '…' : ''}</td><td><small>${esc(why.slice(0, 200))}</small></td></tr>`;
          })
          .join('')}</table>`;
  return (
    block(
      t('应拒答但未拒答', 'Should refuse, not refused'),
      pick((r, j) => r.kind === 'must_refuse' && !j.refusal.refused),
    ) +
    block(
      t('不应拒答但拒答', 'Should answer, refused'),
      pick((r, j) => r.kind === 'must_answer' && j.refusal.refused),
    ) +
    block(
      t('生成内容不合格', 'Unacceptable outputs'),
      pick((_, j) => j.output.keyword === 'fail' || j.output.classifier === 'fail'),
    )
  );
}

export function renderReport(d: ReportData): string {
  const s = d.summary;
  const svc = d.service;
  const measured = s.gates.filter((g) => g.sample > 0);
  const gatesPass = measured.length > 0 && measured.every((g) => g.pass);
  const overall = conclusion(d.clauses);
  const overallText = {
    compliant: t('全部符合', 'Fully compliant'),
    partly: t('部分符合', 'Partly compliant'),
    non_compliant: t('不符合', 'Non-compliant'),
    pending: t(
      '待服务提供者补充后形成结论',
      'Pending: conclusion after the provider adds the missing evidence',
    ),
  }[overall];
  const counts = (status: ClauseStatus) => d.clauses.filter((c) => c.status === status).length;
  const charts = [
    [
      t(
        '各项指标与阈值（条形为比率，橙色为阈值，黑线为95%置信区间）',
        'Gates against thresholds (bar = rate, orange = threshold, black = 95 % interval)',
      ),
      gatesChart(s),
    ],
    [
      t('应拒答题库：各类别拒答率', 'Should-refuse bank: refusal rate per category'),
      refusalByCategoryChart(s),
    ],
    [
      t('非拒答题库：各方面误拒率', 'Should-not-refuse bank: refusal rate per aspect'),
      falseRefusalByAspectChart(s),
    ],
    [
      t('生成内容：各类别合格率', 'Generated content: acceptable share per category'),
      outputByCategoryChart(s),
    ],
  ].filter(([, svg]) => svg) as [string, string][];
  const info: [string, string, string | undefined][] = [
    ['服务提供者', 'Provider', svc.provider.name],
    ['统一社会信用代码', 'USCC', svc.provider.uscc],
    ['服务名称', 'Service', svc.service.name],
    ['评估模型', 'Model assessed', s.model],
    [
      '基础模型及备案号',
      'Foundation model, filing no.',
      svc.service.baseModel ? `${svc.service.baseModel} ${svc.service.baseModelFilingNo ?? ''}` : undefined,
    ],
    ['评估对象地址', 'Target', s.target],
    ['运行编号', 'Run id', s.runId],
    ['评估日期', 'Run date', day(d.createdMs)],
    ['审核策略', 'Policy', String(d.options.policy ?? '')],
  ];
  const catRows = Object.entries(s.byCategory)
    .map(
      ([code, c]) =>
        `<tr><td><code>${esc(code)}</code> ${t(esc(c.zh), esc(c.en))}</td><td class="num">${Object.values(c.questions).reduce((a, b) => a + (b ?? 0), 0)}</td><td class="num">${c.refusal_should_refuse ? `${pct(c.refusal_should_refuse.rate)} <small>(${c.refusal_should_refuse.hits}/${c.refusal_should_refuse.sample})</small>` : '–'}</td><td class="num">${pct(c.output_keyword.rate)}</td><td class="num">${c.output_classifier ? pct(c.output_classifier.rate) : '–'}</td></tr>`,
    )
    .join('');
  const clauseRows = d.clauses
    .map((c) => {
      const [zh, en, cls] = STATUS[c.status];
      return `<tr><td class="st"><code>${esc(c.id)}</code></td><td>${t(esc(c.zh), esc(c.en))}</td><td class="${cls} st">${t(zh, en)}</td><td>${t(esc(c.evidence.zh), esc(c.evidence.en))}</td></tr>`;
    })
    .join('');
  const bankRows = d.banks.banks
    .map(
      (b) =>
        `<tr><td>${{ generated: t('生成内容测试题库', 'Generated-content bank'), must_refuse: t('应拒答测试题库', 'Should-refuse bank'), must_answer: t('非拒答测试题库', 'Should-not-refuse bank') }[b.kind]}</td><td class="num">${b.total}</td><td class="num">≥ ${b.minimumTotal}</td><td class="num">${b.rows.filter((r) => r.missing > 0).length}</td><td class="${b.meetsMinimums ? 'ok' : 'bad'}">${b.meetsMinimums ? t('达标', 'meets') : t('不足', 'short')}</td></tr>`,
    )
    .join('');
  const agreement = s.judges.agreement
    .map(
      (a) =>
        `<li>${esc(a.a)} ↔ ${esc(a.b)}: ${a.agree}/${a.n} = ${pct(a.rate)}, κ = ${a.kappa === null ? '–' : a.kappa.toFixed(2)}</li>`,
    )
    .join('');
  const signer = (zh: string, en: string, name?: string) =>
    `<div class="sign"><div class="role">${t(zh, en)}</div><div class="line">${t('姓名', 'Name')}：${esc(name ?? '')}</div><div class="line">${t('签字', 'Signature')}：</div><div class="line">${t('日期', 'Date')}：</div></div>`;

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>生成式人工智能服务安全评估报告 — ${esc(svc.service.name ?? s.model)}</title>
<style>
:root{--ok:#2e7d32;--bad:#c62828;--todo:#ef6c00;--na:#757575}
*{box-sizing:border-box}body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f5f6f8;line-height:1.55}
main{max-width:1000px;margin:0 auto;background:#fff;padding:40px 48px;box-shadow:0 0 12px rgba(0,0,0,.06)}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;border-left:4px solid #1565c0;padding-left:10px;margin-top:36px}h3{font-size:16px;margin-top:22px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:10px 0}th,td{border:1px solid #dde1e6;padding:6px 8px;vertical-align:top;text-align:left}th{background:#f0f3f7}
td.num{text-align:right;white-space:nowrap}td.st{white-space:nowrap;width:5.5em}.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}.todo{color:var(--todo);font-weight:600}.na{color:var(--na)}
.summary{display:flex;gap:14px;flex-wrap:wrap;margin:16px 0}.card{flex:1 1 200px;border:1px solid #dde1e6;border-radius:6px;padding:12px 14px}.card b{display:block;font-size:22px}
.info td:first-child{width:30%;color:#555}.chart{margin:10px 0 20px}.chart svg{max-width:100%;height:auto}
.signs{display:flex;gap:18px;margin-top:18px}.sign{flex:1;border:1px solid #bbb;padding:14px;min-height:150px}.sign .role{font-weight:600;margin-bottom:18px}.sign .line{border-bottom:1px solid #999;margin:16px 0 0;padding-bottom:2px}
.switch{position:fixed;top:12px;right:16px;border:1px solid #1565c0;background:#fff;color:#1565c0;border-radius:4px;padding:4px 10px;cursor:pointer}
body.en .zh{display:none}body:not(.en) .en{display:none}small{color:#555}code{font-size:12.5px}
@media print{body{background:#fff}main{box-shadow:none;padding:0}.switch{display:none}h2{break-after:avoid}table,.chart,.signs{break-inside:avoid}}
</style></head>
<body><button class="switch" onclick="document.body.classList.toggle('en');document.documentElement.lang=document.body.classList.contains('en')?'en':'zh-CN'">中文 / English</button>
<main>
<h1>${t('生成式人工智能服务安全评估报告', 'Security self-assessment report for a generative-AI service')}</h1>
<p>${t('依据 TC260-003《生成式人工智能服务安全基本要求》/ GB/T 45654-2025 第5–9章', 'Against TC260-003 / GB/T 45654-2025, chapters 5–9')} · ${t('报告生成', 'Generated')} ${day(d.generatedMs ?? Date.now())} · hegui</p>
<div class="summary">
<div class="card">${t('测试指标', 'Test gates')}<b class="${gatesPass ? 'ok' : 'bad'}">${measured.filter((g) => g.pass).length}/${measured.length} ${t('通过', 'pass')}</b></div>
<div class="card">${t('条款', 'Clauses')}<b>${counts('conforms')} / ${counts('does_not_conform')} / ${counts('provider_input')}</b><small>${t('符合 / 不符合 / 待补充', 'conform / do not / input needed')}</small></div>
<div class="card">${t('答题', 'Answered')}<b>${s.counts.answered}/${s.counts.total}</b><small>${t('失败', 'errors')} ${s.counts.errors}</small></div>
<div class="card">${t('总体结论', 'Overall')}<b style="font-size:16px">${overallText}</b></div>
</div>
<h2>${t('一、评估对象', '1. What was assessed')}</h2>
<table class="info">${info.map(([zh, en, v]) => `<tr><td>${t(zh, en)}</td><td>${v ? esc(v) : `<span class="todo">${t('待补充', 'to be supplied')}</span>`}</td></tr>`).join('')}</table>
<h2>${t('二、生成内容与拒答测试（第9章）', '2. Generated content and refusal tests (ch. 9)')}</h2>
<table><tr><th>${t('指标', 'Gate')}</th><th>${t('样本', 'Sample')}</th><th>${t('比率', 'Rate')}</th><th>${t('95%置信区间 (Wilson)', '95 % interval (Wilson)')}</th><th>${t('阈值', 'Threshold')}</th><th>${t('结果', 'Result')}</th><th>${t('把握', 'Certainty')}</th></tr>${s.gates.map(gateRow).join('')}</table>
${charts.map(([title, svg]) => `<h3>${title}</h3><div class="chart">${svg}</div>`).join('')}
<h3>${t('分类别结果', 'Per category')}</h3>
<table><tr><th>${t('类别', 'Category')}</th><th>${t('题数', 'Questions')}</th><th>${t('应拒答拒答率', 'Refusal (should refuse)')}</th><th>${t('关键词合格率', 'Keyword check')}</th><th>${t('分类模型合格率', 'Classifier check')}</th></tr>${catRows}</table>
<h3>${t('测试题库规模（第8章）', 'Test banks (ch. 8)')}</h3>
<table><tr><th>${t('题库', 'Bank')}</th><th>${t('题数', 'Questions')}</th><th>${t('要求', 'Required')}</th><th>${t('不足的类别/方面', 'Short rows')}</th><th>${t('结果', 'Result')}</th></tr>${bankRows}</table>
${d.keywords ? `<p>${t('关键词库', 'Keyword library')}: ${d.keywords.total} (≥ ${d.keywords.minimumTotal}), ${t('不足类别', 'short categories')} ${d.keywords.categories.filter((c) => c.missing > 0).length}</p>` : ''}
${d.corpus ? `<h3>${t('语料抽检', 'Corpus check')}</h3><p>${t('抽样', 'Sampled')} ${d.corpus.sampled}/${d.corpus.records} · ${t('合格率', 'qualified')} ${pct(d.corpus.qualifiedRate, 2)} (${pct(d.corpus.ci[0], 2)}–${pct(d.corpus.ci[1], 2)}) · ${t('超过5%的来源', 'sources over 5 %')} ${d.corpus.sources.filter((x) => x.overLimit).length}</p>` : ''}
<h2>${t('三、逐条评估结果（第5–8章）', '3. Clause by clause (ch. 5–8)')}</h2>
<table><tr><th>${t('条款', 'Clause')}</th><th>${t('要求', 'Requirement')}</th><th>${t('结果', 'Result')}</th><th>${t('证据 / 理由', 'Evidence / reason')}</th></tr>${clauseRows}</table>
<h2>${t('四、评判方法与一致性', '4. Judges and agreement')}</h2>
<p>${t('拒答判定：网关拦截优先，其次为置信的拒答模型（基于 JADE-DB 回答训练的字符 n-gram 逻辑回归），再次为规则，最后为模型阈值0.5。生成内容合格判定：hegui 审核引擎按策略以输出方向审核回答，关键词检测与分类模型检测分别计算。比率的区间为 Wilson 95% 置信区间。', 'Refusal: the gateway’s block first, then the refusal model when confident (character n-gram logistic regression trained on JADE-DB answers), then rules, then the model at 0.5. Acceptable output: the hegui engine moderates each answer as output under the policy; keyword and classifier checks are counted separately. Intervals are 95 % Wilson intervals.')}</p>
<p>${t('判定来源', 'Decided by')}: ${Object.entries(s.judges.refusalBy)
    .map(([k, v]) => `${esc(k)} ${v}`)
    .join(
      ', ',
    )} · ${t('分类模型', 'classifier')}: ${s.judges.classifier}${s.judges.llm ? ` · LLM ${s.judges.llm.ran} (${t('失败', 'errors')} ${s.judges.llm.errors})` : ''}</p>
${agreement ? `<ul>${agreement}</ul>` : ''}
<p>${t('网关拦截', 'Gateway blocks')}: ${t('输入', 'input')} ${s.gateway.blockedInput}, ${t('输出', 'output')} ${s.gateway.blockedOutput}, content_filter ${s.gateway.contentFilter}</p>
<h2>${t('五、问题示例', '5. Examples')}</h2>
${examples(d.rows) || `<p>${t('无', 'None')}</p>`}
<h2>${t('六、签字', '6. Signatures')}</h2>
<p>${t('本报告为服务提供者自行开展的安全评估，须由以下三人签字。', 'A self-run assessment report is signed by these three people.')}</p>
<div class="signs">${signer('法定代表人', 'Legal representative', svc.signatories.legalRepresentative)}${signer('安全评估工作整体负责人', 'Person in charge of the assessment', svc.signatories.assessmentLead)}${signer('合法性评估负责人', 'Person in charge of the legality assessment', svc.signatories.legalLead)}</div>
</main></body></html>
`;
}
