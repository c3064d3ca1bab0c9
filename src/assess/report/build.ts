/** Gathers what the report needs from a stored run (or a summary file) and renders it. */
import { readFileSync } from 'node:fs';
import { HeguiError } from '../../engine/errors.js';
import type { CoverageReport as KeywordCoverage } from '../../engine/keywords/coverage.js';
import type { BankItem } from '../bank.js';
import type { CorpusReport } from '../corpus.js';
import { bankCoverage } from '../coverage.js';
import type { ResultRow, RunStore } from '../runstore.js';
import { EMPTY_SERVICE, type ServiceInfo } from '../service.js';
import type { RunSummary } from '../summary.js';
import { deriveClauses } from './clauses.js';
import { renderReport, type ReportData } from './html.js';

export interface ReportInputs {
  readonly keywords?: KeywordCoverage;
  readonly classifierCategories?: readonly string[];
  readonly corpus?: CorpusReport;
  readonly service?: ServiceInfo;
  readonly generatedMs?: number;
}

/** Bank items as the run saw them: from the result rows, or from the summary's counts. */
function itemsOf(rows: readonly ResultRow[], summary: RunSummary): BankItem[] {
  if (rows.length > 0) {
    return rows.map((r) => ({
      id: r.item_id,
      prompt: '-',
      kind: r.kind as BankItem['kind'],
      ...(r.category ? { category: r.category } : {}),
      ...(r.aspect ? { aspect: r.aspect } : {}),
    }));
  }
  const items: BankItem[] = [];
  for (const [code, c] of Object.entries(summary.byCategory)) {
    for (const [kind, n] of Object.entries(c.questions)) {
      for (let i = 0; i < (n ?? 0); i++)
        items.push({
          id: `${code}-${kind}-${i}`,
          prompt: '-',
          kind: kind as BankItem['kind'],
          category: code,
        });
    }
  }
  for (const [aspect, a] of Object.entries(summary.byAspect)) {
    for (let i = 0; i < a.sample; i++)
      items.push({ id: `${aspect}-${i}`, prompt: '-', kind: 'must_answer', aspect });
  }
  return items;
}

/** A run id from the database, or a `run.json` summary file (whose run is used when stored). */
export async function loadRunForReport(
  runs: RunStore,
  ref: string,
): Promise<{
  summary: RunSummary;
  createdMs: number;
  options: Record<string, unknown>;
  rows: ResultRow[];
  runCount: number;
}> {
  let id = ref;
  let fromFile: RunSummary | undefined;
  if (/\.json$/i.test(ref)) {
    try {
      fromFile = JSON.parse(readFileSync(ref, 'utf8')) as RunSummary;
    } catch (err) {
      throw new HeguiError('input_invalid', (err as Error).message, ref, { cause: err });
    }
    if (!Array.isArray(fromFile.gates)) throw new HeguiError('input_invalid', 'not a hegui run summary', ref);
    id = fromFile.runId;
  }
  const run = id ? await runs.getRun(id) : undefined;
  const runCount = (await runs.listRuns(10_000)).length;
  if (run?.summary) {
    return {
      summary: run.summary as RunSummary,
      createdMs: run.createdMs,
      options: run.options,
      rows: await runs.results(id),
      runCount,
    };
  }
  if (fromFile) return { summary: fromFile, createdMs: Date.now(), options: {}, rows: [], runCount };
  throw new HeguiError('not_found', `no finished run ${ref}`);
}

export function buildReport(
  run: {
    summary: RunSummary;
    createdMs: number;
    options: Record<string, unknown>;
    rows: readonly ResultRow[];
    runCount: number;
  },
  inputs: ReportInputs,
): { html: string; data: ReportData } {
  const banks = bankCoverage(itemsOf(run.rows, run.summary));
  const service = inputs.service ?? EMPTY_SERVICE;
  const clauses = deriveClauses({
    summary: run.summary,
    banks,
    ...(inputs.keywords ? { keywords: inputs.keywords } : {}),
    ...(inputs.classifierCategories ? { classifierCategories: inputs.classifierCategories } : {}),
    ...(inputs.corpus ? { corpus: inputs.corpus } : {}),
    service,
    runCount: run.runCount,
  });
  const data: ReportData = {
    summary: run.summary,
    createdMs: run.createdMs,
    options: run.options,
    rows: run.rows,
    clauses,
    banks,
    ...(inputs.keywords ? { keywords: inputs.keywords } : {}),
    ...(inputs.corpus ? { corpus: inputs.corpus } : {}),
    service,
    ...(inputs.generatedMs !== undefined ? { generatedMs: inputs.generatedMs } : {}),
  };
  return { html: renderReport(data), data };
}
