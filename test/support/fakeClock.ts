import type { Clock } from "../../src/irc/pacedQueue";

/** A clock the test moves by hand: timers fire in time order when time passes them. */
export class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => (timer.live = false) };
  }

  /** Timers set and neither fired nor cancelled. */
  get liveTimers(): number {
    return this.timers.filter((x) => x.live).length;
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      next.live = false;
      this.t = next.at;
      next.fn();
    }
    this.timers = this.timers.filter((x) => x.live);
    this.t = end;
  }
}
