/**
 * Moderation as the gateway uses it: one moderator per policy file (compiled once, shared by every
 * request), and a verdict over all text slots of a body with redactions written back in place.
 */
import { assembleModerator } from '../engine/assemble.js';
import { HeguiError } from '../engine/errors.js';
import { parseSourceSpec } from '../engine/keywords/load.js';
import type { Moderator } from '../engine/moderator.js';
import type { Action, Direction } from '../engine/policy/schema.js';
import { mostSevere } from '../engine/verdict.js';
import { guardEvidence, guardFromPolicy } from '../engine/guard/index.js';
import type { Guard } from '../engine/guard/client.js';
import type { TextSlot } from './slots.js';

export class ModeratorRegistry {
  private readonly cache = new Map<string, Moderator>();
  private readonly guards = new Map<Moderator, Guard | undefined>();

  constructor(
    private readonly defaultPolicy: string | null,
    private readonly keywordFiles: readonly string[],
    private readonly redactionKey: string,
  ) {}

  /** The moderator for a key's policy (or the default); compiled on first use, then cached. */
  get(policyPath: string | null): Moderator {
    const path = policyPath ?? this.defaultPolicy ?? '';
    let moderator = this.cache.get(path);
    if (!moderator) {
      moderator = assembleModerator({
        policy: path === '' ? undefined : path,
        keywords: this.keywordFiles.map(parseSourceSpec),
        redactionKey: this.redactionKey,
      }).moderator;
      this.cache.set(path, moderator);
    }
    return moderator;
  }

  /** The external guard model a policy enables (Llama Guard, Qwen3Guard, OpenAI moderation), if any. */
  guard(moderator: Moderator): Guard | undefined {
    if (!this.guards.has(moderator)) this.guards.set(moderator, guardFromPolicy(moderator.policy));
    return this.guards.get(moderator);
  }

  async close(): Promise<void> {
    await Promise.all([...this.guards.values()].map((g) => g?.close()));
  }
}

/**
 * Adds an external guard model's judgement to a verdict over slots (skipped when the engine already
 * blocks). A guard that fails closed blocks: the text was not checked.
 */
export async function applyGuard(
  verdict: SlotsVerdict,
  moderator: Moderator,
  guard: Guard | undefined,
  texts: readonly string[],
  direction: Direction,
  prompt?: string,
): Promise<SlotsVerdict> {
  if (!guard || verdict.action === 'block' || texts.length === 0) return verdict;
  const text = texts.join('\n');
  const started = performance.now();
  const result = await guard.check(text, { direction, ...(prompt !== undefined ? { prompt } : {}) });
  const evidence = guardEvidence(result, moderator.policy, direction, text.length);
  let action: Action = verdict.action;
  const categories = new Set(verdict.categories);
  for (const e of evidence) {
    action = mostSevere(action, e.action);
    if (e.action !== 'allow') categories.add(e.category);
  }
  const flagged = evidence.some((e) => e.action === 'block' || e.action === 'review');
  return {
    ...verdict,
    action,
    categories: [...categories],
    flaggedText: flagged && verdict.flaggedText === '' ? text : verdict.flaggedText,
    moderationMs: verdict.moderationMs + (performance.now() - started),
  };
}

export interface SlotsVerdict {
  action: Action;
  categories: string[];
  policyVersion: string;
  /** The text of the slots that caused a block or review, for encrypted evidence. */
  flaggedText: string;
  moderationMs: number;
}

export function moderateSlots(
  moderator: Moderator,
  slots: readonly TextSlot[],
  direction: Direction,
): SlotsVerdict {
  const started = performance.now();
  let action: Action = 'allow';
  const categories = new Set<string>();
  const flagged: string[] = [];
  try {
    for (const slot of slots) {
      const verdict = moderator.moderate(slot.text, { direction });
      action = mostSevere(action, verdict.action);
      for (const c of verdict.categories) if (c.action !== 'allow') categories.add(c.code);
      if (verdict.action === 'block' || verdict.action === 'review') flagged.push(slot.text);
      if (verdict.action === 'redact' && verdict.redactedText !== undefined) slot.set(verdict.redactedText);
    }
  } catch (err) {
    // Fail closed: a check that cannot run does not pass the content.
    throw err instanceof HeguiError
      ? err
      : new HeguiError('detector_failed', 'moderation failed', undefined, { cause: err });
  }
  return {
    action,
    categories: [...categories],
    policyVersion: moderator.policyVersion,
    flaggedText: flagged.join('\n'),
    moderationMs: performance.now() - started,
  };
}
