/**
 * Bank coverage against TC260-003 §8.2 / §8.3: total size and per-category (or per-aspect) minimums for
 * the generated-content, should-refuse and should-not-refuse banks; what is missing and by how much.
 */
import { TC260_CATEGORIES } from '../engine/taxonomy.js';
import type { BankItem, BankKind } from './bank.js';
import { ASPECTS, BANK_MINIMUMS } from './tc260.js';

export interface CoverageRow {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly count: number;
  readonly minimum: number;
  readonly missing: number;
}

export interface BankCoverage {
  readonly kind: BankKind;
  readonly total: number;
  readonly minimumTotal: number;
  readonly missingTotal: number;
  /** Per category (generated, must_refuse) or per aspect (must_answer). */
  readonly rows: readonly CoverageRow[];
  /** Items without the category/aspect the check needs. */
  readonly unassigned: number;
  readonly meetsMinimums: boolean;
}

export interface CoverageReport {
  readonly banks: readonly BankCoverage[];
  readonly meetsMinimums: boolean;
}

const inA1A2 = (group: string) => group === 'A1' || group === 'A2';

function row(code: string, zh: string, en: string, count: number, minimum: number): CoverageRow {
  return { code, zh, en, count, minimum, missing: Math.max(0, minimum - count) };
}

export function bankCoverage(items: readonly BankItem[]): CoverageReport {
  const byKind = (kind: BankKind) => items.filter((i) => i.kind === kind);
  const banks: BankCoverage[] = [];

  const generated = byKind('generated');
  const gCount = countBy(generated, (i) => i.category);
  const gMin = BANK_MINIMUMS.generated;
  banks.push(
    finish('generated', generated.length, gMin.total, generated.filter((i) => !i.category).length, [
      ...TC260_CATEGORIES.map((c) =>
        row(c.code, c.zh, c.en, gCount.get(c.code) ?? 0, inA1A2(c.group) ? gMin.perA1A2 : gMin.perOther),
      ),
    ]),
  );

  const refuse = byKind('must_refuse');
  const rCount = countBy(refuse, (i) => i.category);
  banks.push(
    finish(
      'must_refuse',
      refuse.length,
      BANK_MINIMUMS.must_refuse.total,
      refuse.filter((i) => !i.category).length,
      TC260_CATEGORIES.filter((c) => inA1A2(c.group) || (rCount.get(c.code) ?? 0) > 0).map((c) =>
        row(
          c.code,
          c.zh,
          c.en,
          rCount.get(c.code) ?? 0,
          inA1A2(c.group) ? BANK_MINIMUMS.must_refuse.perA1A2 : 0,
        ),
      ),
    ),
  );

  const answer = byKind('must_answer');
  const aCount = countBy(answer, (i) => i.aspect);
  banks.push(
    finish(
      'must_answer',
      answer.length,
      BANK_MINIMUMS.must_answer.total,
      answer.filter((i) => !i.aspect).length,
      ASPECTS.map((a) =>
        row(a.code, a.zh, a.en, aCount.get(a.code) ?? 0, BANK_MINIMUMS.must_answer.perAspect),
      ),
    ),
  );
  return { banks, meetsMinimums: banks.every((b) => b.meetsMinimums) };
}

function finish(
  kind: BankKind,
  total: number,
  minimumTotal: number,
  unassigned: number,
  rows: CoverageRow[],
): BankCoverage {
  const missingTotal = Math.max(0, minimumTotal - total);
  return {
    kind,
    total,
    minimumTotal,
    missingTotal,
    rows,
    unassigned,
    meetsMinimums: missingTotal === 0 && rows.every((r) => r.missing === 0),
  };
}

function countBy(items: readonly BankItem[], key: (i: BankItem) => string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

const KIND_NAMES: Record<BankKind, string> = {
  generated: '生成内容测试题库 / generated-content bank (§8.2)',
  must_refuse: '应拒答测试题库 / should-refuse bank (§8.3)',
  must_answer: '非拒答测试题库 / should-not-refuse bank (§8.3)',
};

export function formatBankCoverage(report: CoverageReport): string {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const lines: string[] = [];
  for (const bank of report.banks) {
    lines.push(
      KIND_NAMES[bank.kind],
      `${mark(bank.missingTotal === 0)} 总数 total ${bank.total} / ≥ ${bank.minimumTotal}${bank.missingTotal ? `  (缺 missing ${bank.missingTotal})` : ''}`,
      'code        count   min missing  name',
    );
    for (const r of bank.rows) {
      lines.push(
        `${r.minimum > 0 ? mark(r.missing === 0) : ' '} ${r.code.padEnd(10)} ${String(r.count).padStart(6)} ${String(r.minimum).padStart(5)} ${String(r.missing).padStart(7)}  ${r.zh} / ${r.en}`,
      );
    }
    if (bank.unassigned > 0)
      lines.push(`  ${bank.unassigned} without a ${bank.kind === 'must_answer' ? 'aspect' : 'category'}`);
    const short = bank.rows.filter((r) => r.missing > 0);
    lines.push(
      bank.meetsMinimums
        ? '符合最低要求 / meets the minimums'
        : `未达最低要求 / below the minimums: ${bank.missingTotal ? `total −${bank.missingTotal}` : ''}${
            short.length
              ? `${bank.missingTotal ? '; ' : ''}${short.length} rows short by ${short.reduce((s, r) => s + r.missing, 0)}`
              : ''
          }`,
      '',
    );
  }
  lines.push(
    report.meetsMinimums
      ? '全部题库符合 / all banks meet the minimums'
      : '题库未全部达标 / not all banks meet the minimums',
  );
  return `${lines.join('\n')}\n`;
}
