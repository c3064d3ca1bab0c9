/**
 * Keyword library coverage against TC260-003 §8.1: ≥ 10,000 terms in all, covering the 17 A.1/A.2
 * risks with ≥ 200 terms per A.1 and ≥ 100 per A.2 category.
 */
import { CATEGORIES, KEYWORD_SCOPE_CATEGORIES, TC260_KEYWORD_LIBRARY_MIN_TOTAL } from '../taxonomy.js';
import { countByCategory } from './library.js';
import type { KeywordLibrary } from './types.js';

export interface CategoryCoverage {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly count: number;
  /** TC260 minimum, for the 17 categories in scope. */
  readonly minimum?: number;
  /** How many terms are missing to reach the minimum (0 when met). */
  readonly missing: number;
}

export interface CoverageReport {
  readonly total: number;
  readonly minimumTotal: number;
  readonly categories: readonly CategoryCoverage[];
  readonly unclassified: number;
  readonly meetsMinimums: boolean;
}

export function coverageReport(library: KeywordLibrary): CoverageReport {
  const counts = countByCategory(library);
  const categories: CategoryCoverage[] = [];
  for (const c of CATEGORIES) {
    const count = counts.get(c.code) ?? 0;
    const inScope = KEYWORD_SCOPE_CATEGORIES.includes(c);
    if (!inScope && count === 0) continue;
    const minimum = c.keywordMinimum;
    categories.push({
      code: c.code,
      zh: c.zh,
      en: c.en,
      count,
      minimum,
      missing: minimum ? Math.max(0, minimum - count) : 0,
    });
  }
  const total = library.entries.length;
  return {
    total,
    minimumTotal: TC260_KEYWORD_LIBRARY_MIN_TOTAL,
    categories,
    unclassified: counts.get('unclassified') ?? 0,
    meetsMinimums: total >= TC260_KEYWORD_LIBRARY_MIN_TOTAL && categories.every((c) => c.missing === 0),
  };
}

export function formatCoverage(report: CoverageReport): string {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const lines = [
    `关键词库覆盖 / keyword library coverage (TC260-003 §8.1)`,
    `${mark(report.total >= report.minimumTotal)} 总数 total ${report.total} / ≥ ${report.minimumTotal}`,
    '',
    'code   count   min  missing  category',
  ];
  for (const c of report.categories) {
    const min = c.minimum === undefined ? '   -' : String(c.minimum).padStart(4);
    const status = c.minimum === undefined ? ' ' : mark(c.missing === 0);
    lines.push(
      `${status} ${c.code.padEnd(17)} ${String(c.count).padStart(6)} ${min} ${String(c.missing).padStart(7)}  ${c.zh} / ${c.en}`,
    );
  }
  if (report.unclassified > 0)
    lines.push(
      `  unclassified ${report.unclassified} (no category: give the file one with file=CODE or a mapping)`,
    );
  lines.push(
    '',
    report.meetsMinimums ? '符合最低要求 / meets the minimums' : '未达最低要求 / below the minimums',
  );
  return `${lines.join('\n')}\n`;
}
