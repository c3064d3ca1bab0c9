/** Formatting helpers for the console tables and bench/RESULTS.md. */

export type Cell = string | number;

export function mdTable(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => r.map((c) => String(c)));
  const width = head.map((h, i) => Math.max(displayWidth(h), ...text.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    '| ' + cells.map((c, i) => c + ' '.repeat(Math.max(0, width[i]! - displayWidth(c)))).join(' | ') + ' |';
  return [line(head), '|' + width.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...text.map(line)].join(
    '\n',
  );
}

/** Rough terminal width: CJK and full-width characters take two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}

export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

export function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mark(ok: boolean): string {
  return ok ? '✓' : '✗';
}

/** Shows invisible and unusual characters of an evasion as \u escapes, for the report. */
export function visible(s: string): string {
  return [...s]
    .map((ch) => {
      const cp = ch.codePointAt(0)!;
      return /[\p{Cf}\p{Zs}\p{Mn}\p{Cc}]/u.test(ch) && ch !== ' ' ? `\\u{${cp.toString(16)}}` : ch;
    })
    .join('');
}
