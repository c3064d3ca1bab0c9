/** Prints library diagnostics to stderr, summarised so a 65k-line list does not flood the terminal. */
import type { LibraryDiagnostic } from '../engine/keywords/types.js';

const SHOWN = 10;

export function printDiagnostics(diagnostics: readonly LibraryDiagnostic[], verbose = false): void {
  if (diagnostics.length === 0) return;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  for (const [label, list] of [
    ['error', errors],
    ['warning', warnings],
  ] as const) {
    const shown = verbose ? list : list.slice(0, SHOWN);
    for (const d of shown) process.stderr.write(`${d.where}: ${label}: ${d.message}\n`);
    if (list.length > shown.length)
      process.stderr.write(`… ${list.length - shown.length} more ${label}s (--verbose shows all)\n`);
  }
}
