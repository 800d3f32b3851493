/**
 * The keepalive of one connection's socket: a PING only once the server has been quiet for
 * `pingAfterMs`, and the socket given up once nothing was heard for `deadAfterMs`.
 *
 * Guarantees:
 * - No PING while the server talks: a connection that hears something at least every `pingAfterMs`
 *   sends none (in a busy channel, none at all; before, every connection PINGed every interval).
 * - At most one PING per quiet spell, and only when `mayPing()` (registered: a PING before 001 is
 *   refused by some servers); before that, the quiet only counts toward `dead`.
 * - `dead` is called once, `deadAfterMs` after the last thing heard, whether a PING went out or not.
 *   Writes do not count as heard.
 * - One timer per connection; hearing something re-arms it without allocating (Timeout.refresh),
 *   except the first time after a PING (also without PINGs: the connection processes' sockets).
 */
export interface QuietWatchOptions {
  /** Quiet time before a PING; 0 (or not below deadAfterMs): no PINGs, only the dead line. */
  readonly pingAfterMs: number;
  /** Quiet time after which the socket is given up; 0: never. */
  readonly deadAfterMs: number;
  readonly mayPing: () => boolean;
  readonly ping: () => void;
  readonly dead: () => void;
}

export class QuietWatch {
  private timer: NodeJS.Timeout | undefined;
  /** The quiet spell went past pingAfterMs (a PING went out, or could not): the timer now runs the rest of the way to dead. */
  private late = false;

  constructor(private readonly o: QuietWatchOptions) {}

  /** Starts watching (a new socket); the quiet counts from now. */
  start(): void {
    this.stop();
    this.arm();
  }

  /** Something was read from the server. */
  heard(): void {
    if (this.timer === undefined) return;
    if (!this.late) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.arm();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const { pingAfterMs, deadAfterMs } = this.o;
    this.late = false;
    this.timer = undefined;
    if (deadAfterMs <= 0) return;
    if (pingAfterMs > 0 && pingAfterMs < deadAfterMs) {
      this.timer = setTimeout(() => this.quiet(), pingAfterMs);
      return;
    }
    // No PING stage: one timer straight to dead, refreshed by every read.
    this.timer = setTimeout(() => this.expire(), deadAfterMs);
  }

  private quiet(): void {
    this.late = true;
    this.timer = setTimeout(() => this.expire(), this.o.deadAfterMs - this.o.pingAfterMs);
    if (this.o.mayPing()) this.o.ping();
  }

  private expire(): void {
    this.timer = undefined;
    this.o.dead();
  }
}
