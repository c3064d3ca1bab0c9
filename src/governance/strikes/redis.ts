/**
 * The Redis-backed strike ladder: several gateway instances sharing one Redis agree on every user's
 * standing. `check` is one script call (one round trip), `strike` one script call that prunes, counts,
 * decides and stores the sanction atomically; `clean` one DEL.
 *
 * **Redis down.** The design says fail closed for checks that guard content, but degrade to local limits
 * for shared counters. So when Redis cannot be reached (not connected, refused, or a command exceeding
 * `commandTimeoutMs`), `check`, `strike` and `clean` are served by an in-process ladder with the same
 * configuration: the user is still counted and sanctioned on this instance, never waved through
 * unchecked and never refused for our fault. The first failure of an episode logs one warning, recovery
 * logs once more. A hung Redis (connected, not answering) costs one `commandTimeoutMs` wait, after which
 * calls skip Redis for `bypassMs` before trying again. `status()` exposes `degraded` and the `fallbacks` counter, and `onFallback` lets the
 * gateway count them in metrics. Sanctions imposed locally during an outage keep applying on this
 * instance after Redis returns (`check` takes the stronger of the two standings); strikes counted
 * locally are not copied into Redis. `terminate` and `reinstate` are manual decisions that must reach
 * every instance: they throw instead of degrading.
 */
import { Redis } from 'ioredis';
import { HeguiError } from '../../engine/errors.js';
import { type StrikeConfig, retentionMs } from './config.js';
import { type Sanction, consecutiveReason, standingOf, windowReason } from './decide.js';
import { userId } from './keys.js';
import { MemoryStrikeLadder, manualStep } from './memory.js';
import { CHECK_LUA, STRIKE_LUA, TERMINATE_LUA } from './scripts.js';
import {
  SANCTION_LEVELS,
  type Standing,
  type StrikeLadder,
  type StrikeLadderStatus,
  type StrikeStep,
} from './types.js';
import { levelRank } from './types.js';

/** Minimal logger (pino's `warn`/`info` fit). */
export interface StrikeLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface RedisStrikeOptions {
  redisUrl: string;
  /** Prefix of every key; default `hegui:strikes:`. */
  keyPrefix?: string;
  now?: () => number;
  /** A command slower than this (ms) counts as Redis down for that call; default 250. */
  commandTimeoutMs?: number;
  /** How long the first call waits for the initial connection (ms); default 2000. */
  connectTimeoutMs?: number;
  /**
   * After a command times out while the connection still looks up (a hung Redis), calls go straight to
   * the local ladder for this long (ms) instead of each waiting for the timeout; default 1000.
   */
  bypassMs?: number;
  logger?: StrikeLogger;
  /** Called each time an operation is served by the local fallback (for a metrics counter). */
  onFallback?: (operation: 'check' | 'strike' | 'clean', error: unknown) => void;
}

type Reply = [number, number, string, number, number[]];
type StrikeReply = [number, number, number, string, number, number[], string[]];

interface ScriptedRedis extends Redis {
  heguiStrikeCheck(z: string, c: string, x: string, ...argv: (string | number)[]): Promise<Reply>;
  heguiStrike(z: string, c: string, x: string, n: string, ...argv: (string | number)[]): Promise<StrikeReply>;
  heguiStrikeTerminate(x: string, reason: string): Promise<number>;
}

const consoleLogger: StrikeLogger = {
  warn: (obj, msg) => console.warn(`[hegui strikes] ${msg}`, obj),
  info: (obj, msg) => console.info(`[hegui strikes] ${msg}`, obj),
};

export class RedisStrikeLadder implements StrikeLadder {
  private readonly client: ScriptedRedis;
  private readonly local: MemoryStrikeLadder;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly logger: StrikeLogger;
  private readonly onFallback: RedisStrikeOptions['onFallback'];
  private readonly connected: Promise<void>;
  private readonly checkArgs: string[];
  private readonly strikeArgs: string[];
  private degraded = false;
  private fallbacks = 0;
  /** After a command timed out on a connection that still looks up: go local without asking until then (real ms). */
  private bypassUntil = 0;
  private readonly bypassMs: number;
  private closed = false;

  constructor(
    private readonly config: StrikeConfig,
    options: RedisStrikeOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'hegui:strikes:';
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? consoleLogger;
    this.onFallback = options.onFallback;
    this.local = new MemoryStrikeLadder(config, this.now);
    this.bypassMs = options.bypassMs ?? 1000;
    const client = new Redis(options.redisUrl, {
      // Fail fast while disconnected (the local ladder answers) instead of queueing requests.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      retryStrategy: (times) => Math.min(100 * times, 2000),
      lazyConnect: false,
    });
    client.defineCommand('heguiStrikeCheck', { lua: CHECK_LUA, numberOfKeys: 3, readOnly: true });
    client.defineCommand('heguiStrike', { lua: STRIKE_LUA, numberOfKeys: 4 });
    client.defineCommand('heguiStrikeTerminate', { lua: TERMINATE_LUA, numberOfKeys: 1 });
    this.client = client as ScriptedRedis;
    client.on('error', (err: unknown) => this.markDegraded(err));
    this.connected = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done);
        client.off('error', done);
        client.off('end', done);
        resolve();
      };
      const timer = setTimeout(done, options.connectTimeoutMs ?? 2000);
      timer.unref();
      client.once('ready', done);
      client.once('error', done);
      client.once('end', done);
    });

    const c = config.consecutive;
    this.checkArgs = [String(c ? c.expireAfter : 0), ...config.windows.map((w) => String(w.within))];
    this.strikeArgs = [
      String(retentionMs(config)),
      String(config.warnAt === false ? 0 : config.warnAt),
      String(c ? c.count : 0),
      String(c ? levelRank(c.level) : 0),
      String(c ? c.for : 0),
      String(c ? c.expireAfter : 0),
      c ? consecutiveReason(c.count) : '',
      String(config.windows.length),
      ...config.windows.flatMap((w) => [
        String(w.within),
        String(w.count),
        String(levelRank(w.level)),
        String(w.for),
        windowReason(w.count, w.name),
      ]),
    ];
  }

  async check(tenant: string | null, user: string): Promise<Standing> {
    const id = userId(tenant, user);
    const local = this.local.checkSync(tenant, user);
    return this.run(
      'check',
      async () => {
        const [z, c, x] = this.keys(id);
        const [rank, until, reason, run, counts] = await this.client.heguiStrikeCheck(
          z,
          c,
          x,
          String(this.now()),
          ...this.checkArgs,
        );
        const shared = standingOf(this.config, sanctionOf(rank, until, reason), counts, Number(run));
        return levelRank(local.level) > levelRank(shared.level) ? local : shared;
      },
      () => local,
    );
  }

  async strike(
    tenant: string | null,
    user: string,
    evidenceRef: string | null,
  ): Promise<{ standing: Standing; step: StrikeStep | null }> {
    const id = userId(tenant, user);
    if (!this.config.enabled) return { standing: await this.check(tenant, user), step: null };
    return this.run(
      'strike',
      async () => {
        const now = this.now();
        const [z, c, x, n] = this.keys(id);
        const [stepRank, rank, until, reason, run, counts, members] = await this.client.heguiStrike(
          z,
          c,
          x,
          n,
          String(now),
          evidenceRef === null ? '-' : `+${evidenceRef}`,
          ...this.strikeArgs,
        );
        const standing = standingOf(this.config, sanctionOf(rank, until, reason), counts, Number(run));
        let step: StrikeStep | null = null;
        if (stepRank > 0) {
          step = {
            tenant,
            user,
            level: SANCTION_LEVELS[stepRank] as 'warn' | 'restrict' | 'suspend',
            reason: standing.reason ?? '',
            evidenceRef,
            until: stepRank >= 2 ? standing.until : null,
            evidenceRefs: members.map(evidenceOf).filter((r): r is string => r !== null),
            at: new Date(now),
          };
        }
        return { standing, step };
      },
      () => this.local.strike(tenant, user, evidenceRef),
    );
  }

  async clean(tenant: string | null, user: string): Promise<void> {
    const id = userId(tenant, user);
    await this.local.clean(tenant, user);
    await this.run(
      'clean',
      async () => {
        await this.client.del(this.keys(id)[1]);
      },
      async () => undefined,
    );
  }

  async terminate(tenant: string | null, user: string, reason: string): Promise<StrikeStep> {
    const id = userId(tenant, user);
    await this.required('terminate', () => this.client.heguiStrikeTerminate(this.keys(id)[2], reason));
    return manualStep(tenant, user, 'terminate', reason, this.now());
  }

  async reinstate(tenant: string | null, user: string, reason: string): Promise<StrikeStep> {
    const id = userId(tenant, user);
    await this.required('reinstate', () => this.client.del(...this.keys(id)));
    await this.local.reinstate(tenant, user, reason);
    return manualStep(tenant, user, 'reinstate', reason, this.now());
  }

  /** Whether the Redis connection is up (for /readyz; a `false` here means calls go to the local ladder). */
  isConnected(): boolean {
    return this.client.status === 'ready';
  }

  status(): StrikeLadderStatus {
    return {
      backend: 'redis',
      degraded: this.degraded,
      fallbacks: this.fallbacks,
      localEntries: this.local.status().localEntries,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.local.close();
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    this.client.disconnect();
  }

  /** The user's keys (strikes, run, sanction, sequence), sharing one hash tag. */
  private keys(id: string): [string, string, string, string] {
    const base = `${this.prefix}{${id}}`;
    return [`${base}:z`, `${base}:c`, `${base}:x`, `${base}:n`];
  }

  private async run<T>(
    operation: 'check' | 'strike' | 'clean',
    shared: () => Promise<T>,
    fallback: () => T | Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new HeguiError('internal', 'the strike ladder is closed');
    await this.connected;
    let error: unknown = new Error(`Redis connection is ${this.client.status}`);
    if (this.client.status === 'ready' && Date.now() >= this.bypassUntil) {
      try {
        const result = await shared();
        this.markRecovered();
        return result;
      } catch (err) {
        error = err;
        if (err instanceof Error && err.message === 'Command timed out')
          this.bypassUntil = Date.now() + this.bypassMs;
      }
    } else if (this.client.status === 'ready') {
      error = new Error('Redis timed out recently; not asked again yet');
    }
    this.markDegraded(error);
    this.fallbacks++;
    this.onFallback?.(operation, error);
    return fallback();
  }

  private async required<T>(operation: string, shared: () => Promise<T>): Promise<T> {
    if (this.closed) throw new HeguiError('internal', 'the strike ladder is closed');
    await this.connected;
    try {
      if (this.client.status !== 'ready') throw new Error(`Redis connection is ${this.client.status}`);
      const result = await shared();
      this.markRecovered();
      return result;
    } catch (err) {
      this.markDegraded(err);
      throw new HeguiError(
        'internal',
        `${operation} needs the shared strike store, and Redis is unreachable: ${errorMessage(err)}`,
        'strikes',
        { cause: err },
      );
    }
  }

  private markDegraded(err: unknown): void {
    if (this.degraded || this.closed) return;
    this.degraded = true;
    this.logger.warn(
      { err: errorMessage(err) },
      'Redis unreachable: strikes are counted by this instance alone until it returns',
    );
  }

  private markRecovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.info({}, 'Redis reachable again: strikes are shared again');
  }
}

function sanctionOf(rank: number, until: number, reason: string): Sanction | null {
  if (rank < 2) return null;
  return {
    level: SANCTION_LEVELS[rank] as Sanction['level'],
    until: Number(until) === -1 ? null : Number(until),
    reason: String(reason),
  };
}

/** `sequence:+ref` → ref; `sequence:-` → null. */
function evidenceOf(member: string): string | null {
  const tag = member.indexOf(':') + 1;
  return member[tag] === '+' ? member.slice(tag + 1) : null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
