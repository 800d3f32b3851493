/**
 * Netsplit debounce. When two IRC servers lose their link, every user behind the other server seems
 * to QUIT at once (reason "server.a server.b"), and most JOIN again seconds later when the link is
 * back. Bridging that literally makes Matrix rooms churn membership.
 *
 * Guarantees: a QUIT that looks like a netsplit is held for `windowMs`; a JOIN of the same nick to
 * the same channel within the window cancels it (the ghost never left, and does not join again);
 * when the window passes without a rejoin the held leave is carried out. One timer for the whole
 * network, not one per user.
 * Not guaranteed: a netsplit QUIT whose reason does not look like one (a server that hides its
 * names behind something other than two host names) is bridged at once, like any QUIT.
 */
import type { Clock } from "../irc/pacedQueue";

const SPLIT_REASON = /^(\S+\.\S+) (\S+\.\S+)$/;

export function looksLikeNetsplit(reason: string): boolean {
  return SPLIT_REASON.test(reason.trim());
}

interface Held {
  readonly due: number;
  readonly leave: () => void;
}

export class SplitDebouncer {
  private readonly held = new Map<string, Held>();
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  get pending(): number {
    return this.held.size;
  }

  /** Holds a netsplit QUIT's leave for `channel`/`nick` (both already folded). */
  hold(channel: string, nick: string, leave: () => void): void {
    this.held.set(`${channel}\0${nick}`, { due: this.clock.now() + this.windowMs, leave });
    this.arm();
  }

  /** A JOIN: true when it cancels a held leave (the ghost stays, nothing to do). */
  rejoined(channel: string, nick: string): boolean {
    return this.held.delete(`${channel}\0${nick}`);
  }

  private arm(): void {
    if (this.timer !== undefined || this.held.size === 0) return;
    const next = Math.min(...[...this.held.values()].map((h) => h.due));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const now = this.clock.now();
      for (const [key, held] of [...this.held]) {
        if (held.due > now) continue;
        this.held.delete(key);
        held.leave();
      }
      this.arm();
    }, Math.max(0, next - this.clock.now()));
  }
}
