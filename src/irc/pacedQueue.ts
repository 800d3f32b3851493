/**
 * A paced, bounded, ordered send queue for one IRC connection (a token bucket).
 *
 * Guarantees:
 * - Order: lines are written in exactly the order they were accepted.
 * - Pace: at most `burstLines` lines are written at once; after that one line per `lineIntervalMs`.
 *   Over any window of t ms, at most burstLines + floor(t / lineIntervalMs) lines are written, which
 *   keeps a connection under the server's flood limits (Ergo's fakelag, InspIRCd's threshold).
 * - Bounded: at most `maxQueuedLines` lines wait. `push` refuses beyond that (returns false) so the
 *   caller can tell the sender; nothing is dropped silently.
 * - Honest completion: a line's promise resolves only once it was handed to `write`, and rejects if
 *   the queue is cleared first (connection lost), so nothing is reported sent that was not written.
 * - While paused (not yet registered, or reconnecting) lines wait and keep their order.
 * - Bounded wait: a line pushed with a deadline that is still waiting when `expire` runs after it is
 *   rejected (the caller tells the sender); lines behind it keep their order.
 * - A line taken back (`withdraw`) before it was written is never written.
 * Not guaranteed: that the server received a written line (TCP may still lose it with the socket).
 */
export interface PacingSettings {
  readonly burstLines: number;
  readonly lineIntervalMs: number;
  readonly maxQueuedLines: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

interface Pending {
  readonly line: string;
  readonly deadline: number | undefined;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class PacedQueue {
  private readonly waiting: Pending[] = [];
  private tokens: number;
  private refilledAt: number;
  private timer: { cancel(): void } | undefined;
  private paused = true;

  constructor(
    private readonly settings: PacingSettings,
    private readonly write: (line: string) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = settings.burstLines;
    this.refilledAt = clock.now();
  }

  get length(): number {
    return this.waiting.length;
  }

  /** The lines waiting, in the order they will be written. */
  get lines(): readonly string[] {
    return this.waiting.map((p) => p.line);
  }

  /**
   * Accepts a line for sending; false when the queue is full (the line is not taken). A line with a
   * deadline is given up by `expire` if it was not written by then.
   */
  push(line: string, deadline?: number): Promise<void> | false {
    if (this.waiting.length >= this.settings.maxQueuedLines) return false;
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ line, deadline, resolve, reject }));
    // A caller that does not wait for the line must not turn a cleared queue into a crash.
    done.catch(() => undefined);
    this.drain();
    return done;
  }

  /**
   * Puts lines ahead of everything waiting (rejoins after a reconnect must precede queued messages).
   * Not bounded: the caller sends a handful of lines it owns.
   */
  pushFront(lines: readonly string[]): void {
    const entries = lines.map((line) => ({ line, deadline: undefined, resolve: () => undefined, reject: () => undefined }));
    this.waiting.unshift(...entries);
    this.drain();
  }

  /** Starts writing (the connection is registered). */
  resume(): void {
    this.paused = false;
    this.drain();
  }

  /** Stops writing; queued lines keep waiting in order. */
  pause(): void {
    this.paused = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Rejects every waiting line with `reason` (the connection is gone for good). */
  clear(reason: Error): void {
    this.pause();
    for (const pending of this.waiting.splice(0)) pending.reject(reason);
  }

  /** Takes back a line still waiting (nobody wants it written any more); its promise rejects with `reason`. */
  withdraw(line: string, reason: Error): boolean {
    const at = this.waiting.findIndex((p) => p.line === line);
    if (at === -1) return false;
    const [pending] = this.waiting.splice(at, 1);
    pending?.reject(reason);
    return true;
  }

  /** Rejects, with `reason`, every waiting line whose deadline is at or before `now`. */
  expire(now: number, reason: () => Error): number {
    let expired = 0;
    for (let i = 0; i < this.waiting.length; ) {
      const pending = this.waiting[i];
      if (pending?.deadline !== undefined && pending.deadline <= now) {
        this.waiting.splice(i, 1);
        pending.reject(reason());
        expired++;
      } else i++;
    }
    return expired;
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.settings.lineIntervalMs === 0) {
      this.tokens = this.settings.burstLines;
    } else {
      const earned = Math.floor((now - this.refilledAt) / this.settings.lineIntervalMs);
      if (earned > 0) {
        this.tokens = Math.min(this.settings.burstLines, this.tokens + earned);
        this.refilledAt += earned * this.settings.lineIntervalMs;
      }
    }
    if (this.tokens === this.settings.burstLines) this.refilledAt = now;
  }

  private drain(): void {
    if (this.paused || this.timer !== undefined) return;
    this.refill();
    while (this.waiting.length > 0 && (this.tokens > 0 || this.settings.lineIntervalMs === 0)) {
      const next = this.waiting.shift();
      if (next === undefined) break;
      this.tokens--;
      try {
        this.write(next.line);
        next.resolve();
      } catch (err) {
        next.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (this.waiting.length > 0) {
      const wait = Math.max(1, this.refilledAt + this.settings.lineIntervalMs - this.clock.now());
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
    }
  }
}
