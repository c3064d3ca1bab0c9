/**
 * The in-process strike ladder: the whole state in one Map, for a single gateway instance (and the
 * Redis ladder's fallback). Same semantics as the Redis script: the decision is {@link decide}.
 *
 * Memory is bounded by the users active within the retention period (the longest window or the
 * consecutive run's expiry): every access prunes that user's entry, and at most once a minute (of the
 * injected clock) a sweep drops entries with no strike left, no run and no sanction in force.
 * Terminated users are kept until reinstated: that is the record.
 */
import { type StrikeConfig, retentionMs } from './config.js';
import { type Sanction, type Trigger, decide, inForce, standingOf } from './decide.js';
import { userId } from './keys.js';
import type { Standing, StrikeLadder, StrikeLadderStatus, StrikeStep } from './types.js';

interface Entry {
  /** Strike times, ascending, with their evidence references. */
  times: number[];
  refs: (string | null)[];
  /** Blocked inputs in a row, and when the last of them came. */
  run: number;
  runAt: number;
  sanction: Sanction | null;
}

const SWEEP_EVERY_MS = 60_000;

export class MemoryStrikeLadder implements StrikeLadder {
  private readonly entries = new Map<string, Entry>();
  private readonly retention: number;
  private lastSweep: number;

  constructor(
    private readonly config: StrikeConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.retention = retentionMs(config);
    this.lastSweep = now();
  }

  async check(tenant: string | null, user: string): Promise<Standing> {
    return this.checkSync(tenant, user);
  }

  /** {@link check} without the promise (used by the Redis ladder to merge in local sanctions). */
  checkSync(tenant: string | null, user: string): Standing {
    const id = userId(tenant, user);
    const now = this.tick();
    const entry = this.get(id, now);
    if (entry === undefined) return standingOf(this.config, null, this.counts(undefined, now), 0);
    return standingOf(this.config, entry.sanction, this.counts(entry, now), entry.run);
  }

  async strike(
    tenant: string | null,
    user: string,
    evidenceRef: string | null,
  ): Promise<{ standing: Standing; step: StrikeStep | null }> {
    const id = userId(tenant, user);
    if (!this.config.enabled) return { standing: this.checkSync(tenant, user), step: null };
    const now = this.tick();
    let entry = this.get(id, now);
    if (entry === undefined) {
      entry = { times: [], refs: [], run: 0, runAt: now, sanction: null };
      this.entries.set(id, entry);
    }
    // keep times ascending even if the clock stepped back (Redis orders by score the same way)
    let at = entry.times.length;
    while (at > 0 && entry.times[at - 1]! > now) at--;
    entry.times.splice(at, 0, now);
    entry.refs.splice(at, 0, evidenceRef);
    if (this.config.consecutive) {
      entry.run += 1;
      entry.runAt = now;
    }
    const counts = this.counts(entry, now);
    const decision = decide(this.config, now, entry.sanction, counts, entry.run);
    if (decision.sanction) entry.sanction = decision.sanction;
    const standing = standingOf(this.config, entry.sanction, counts, entry.run);
    let step: StrikeStep | null = null;
    if (decision.step !== null) {
      step = {
        tenant,
        user,
        level: decision.step,
        reason: standing.reason ?? '',
        evidenceRef,
        until: decision.sanction?.until != null ? new Date(decision.sanction.until) : null,
        evidenceRefs: decision.trigger ? this.evidence(entry, decision.trigger, now) : [],
        at: new Date(now),
      };
    }
    return { standing, step };
  }

  async clean(tenant: string | null, user: string): Promise<void> {
    const id = userId(tenant, user);
    const now = this.tick();
    const entry = this.get(id, now);
    if (entry !== undefined) {
      entry.run = 0;
      if (this.isEmpty(entry, now)) this.entries.delete(id);
    }
  }

  async terminate(tenant: string | null, user: string, reason: string): Promise<StrikeStep> {
    const id = userId(tenant, user);
    const now = this.tick();
    let entry = this.get(id, now);
    if (entry === undefined) {
      entry = { times: [], refs: [], run: 0, runAt: now, sanction: null };
      this.entries.set(id, entry);
    }
    entry.sanction = { level: 'terminate', until: null, reason };
    return manualStep(tenant, user, 'terminate', reason, now);
  }

  async reinstate(tenant: string | null, user: string, reason: string): Promise<StrikeStep> {
    const id = userId(tenant, user);
    const now = this.tick();
    this.entries.delete(id);
    return manualStep(tenant, user, 'reinstate', reason, now);
  }

  status(): StrikeLadderStatus {
    return { backend: 'memory', degraded: false, fallbacks: 0, localEntries: this.entries.size };
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** The clock, running the periodic sweep when due. */
  private tick(): number {
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      for (const [id, entry] of this.entries) {
        this.prune(entry, now);
        if (this.isEmpty(entry, now)) this.entries.delete(id);
      }
    }
    return now;
  }

  /** The user's entry, pruned; undefined (and removed) if nothing is left of it. */
  private get(id: string, now: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.prune(entry, now);
    if (this.isEmpty(entry, now)) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  private prune(entry: Entry, now: number): void {
    const cutoff = now - this.retention;
    let drop = 0;
    while (drop < entry.times.length && entry.times[drop]! <= cutoff) drop++;
    if (drop > 0) {
      entry.times.splice(0, drop);
      entry.refs.splice(0, drop);
    }
    if (
      this.config.consecutive &&
      entry.run > 0 &&
      now - entry.runAt >= this.config.consecutive.expireAfter
    ) {
      entry.run = 0;
    }
    entry.sanction = inForce(entry.sanction, now);
  }

  private isEmpty(entry: Entry, now: number): boolean {
    return entry.times.length === 0 && entry.run === 0 && inForce(entry.sanction, now) === null;
  }

  /** Strikes per configured window (a strike exactly `within` old is out). */
  private counts(entry: Entry | undefined, now: number): number[] {
    return this.config.windows.map((w) => {
      if (entry === undefined) return 0;
      const cutoff = now - w.within;
      let n = 0;
      for (let i = entry.times.length - 1; i >= 0 && entry.times[i]! > cutoff; i--) n++;
      return n;
    });
  }

  private evidence(entry: Entry, trigger: Trigger, now: number): string[] {
    let from: number;
    if (trigger.kind === 'consecutive') {
      from = Math.max(0, entry.times.length - entry.run);
    } else {
      const cutoff = now - this.config.windows[trigger.index]!.within;
      from = entry.times.length;
      while (from > 0 && entry.times[from - 1]! > cutoff) from--;
    }
    return entry.refs.slice(from).filter((r): r is string => r !== null);
  }
}

export function manualStep(
  tenant: string | null,
  user: string,
  level: 'terminate' | 'reinstate',
  reason: string,
  now: number,
): StrikeStep {
  return { tenant, user, level, reason, evidenceRef: null, until: null, evidenceRefs: [], at: new Date(now) };
}
