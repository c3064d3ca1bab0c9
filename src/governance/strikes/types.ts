/**
 * The strike ladder's public types: what the gateway asks before calling the model (`check`), what it
 * reports after a blocked input (`strike`) or an allowed one (`clean`), and the manual actions.
 *
 * Interim Measures art. 14 ¶2: on a user doing illegal things the provider must warn, limit functions,
 * suspend or terminate service and keep records. The ladder decides the level; the caller records every
 * returned {@link StrikeStep} (with its evidence references) in the audit / sanction log.
 */

/** Sanction levels in rising order. `none` and `warn` let the request through. */
export type SanctionLevel = 'none' | 'warn' | 'restrict' | 'suspend' | 'terminate';

/** Levels in rising order; the index is the rank used for comparisons. */
export const SANCTION_LEVELS: readonly SanctionLevel[] = ['none', 'warn', 'restrict', 'suspend', 'terminate'];

/** The rank of a level: none 0 < warn 1 < restrict 2 < suspend 3 < terminate 4. */
export function levelRank(level: SanctionLevel): number {
  return SANCTION_LEVELS.indexOf(level);
}

/** Levels that refuse the request (`restrict` → 429 `user_restricted`, `suspend`/`terminate` → 403 `user_suspended`). */
export function isBlockingLevel(level: SanctionLevel): level is 'restrict' | 'suspend' | 'terminate' {
  return levelRank(level) >= levelRank('restrict');
}

/** Where a user stands now. */
export interface Standing {
  level: SanctionLevel;
  /** When a `restrict` / `suspend` ends; `null` for `none`, `warn` and `terminate` (permanent until reinstated). */
  until: Date | null;
  /**
   * Strikes counted in each configured window, keyed by the window's canonical duration (`"1h"`, `"24h"`),
   * plus `consecutive`: blocked inputs in a row with no allowed input between (0 when the rule is off).
   */
  strikes: { [window: string]: number };
  /** Why the level is what it is, e.g. `"5 strikes within 24h"`; absent for `none`. */
  reason?: string;
}

/** One step up (or the manual reinstatement) of a user's ladder, for the sanction log. */
export interface StrikeStep {
  tenant: string | null;
  user: string;
  level: Exclude<SanctionLevel, 'none'> | 'reinstate';
  reason: string;
  /** The evidence reference of the strike that triggered the step (`null` for manual steps). */
  evidenceRef: string | null;
  /** End of a `restrict` / `suspend`; `null` otherwise. */
  until: Date | null;
  /**
   * Evidence references of all strikes the triggering rule counted (the window's strikes, or the
   * consecutive run), oldest first, strikes recorded without a reference left out. Empty for `warn`
   * and manual steps.
   */
  evidenceRefs: string[];
  /** When the step was taken. */
  at: Date;
}

/** Where the ladder keeps its state, and whether it is currently running on the local fallback. */
export interface StrikeLadderStatus {
  backend: 'redis' | 'memory';
  /** Redis backend only: the last operation could not reach Redis and was served by the local ladder. */
  degraded: boolean;
  /** Operations served by the local ladder because Redis was unreachable (a counter for metrics). */
  fallbacks: number;
  /** Users held in the in-process ladder (the whole state for `memory`, the fallback's for `redis`). */
  localEntries: number;
}

export interface StrikeLadder {
  /**
   * Before calling the model: is this user allowed? (restrict/suspend/terminate in force → the gateway
   * answers 429 user_restricted / 403 user_suspended). One Redis round trip at most.
   */
  check(tenant: string | null, user: string): Promise<Standing>;
  /**
   * A blocked input: count a strike, return the new standing and the step taken (if the level rose),
   * which the caller records in the audit/sanction log. One Redis round trip.
   */
  strike(
    tenant: string | null,
    user: string,
    evidenceRef: string | null,
  ): Promise<{ standing: Standing; step: StrikeStep | null }>;
  /** An allowed input: resets the consecutive counter. */
  clean(tenant: string | null, user: string): Promise<void>;
  /** Manual: end service for the user until {@link reinstate}. Throws if the shared store is unreachable. */
  terminate(tenant: string | null, user: string, reason: string): Promise<StrikeStep>;
  /** Manual: lift any sanction and forget the user's strikes. Throws if the shared store is unreachable. */
  reinstate(tenant: string | null, user: string, reason: string): Promise<StrikeStep>;
  /** Backend, degradation flag and fallback counter (for /readyz and metrics). */
  status(): StrikeLadderStatus;
  close(): Promise<void>;
}
