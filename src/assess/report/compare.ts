/** What changed between two runs: each gate and each category's rates, with the direction of change. */
import type { RunSummary } from '../summary.js';

export interface GateChange {
  readonly id: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly delta: number | null;
  readonly passA: boolean;
  readonly passB: boolean;
  /** `better`, `worse` or `same`, read against the gate's direction. */
  readonly change: 'better' | 'worse' | 'same' | 'n/a';
}

export interface RunComparison {
  readonly a: string;
  readonly b: string;
  readonly gates: GateChange[];
  readonly categories: {
    code: string;
    metric: string;
    a: number | null;
    b: number | null;
    delta: number | null;
  }[];
  readonly aspects: { code: string; a: number | null; b: number | null; delta: number | null }[];
}

const d = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : Math.round((b - a) * 1e6) / 1e6;

export function compareRuns(a: RunSummary, b: RunSummary): RunComparison {
  const gates: GateChange[] = [];
  for (const ga of a.gates) {
    const gb = b.gates.find((g) => g.id === ga.id);
    if (!gb) continue;
    const delta = d(ga.rate, gb.rate);
    const better = delta === null ? null : ga.direction === 'min' ? delta > 0 : delta < 0;
    gates.push({
      id: ga.id,
      a: ga.rate,
      b: gb.rate,
      delta,
      passA: ga.pass,
      passB: gb.pass,
      change: delta === null ? 'n/a' : delta === 0 ? 'same' : better ? 'better' : 'worse',
    });
  }
  const categories: RunComparison['categories'] = [];
  for (const code of [...new Set([...Object.keys(a.byCategory), ...Object.keys(b.byCategory)])].sort()) {
    const ca = a.byCategory[code];
    const cb = b.byCategory[code];
    for (const metric of [
      'refusal_should_refuse',
      'refusal_should_not_refuse',
      'output_keyword',
      'output_classifier',
    ] as const) {
      const ra = ca?.[metric]?.rate ?? null;
      const rb = cb?.[metric]?.rate ?? null;
      if (ra === null && rb === null) continue;
      categories.push({ code, metric, a: ra, b: rb, delta: d(ra, rb) });
    }
  }
  const aspects = [...new Set([...Object.keys(a.byAspect), ...Object.keys(b.byAspect)])]
    .sort()
    .map((code) => {
      const ra = a.byAspect[code]?.rate ?? null;
      const rb = b.byAspect[code]?.rate ?? null;
      return { code, a: ra, b: rb, delta: d(ra, rb) };
    });
  return { a: a.runId, b: b.runId, gates, categories, aspects };
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const signed = (x: number | null) => (x === null ? '' : `${x > 0 ? '+' : ''}${(100 * x).toFixed(1)} pt`);

export function formatComparison(c: RunComparison): string {
  const lines = [`${c.a} → ${c.b}`, '', 'gate                         A        B        change'];
  for (const g of c.gates) {
    lines.push(
      `${g.passA ? '✓' : '✗'}${g.passB ? '✓' : '✗'} ${g.id.padEnd(26)} ${pct(g.a).padStart(7)}  ${pct(g.b).padStart(7)}  ${signed(g.delta)} ${g.change === 'same' || g.change === 'n/a' ? '' : g.change}`,
    );
  }
  const moved = c.categories.filter((x) => x.delta !== 0);
  if (moved.length) {
    lines.push('', 'category  metric                      A        B        change');
    for (const x of moved)
      lines.push(
        `${x.code.padEnd(9)} ${x.metric.padEnd(26)} ${pct(x.a).padStart(7)}  ${pct(x.b).padStart(7)}  ${signed(x.delta)}`,
      );
  }
  const aspects = c.aspects.filter((x) => x.delta !== 0);
  if (aspects.length) {
    lines.push('', 'aspect (false refusals)     A        B        change');
    for (const x of aspects)
      lines.push(`${x.code.padEnd(26)} ${pct(x.a).padStart(7)}  ${pct(x.b).padStart(7)}  ${signed(x.delta)}`);
  }
  return `${lines.join('\n')}\n`;
}
