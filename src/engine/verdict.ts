/**
 * What moderation says about a text. The gateway shows clients only `action` and category codes;
 * `evidence` (with the matched term) is for the audit log, reviewers and the CLI.
 */
import type { Action, Direction } from './policy/schema.js';

export type Detector = 'keywords' | 'pii' | 'classifier' | 'guard';

export interface Evidence {
  /** Half-open UTF-16 range in the original text. */
  readonly start: number;
  readonly end: number;
  /** The library term (keywords) or the PII type's name; never needed by a client. */
  readonly term: string;
  readonly category: string;
  readonly detector: Detector;
  /** What this hit asks for under the policy. */
  readonly action: Action;
  /** For keyword hits: how the term matched (`term`, `pinyin`, `initials`). */
  readonly variant?: string;
  /** `file:line` of the library entry, for keyword hits. */
  readonly source?: string;
  /** Probability (classifier, guard); absent = a deterministic hit (score 1). */
  readonly score?: number;
}

export interface CategoryScore {
  readonly code: string;
  /** 0..1; deterministic detectors (keywords, PII) give 1. */
  readonly score: number;
  readonly action: Action;
}

export interface Verdict {
  readonly action: Action;
  readonly direction: Direction;
  /** Hit categories, most severe action first. */
  readonly categories: readonly CategoryScore[];
  readonly evidence: readonly Evidence[];
  /** `${policy.name}@${policy.version}` */
  readonly policyVersion: string;
  /** Present when the action is `redact`: the text with redacted spans replaced. */
  readonly redactedText?: string;
}

const SEVERITY: Record<Action, number> = { allow: 0, redact: 1, review: 2, block: 3 };

export function severity(action: Action): number {
  return SEVERITY[action];
}

export function mostSevere(a: Action, b: Action): Action {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}
