/**
 * External guard models as an optional, asynchronous detector next to the synchronous moderator.
 *
 * @example
 * const guard = guardFromPolicy(policy); // detectors.guard: { enabled: true, kind: qwen3-guard, url: … }
 * const verdict = guard
 *   ? await moderateWithGuard(moderator, guard, text, { direction: 'input' })
 *   : moderator.moderate(text, { direction: 'input' });
 */
import type { Moderator } from '../moderator.js';
import { resolveAction, type Action, type Direction, type Policy } from '../policy/schema.js';
import { mostSevere, severity, type CategoryScore, type Evidence, type Verdict } from '../verdict.js';
import { createGuard, type Guard, type GuardCheck, type GuardDeps, type GuardResult } from './client.js';

export {
  createGuard,
  type Guard,
  type GuardCheck,
  type GuardConfig,
  type GuardDeps,
  type GuardFailure,
  type GuardResult,
} from './client.js';
export { CircuitBreaker, Semaphore, type BreakerState } from './limits.js';
export {
  parseLlamaGuard,
  parseQwen3Guard,
  parseOpenAIModeration,
  GuardFormatError,
  LLAMA_GUARD_CATEGORIES,
  QWEN3_GUARD_CATEGORIES,
  OPENAI_MODERATION_CATEGORIES,
  type GuardJudgement,
  type GuardLabel,
} from './parse.js';

/** The guard a policy configures (`detectors.guard`), or undefined when it is off. */
export function guardFromPolicy(policy: Pick<Policy, 'detectors'>, deps: GuardDeps = {}): Guard | undefined {
  const { enabled, url, ...rest } = policy.detectors.guard;
  if (!enabled || url === undefined) return undefined;
  return createGuard({ ...rest, url }, deps);
}

/**
 * Evidence for a guard result over a text of `length` code units: one entry per category, with the
 * policy's action (`controversial` at most `review`). A fail-closed failure blocks: the text was not
 * checked.
 */
export function guardEvidence(
  result: GuardResult,
  policy: Pick<Policy, 'actions'>,
  direction: Direction,
  length: number,
): Evidence[] {
  if (result.label === 'safe') return [];
  return result.categories.map((category, i) => {
    const policyAction = resolveAction(policy, category, direction);
    const action: Action = result.failure
      ? 'block'
      : result.label === 'controversial' && severity(policyAction) > severity('review')
        ? 'review'
        : policyAction;
    return {
      start: 0,
      end: length,
      term: result.failure ? `guard ${result.failure.kind}` : (result.raw[i] ?? result.label),
      category,
      detector: 'guard',
      action,
      ...(result.score !== undefined ? { score: result.score } : {}),
    };
  });
}

/**
 * The moderator's verdict, then — unless it already blocks — the guard's, merged into one verdict.
 */
export async function moderateWithGuard(
  moderator: Moderator,
  guard: Guard,
  text: string,
  options: GuardCheck,
): Promise<Verdict> {
  const verdict = moderator.moderate(text, { direction: options.direction });
  if (verdict.action === 'block') return verdict;
  const result = await guard.check(text, options);
  const extra = guardEvidence(result, moderator.policy, options.direction, text.length);
  if (extra.length === 0) return verdict;
  const evidence = [...verdict.evidence, ...extra].sort((a, b) => a.start - b.start || a.end - b.end);
  const byCategory = new Map<string, CategoryScore>(verdict.categories.map((c) => [c.code, c]));
  let action: Action = verdict.action;
  for (const e of extra) {
    action = mostSevere(action, e.action);
    const seen = byCategory.get(e.category);
    if (!seen || severity(e.action) > severity(seen.action))
      byCategory.set(e.category, { code: e.category, score: e.score ?? 1, action: e.action });
  }
  const categories = [...byCategory.values()].sort(
    (a, b) => severity(b.action) - severity(a.action) || a.code.localeCompare(b.code),
  );
  const { redactedText, ...rest } = verdict;
  return {
    ...rest,
    action,
    categories,
    evidence,
    ...(action === 'redact' && redactedText !== undefined ? { redactedText } : {}),
  };
}
