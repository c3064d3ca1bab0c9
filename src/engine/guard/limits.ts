/** A concurrency limit (FIFO queue) and a circuit breaker, both small and clock-injectable. */

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `work` once fewer than `limit` others are running. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Opens after `failures` consecutive failures; while open every call fails fast; after `cooldownMs`
 * one trial call goes through (half-open): success closes the circuit, failure opens it again.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt = -Infinity;
  private trialInFlight = false;
  private opened = false;

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now (claims the half-open trial if that is the case). */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.opened = false;
    this.trialInFlight = false;
  }

  failure(): void {
    this.consecutive++;
    if (this.trialInFlight || this.consecutive >= this.failures) {
      this.opened = true;
      this.openedAt = this.now();
    }
    this.trialInFlight = false;
  }
}
