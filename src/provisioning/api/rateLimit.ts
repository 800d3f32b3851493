import type { Clock } from "../../irc/pacedQueue";

/**
 * A per-requester limit on API requests: at most `perMinute` in any fixed minute window per key.
 * Guarantees: memory is bounded by the keys seen in the current window (older windows are dropped
 * whole); a refused request is not counted.
 */
export class RateLimit {
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** True when the request may go ahead (and counts it). */
  take(key: string): boolean {
    const window = Math.floor(this.clock.now() / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const used = this.counts.get(key) ?? 0;
    if (used >= this.perMinute) return false;
    this.counts.set(key, used + 1);
    return true;
  }
}
