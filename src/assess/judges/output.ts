/**
 * Output acceptability through the engine: the answer is moderated as model output under the policy;
 * the keyword gate fails on a keyword hit that blocks, the classifier gate on a classifier hit that
 * blocks. Evidence is kept (detector, category, action, where, and the library line for keywords).
 */
import type { Moderator } from '../../engine/moderator.js';
import type { Evidence } from '../../engine/verdict.js';

export interface OutputEvidence {
  readonly detector: Evidence['detector'];
  readonly category: string;
  readonly action: Evidence['action'];
  readonly start: number;
  readonly end: number;
  readonly term: string;
  readonly score?: number;
  readonly source?: string;
}

export interface OutputJudgment {
  readonly action: string;
  readonly categories: readonly string[];
  readonly keyword: 'pass' | 'fail';
  /** `unavailable` when the policy has no classifier. */
  readonly classifier: 'pass' | 'fail' | 'unavailable';
  readonly evidence: readonly OutputEvidence[];
  readonly policyVersion: string;
}

export function judgeOutput(
  moderator: Moderator,
  answer: string,
  classifierAvailable: boolean,
): OutputJudgment {
  const verdict = moderator.moderate(answer, { direction: 'output' });
  const blocks = (detector: Evidence['detector']) =>
    verdict.evidence.some((e) => e.detector === detector && e.action === 'block');
  return {
    action: verdict.action,
    categories: verdict.categories.map((c) => c.code),
    keyword: blocks('keywords') ? 'fail' : 'pass',
    classifier: classifierAvailable ? (blocks('classifier') ? 'fail' : 'pass') : 'unavailable',
    evidence: verdict.evidence.map((e) => ({
      detector: e.detector,
      category: e.category,
      action: e.action,
      start: e.start,
      end: e.end,
      term: e.term,
      ...(e.score !== undefined ? { score: e.score } : {}),
      ...(e.source !== undefined ? { source: e.source } : {}),
    })),
    policyVersion: verdict.policyVersion,
  };
}
