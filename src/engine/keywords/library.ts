/**
 * Builds one keyword library from parsed sources: merges entries, reports duplicates with the
 * place they were first seen, and carries the allow-list.
 */
import type { KeywordEntry, KeywordLibrary, LibraryDiagnostic } from './types.js';

export interface LibrarySource {
  readonly entries: readonly KeywordEntry[];
  readonly diagnostics: readonly LibraryDiagnostic[];
}

export function buildLibrary(
  sources: readonly LibrarySource[],
  allow: readonly string[] = [],
): KeywordLibrary {
  const entries: KeywordEntry[] = [];
  const diagnostics: LibraryDiagnostic[] = [];
  const firstSeen = new Map<string, string>();
  for (const source of sources) {
    diagnostics.push(...source.diagnostics);
    for (const entry of source.entries) {
      const key = `${entry.category}\u0000${entry.term}`;
      const first = firstSeen.get(key);
      if (first !== undefined) {
        diagnostics.push({ severity: 'warning', where: entry.source, message: `duplicate of ${first}` });
        continue;
      }
      firstSeen.set(key, entry.source);
      entries.push(entry);
    }
  }
  const allowSet = [...new Set(allow.map((term) => term.trim()).filter((term) => term !== ''))];
  return { entries, allow: allowSet, diagnostics };
}

/** Number of distinct terms per category. */
export function countByCategory(library: KeywordLibrary): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of library.entries) counts.set(entry.category, (counts.get(entry.category) ?? 0) + 1);
  return counts;
}
