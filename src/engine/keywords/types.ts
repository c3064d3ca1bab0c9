/**
 * Keyword library types. A library is a list of entries; several entries may share one pattern
 * (the same normalised term from different files or categories), so hits name a pattern and the
 * matcher resolves it to its entries.
 */

/** What a keyword asks for when it matches. `hard` blocks regardless of any context model. */
export type KeywordAction = 'block' | 'review' | 'hard';

export interface KeywordEntry {
  /** The term as written in its source. */
  readonly term: string;
  /** Taxonomy code (e.g. `A1f`); `unclassified` when the source gave none. */
  readonly category: string;
  /** Undefined: the policy's action for the category decides. */
  readonly action: KeywordAction | undefined;
  /** `file:line` the entry came from. */
  readonly source: string;
  /**
   * A combination term (`a+b+c` in lists that use that syntax): it matches only when every part
   * occurs in the text, in any order. `term` keeps the line as written.
   */
  readonly parts?: readonly string[];
}

export interface LibraryDiagnostic {
  readonly severity: 'error' | 'warning';
  /** `file:line` */
  readonly where: string;
  readonly message: string;
}

/** A parsed keyword library plus the allow-list that suppresses matches lying inside benign words. */
export interface KeywordLibrary {
  readonly entries: readonly KeywordEntry[];
  readonly allow: readonly string[];
  readonly diagnostics: readonly LibraryDiagnostic[];
}

/** One keyword occurrence. Offsets are UTF-16 positions in the original text, half-open. */
export interface KeywordHit {
  readonly start: number;
  readonly end: number;
  /** Pattern id inside the matcher; resolve with `matcher.entries(pattern)`. */
  readonly pattern: number;
}
