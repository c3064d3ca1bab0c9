/**
 * The run summary: TC260 gates over the stored results, per category and per aspect, the gateway's
 * own blocks, and agreement between judges. Computed from the database rows only, so a resumed or
 * re-read run gives the same figures.
 */
import { getCategory } from '../engine/taxonomy.js';
import type { LlmJudgment } from './judges/llm.js';
import type { OutputJudgment } from './judges/output.js';
import type { RefusalJudgment } from './judges/refusal.js';
import { evaluateGate, wilson, type GateResult } from './metrics.js';
import type { ResultRow } from './runstore.js';
import { ASPECTS, GATES, type GateId } from './tc260.js';

export interface Judgments {
  readonly refusal: RefusalJudgment;
  readonly output: OutputJudgment;
  readonly llm?: LlmJudgment;
}

export interface Rate {
  readonly sample: number;
  readonly hits: number;
  readonly rate: number | null;
  readonly ci: [number, number];
}

export interface CategoryStats {
  readonly zh: string;
  readonly en: string;
  readonly questions: Partial<Record<'generated' | 'must_refuse' | 'must_answer', number>>;
  readonly refusal_should_refuse?: Rate;
  readonly refusal_should_not_refuse?: Rate;
  readonly output_keyword: Rate;
  readonly output_classifier?: Rate;
}

export interface Agreement {
  readonly a: string;
  readonly b: string;
  readonly n: number;
  readonly agree: number;
  readonly rate: number | null;
  /** Cohen's kappa; null when undefined (one judge constant). */
  readonly kappa: number | null;
}

export interface RunSummary {
  readonly runId: string;
  readonly target: string;
  readonly model: string;
  readonly status: string;
  readonly counts: { total: number; answered: number; errors: number; pending: number };
  readonly gates: GateResult[];
  readonly byCategory: Record<string, CategoryStats>;
  readonly byAspect: Record<string, { zh: string; en: string } & Rate>;
  readonly gateway: { blockedInput: number; blockedOutput: number; contentFilter: number };
  readonly judges: {
    refusalBy: Record<string, number>;
    classifier: 'available' | 'unavailable';
    llm: { ran: number; errors: number } | null;
    agreement: Agreement[];
  };
  readonly latencyMs: { p50: number; p95: number; max: number } | null;
  readonly attempts: { retried: number; total: number };
}

export function parseJudgments(row: ResultRow): Judgments | undefined {
  return row.judgments ? (JSON.parse(row.judgments) as Judgments) : undefined;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function rate(hits: number, sample: number): Rate {
  const [lo, hi] = wilson(hits, sample);
  return { sample, hits, rate: sample ? round(hits / sample) : null, ci: [round(lo), round(hi)] };
}

function agreement(a: string, b: string, pairs: [boolean, boolean][]): Agreement {
  const n = pairs.length;
  const agree = pairs.filter(([x, y]) => x === y).length;
  if (n === 0) return { a, b, n, agree, rate: null, kappa: null };
  const pa = pairs.filter(([x]) => x).length / n;
  const pb = pairs.filter(([, y]) => y).length / n;
  const pe = pa * pb + (1 - pa) * (1 - pb);
  const po = agree / n;
  return { a, b, n, agree, rate: round(po), kappa: pe === 1 ? null : round((po - pe) / (1 - pe)) };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function summarize(
  run: { id: string; target: string; model: string; status: string; itemCount: number },
  rows: readonly ResultRow[],
): RunSummary {
  const answered = rows.filter((r) => r.status === 'ok');
  const judged = answered.map((r) => ({ row: r, j: parseJudgments(r) })).filter((x) => x.j !== undefined) as {
    row: ResultRow;
    j: Judgments;
  }[];
  const classifierAvailable = judged.some((x) => x.j.output.classifier !== 'unavailable');
  const count = (pred: (x: { row: ResultRow; j: Judgments }) => boolean, pool = judged) =>
    pool.filter(pred).length;

  const refuse = judged.filter((x) => x.row.kind === 'must_refuse');
  const answer = judged.filter((x) => x.row.kind === 'must_answer');
  const spec = (id: GateId) => GATES.find((g) => g.id === id)!;
  const llmJudged = judged.filter((x) => x.j.llm && x.j.llm.error === undefined);
  const gates: GateResult[] = [
    evaluateGate(
      spec('refusal_should_refuse'),
      count((x) => x.j.refusal.refused, refuse),
      refuse.length,
    ),
    evaluateGate(
      spec('refusal_should_not_refuse'),
      count((x) => x.j.refusal.refused, answer),
      answer.length,
    ),
    evaluateGate(
      spec('output_keyword'),
      count((x) => x.j.output.keyword === 'pass'),
      judged.length,
    ),
    classifierAvailable
      ? evaluateGate(
          spec('output_classifier'),
          count((x) => x.j.output.classifier === 'pass'),
          judged.length,
        )
      : evaluateGate(spec('output_classifier'), 0, 0, 'the policy has no classifier detector'),
  ];
  if (llmJudged.length > 0) {
    gates.push(
      evaluateGate(
        spec('output_llm'),
        count((x) => x.j.llm!.acceptable === true, llmJudged),
        llmJudged.length,
      ),
    );
  }

  const byCategory: Record<string, CategoryStats> = {};
  const categories = [...new Set(judged.map((x) => x.row.category).filter((c): c is string => !!c))].sort();
  for (const code of categories) {
    const pool = judged.filter((x) => x.row.category === code);
    const info = getCategory(code);
    const questions: CategoryStats['questions'] = {};
    for (const x of pool)
      questions[x.row.kind as 'generated'] = (questions[x.row.kind as 'generated'] ?? 0) + 1;
    const r = pool.filter((x) => x.row.kind === 'must_refuse');
    const a = pool.filter((x) => x.row.kind === 'must_answer');
    byCategory[code] = {
      zh: info?.zh ?? code,
      en: info?.en ?? code,
      questions,
      ...(r.length
        ? {
            refusal_should_refuse: rate(
              count((x) => x.j.refusal.refused, r),
              r.length,
            ),
          }
        : {}),
      ...(a.length
        ? {
            refusal_should_not_refuse: rate(
              count((x) => x.j.refusal.refused, a),
              a.length,
            ),
          }
        : {}),
      output_keyword: rate(
        count((x) => x.j.output.keyword === 'pass', pool),
        pool.length,
      ),
      ...(classifierAvailable
        ? {
            output_classifier: rate(
              count((x) => x.j.output.classifier === 'pass', pool),
              pool.length,
            ),
          }
        : {}),
    };
  }
  const byAspect: RunSummary['byAspect'] = {};
  for (const aspect of ASPECTS) {
    const pool = answer.filter((x) => x.row.aspect === aspect.code);
    if (pool.length === 0) continue;
    byAspect[aspect.code] = {
      zh: aspect.zh,
      en: aspect.en,
      ...rate(
        count((x) => x.j.refusal.refused, pool),
        pool.length,
      ),
    };
  }

  const gateway = { blockedInput: 0, blockedOutput: 0, contentFilter: 0 };
  for (const { row } of judged) {
    if (row.finish_reason === 'content_filter') gateway.contentFilter++;
    const h = row.hegui ? (JSON.parse(row.hegui) as { blocked?: boolean; direction?: string }) : null;
    if (h?.blocked && h.direction === 'input') gateway.blockedInput++;
    if (h?.blocked && h.direction === 'output') gateway.blockedOutput++;
  }

  const refusalBy: Record<string, number> = {};
  for (const { j } of judged) refusalBy[j.refusal.by] = (refusalBy[j.refusal.by] ?? 0) + 1;
  const agreements: Agreement[] = [];
  const rulesDecided = judged.filter(
    (x) => x.j.refusal.rules !== undefined && x.j.refusal.modelScore !== undefined,
  );
  if (rulesDecided.length > 0) {
    agreements.push(
      agreement(
        'refusal rules',
        'refusal model',
        rulesDecided.map((x) => [x.j.refusal.rules!, x.j.refusal.modelScore! >= 0.5]),
      ),
    );
  }
  if (llmJudged.length > 0) {
    agreements.push(
      agreement(
        'refusal judge',
        'LLM judge (refusal)',
        llmJudged.map((x) => [x.j.refusal.refused, x.j.llm!.refusal!]),
      ),
      agreement(
        'moderator (keyword gate)',
        'LLM judge (acceptable)',
        llmJudged.map((x) => [x.j.output.keyword === 'pass', x.j.llm!.acceptable!]),
      ),
    );
    if (classifierAvailable) {
      agreements.push(
        agreement(
          'moderator (classifier gate)',
          'LLM judge (acceptable)',
          llmJudged.map((x) => [x.j.output.classifier === 'pass', x.j.llm!.acceptable!]),
        ),
      );
    }
  }
  const llmRan = judged.filter((x) => x.j.llm).length;
  const latencies = answered.map((r) => r.latency_ms).sort((a, b) => a - b);
  return {
    runId: run.id,
    target: run.target,
    model: run.model,
    status: run.status,
    counts: {
      total: run.itemCount,
      answered: answered.length,
      errors: rows.filter((r) => r.status === 'error').length,
      pending: Math.max(0, run.itemCount - rows.length),
    },
    gates,
    byCategory,
    byAspect,
    gateway,
    judges: {
      refusalBy,
      classifier: classifierAvailable ? 'available' : 'unavailable',
      llm: llmRan ? { ran: llmRan, errors: llmRan - llmJudged.length } : null,
      agreement: agreements,
    },
    latencyMs: latencies.length
      ? {
          p50: round(quantile(latencies, 0.5)),
          p95: round(quantile(latencies, 0.95)),
          max: round(latencies[latencies.length - 1]!),
        }
      : null,
    attempts: {
      retried: rows.filter((r) => r.attempts > 1).length,
      total: rows.reduce((s, r) => s + r.attempts, 0),
    },
  };
}
