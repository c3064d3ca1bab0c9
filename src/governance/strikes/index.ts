/**
 * The strike ladder (Interim Measures art. 14 ¶2): blocked inputs count strikes per end user in sliding
 * windows → warn, restrict (429 `user_restricted`), suspend (403 `user_suspended`); terminate and
 * reinstate are manual. Redis-backed when a URL is given (instances agree), in-process otherwise.
 * Thresholds are configuration; the defaults are a reading of the 2023 TC260 draft, not law (config.ts).
 */
import type { StrikeConfig } from './config.js';
import { MemoryStrikeLadder } from './memory.js';
import { RedisStrikeLadder, type StrikeLogger } from './redis.js';
import type { StrikeLadder } from './types.js';

export {
  DEFAULT_STRIKE_CONFIG,
  DEFAULT_WINDOWS,
  StrikeConfigSchema,
  parseDuration,
  parseStrikeConfig,
  type AutoLevel,
  type ConsecutiveRule,
  type StrikeConfig,
  type StrikeConfigInput,
  type StrikeWindow,
} from './config.js';
export { MemoryStrikeLadder } from './memory.js';
export { RedisStrikeLadder, type RedisStrikeOptions, type StrikeLogger } from './redis.js';
export {
  SANCTION_LEVELS,
  isBlockingLevel,
  levelRank,
  type SanctionLevel,
  type Standing,
  type StrikeLadder,
  type StrikeLadderStatus,
  type StrikeStep,
} from './types.js';

export interface StrikeLadderOptions {
  /** Redis URL (`HEGUI_REDIS_URL`); absent → in-process ladder. */
  redisUrl?: string;
  /** Redis key prefix; default `hegui:strikes:`. */
  keyPrefix?: string;
  /** Clock in ms (tests); default `Date.now`. Redis scripts receive it as an argument. */
  now?: () => number;
  /** Redis: a slower command counts as Redis down for that call (ms); default 250. */
  commandTimeoutMs?: number;
  /** Redis: how long the first call waits for the initial connection (ms); default 2000. */
  connectTimeoutMs?: number;
  /** Redis: after a command timeout, skip Redis for this long (ms) before asking again; default 1000. */
  bypassMs?: number;
  /** Where the Redis degradation warning goes; default the console. */
  logger?: StrikeLogger;
  /** Redis: called for each operation served by the local fallback (count it in metrics). */
  onFallback?: (operation: 'check' | 'strike' | 'clean', error: unknown) => void;
}

export function createStrikeLadder(config: StrikeConfig, options: StrikeLadderOptions = {}): StrikeLadder {
  if (options.redisUrl !== undefined && options.redisUrl !== '') {
    return new RedisStrikeLadder(config, { ...options, redisUrl: options.redisUrl });
  }
  return new MemoryStrikeLadder(config, options.now);
}
