/**
 * The input half every model route shares: the end user's standing on the strike ladder, input
 * moderation, encrypted evidence of a block, and the strike it earns.
 */
import type { FastifyRequest } from 'fastify';
import { HeguiError } from '../engine/errors.js';
import type { Moderator } from '../engine/moderator.js';
import { isBlockingLevel } from '../governance/strikes/index.js';
import type { GatewayShared } from './app.js';
import { applyGuard, moderateSlots, type SlotsVerdict } from './moderation.js';
import { WARNING, prefersEnglish } from './refusal.js';
import type { TextSlot } from './slots.js';

export interface InputGate {
  moderator: Moderator;
  verdict: SlotsVerdict;
  /** Set when the user has been warned (first strikes); shown to the client. */
  warning: string | null;
}

export async function gateInput(
  shared: GatewayShared,
  request: FastifyRequest,
  slots: readonly TextSlot[],
): Promise<InputGate> {
  const { deps } = shared;
  const ctx = request.hegui;
  const moderator = deps.moderators.get(ctx.policyPath);
  ctx.policyVersion = moderator.policyVersion;
  let warning: string | null = null;
  const warn = () => (prefersEnglish(request) ? WARNING.en : WARNING.zh);

  /** Blocked inputs in a row so far; an allowed input resets the run only when there is one. */
  let consecutive = 0;
  if (ctx.user) {
    const standing = await deps.strikes.check(ctx.tenant, ctx.user);
    consecutive = standing.strikes.consecutive ?? 0;
    if (isBlockingLevel(standing.level)) {
      ctx.sanction = standing.level;
      const until = standing.until ? ` until ${standing.until.toISOString()}` : '';
      if (standing.until) {
        request.hegui.retryAfter = Math.max(1, Math.ceil((standing.until.getTime() - Date.now()) / 1000));
      }
      if (standing.level === 'restrict') {
        throw new HeguiError(
          'user_restricted',
          `this user is restricted${until} after repeated policy violations`,
        );
      }
      throw new HeguiError(
        'user_suspended',
        `this user is ${standing.level === 'terminate' ? 'terminated' : `suspended${until}`}`,
      );
    }
    if (standing.level === 'warn') warning = warn();
  }

  const verdict = await applyGuard(
    moderateSlots(moderator, slots, 'input'),
    moderator,
    deps.moderators.guard(moderator),
    slots.map((s) => s.text),
    'input',
  );
  ctx.moderationMs += verdict.moderationMs;
  ctx.input = { action: verdict.action, categories: verdict.categories };
  deps.metrics.verdict('input', verdict.action, verdict.categories);
  deps.metrics.moderation.observe({ direction: 'input' }, verdict.moderationMs / 1000);

  if (verdict.action === 'block') {
    if (deps.config.storeEvidence && verdict.flaggedText !== '') {
      ctx.evidenceRef = await deps.store.evidence.put(ctx.user, ctx.tenant, verdict.flaggedText, {
        kind: 'input',
      });
    }
    if (ctx.user) {
      const { standing, step } = await deps.strikes.strike(ctx.tenant, ctx.user, ctx.evidenceRef);
      if (step) {
        await deps.store.sanctions.record({
          tenant: step.tenant,
          user: step.user,
          level: step.level,
          reason: step.reason,
          evidenceRef: step.evidenceRef,
          evidenceRefs: step.evidenceRefs,
          until: step.until,
          at: step.at,
        });
        ctx.sanction = step.level;
      }
      if (standing.level !== 'none') warning = warn();
    }
  } else if (ctx.user && consecutive > 0) {
    // Only a run in progress needs resetting: saves a Redis round trip on almost every request.
    await deps.strikes.clean(ctx.tenant, ctx.user);
  }
  return { moderator, verdict, warning };
}
