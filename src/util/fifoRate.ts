import type { Clock } from "../irc/pacedQueue";

export interface FifoRateHooks {
  /** How many are waiting now (a gauge). */
  waiting(count: number): void;
  /** One turn was given after waiting this long (0 when there was no wait). */
  waited(ms: number): void;
}

/**
 * A token bucket whose callers are served strictly first come, first served.
 *
 * Guarantees: `take()` resolves in the order it was called, never earlier than the rate allows
 * (`burst` at once after a quiet spell, then `perSecond`); nothing waiting is ever dropped or
 * reordered; one timer at most, whatever the number waiting. The wait is reported to the hooks.
 * Not guaranteed: anything across a restart (waiters are in memory; their callers retry).
 */
export class FifoRate {
  private tokens: number;
  private last: number;
  private readonly waiters: { readonly since: number; readonly go: () => void }[] = [];
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
    private readonly hooks: FifoRateHooks,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  get waiting(): number {
    return this.waiters.length;
  }

  take(): Promise<void> {
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.hooks.waited(0);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push({ since: this.clock.now(), go: resolve });
      this.hooks.waiting(this.waiters.length);
      this.schedule();
    });
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    const ms = Math.max(0, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.tokens >= 1 && this.waiters.length > 0) {
        const next = this.waiters.shift();
        if (next === undefined) break;
        this.tokens -= 1;
        this.hooks.waited(this.clock.now() - next.since);
        next.go();
      }
      this.hooks.waiting(this.waiters.length);
      this.schedule();
    }, ms);
  }
}
