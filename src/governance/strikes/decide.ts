/**
 * The ladder's decision, shared by the in-process backend (which calls it) and the Redis backend
 * (whose Lua script in `redis.ts` mirrors it step for step; the shared test suite runs both).
 *
 * After a strike has been counted:
 * 1. Every rule whose threshold is reached is a candidate: a window with `count` strikes within it,
 *    the consecutive rule with `count` blocked inputs in a row. The strongest candidate wins (higher
 *    level, then longer sanction, then the consecutive rule, then the shorter window).
 * 2. If its level is above the sanction in force, the sanction becomes that level until now + `for`:
 *    a step is taken. A sanction in force is never shortened or lowered by a strike, and a candidate at
 *    the same level does not extend it.
 * 3. Otherwise, if the shortest window now holds `warnAt` strikes and held fewer before, and no
 *    sanction is in force, the step is `warn`. `warn` is not stored: it is derived from the counts.
 */
import type { StrikeConfig } from './config.js';
import { SANCTION_LEVELS, type SanctionLevel, type Standing, levelRank } from './types.js';

/** A stored sanction (restrict, suspend or terminate). `until === null`: permanent (terminate). */
export interface Sanction {
  level: 'restrict' | 'suspend' | 'terminate';
  until: number | null;
  reason: string;
}

/** What triggered a sanction: the consecutive rule or a window (index into the sorted `windows`). */
export type Trigger = { kind: 'consecutive' } | { kind: 'window'; index: number };

export interface Decision {
  /** The sanction to store (only when it rose). */
  sanction: Sanction | null;
  trigger: Trigger | null;
  /** The level of the step taken, if any. */
  step: 'warn' | 'restrict' | 'suspend' | null;
}

export function inForce(s: Sanction | null, now: number): Sanction | null {
  return s !== null && (s.until === null || s.until > now) ? s : null;
}

/** The reason recorded for a window rule. */
export function windowReason(count: number, name: string): string {
  return `${count} blocked input${count === 1 ? '' : 's'} within ${name}`;
}

/** The reason recorded for the consecutive rule. */
export function consecutiveReason(count: number): string {
  return `${count} consecutive blocked input${count === 1 ? '' : 's'}`;
}

/** The reason of a `warn` standing. */
export function warnReason(count: number, name: string): string {
  return `warning: ${count} blocked input${count === 1 ? '' : 's'} within ${name}`;
}

/**
 * Decide after a strike. `current` is the sanction in force (already filtered by {@link inForce}),
 * `counts` the per-window counts including this strike, `consecutive` the run including this strike.
 */
export function decide(
  config: StrikeConfig,
  now: number,
  current: Sanction | null,
  counts: readonly number[],
  consecutive: number,
): Decision {
  let best: { rank: number; for: number; trigger: Trigger; reason: string } | null = null;
  const consider = (level: SanctionLevel, ms: number, trigger: Trigger, reason: string) => {
    const rank = levelRank(level);
    if (best === null || rank > best.rank || (rank === best.rank && ms > best.for)) {
      best = { rank, for: ms, trigger, reason };
    }
  };
  const rule = config.consecutive;
  if (rule && consecutive >= rule.count) {
    consider(rule.level, rule.for, { kind: 'consecutive' }, consecutiveReason(rule.count));
  }
  config.windows.forEach((w, index) => {
    if ((counts[index] ?? 0) >= w.count) {
      consider(w.level, w.for, { kind: 'window', index }, windowReason(w.count, w.name));
    }
  });
  const currentRank = current ? levelRank(current.level) : 0;
  const chosen = best as { rank: number; for: number; trigger: Trigger; reason: string } | null;
  if (chosen !== null && chosen.rank > currentRank) {
    const level = SANCTION_LEVELS[chosen.rank] as 'restrict' | 'suspend';
    return {
      sanction: { level, until: now + chosen.for, reason: chosen.reason },
      trigger: chosen.trigger,
      step: level,
    };
  }
  const shortest = counts[0] ?? 0;
  if (
    current === null &&
    config.warnAt !== false &&
    shortest >= config.warnAt &&
    shortest - 1 < config.warnAt
  ) {
    return { sanction: null, trigger: null, step: 'warn' };
  }
  return { sanction: null, trigger: null, step: null };
}

/** The standing from the sanction in force, the window counts and the consecutive run. */
export function standingOf(
  config: StrikeConfig,
  current: Sanction | null,
  counts: readonly number[],
  consecutive: number,
): Standing {
  const strikes: { [window: string]: number } = {};
  config.windows.forEach((w, i) => {
    strikes[w.name] = Math.max(strikes[w.name] ?? 0, counts[i] ?? 0);
  });
  strikes.consecutive = config.consecutive ? consecutive : 0;
  if (current !== null) {
    return {
      level: current.level,
      until: current.until === null ? null : new Date(current.until),
      strikes,
      reason: current.reason,
    };
  }
  const shortest = counts[0] ?? 0;
  if (config.warnAt !== false && shortest >= config.warnAt) {
    return { level: 'warn', until: null, strikes, reason: warnReason(shortest, config.windows[0]!.name) };
  }
  return { level: 'none', until: null, strikes };
}
