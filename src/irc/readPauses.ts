/**
 * Reads put off for connections that only hear copies. In a channel where N of the bridge's users
 * sit, every line reaches N sockets; one connection (the channel's reader) delivers it, and the
 * others drop their copy unread (heardElsewhere.ts). Reading each copy as it comes still costs a
 * wake-up of the event loop, a read system call and a callback per socket and line: at 1,000 users
 * in one channel, 500,000 reads for their JOINs alone. A connection whose last read held nothing
 * but such copies is paused instead, and read again at the next tick of one shared timer: what
 * came meanwhile waits in the kernel's socket buffer and is read in one go.
 *
 * Guarantees:
 * - A paused socket is resumed at the first tick after it was paused: at most `everyMs` later
 *   (plus the event loop's lag). Nothing it was sent is lost or reordered: the bytes wait in the
 *   socket, and are read, cut and handled as they would have been.
 * - `resume` resumes a socket at once (the transport calls it when it writes a line, so an echo,
 *   an answer or a JOIN's reply is read without the wait).
 * - The timer runs only while a socket is paused: an idle bridge is not woken.
 * - A socket destroyed while paused is dropped at the tick, never resumed.
 * - `everyMs` 0, or after `stop`: nothing is paused (`pause` says no).
 */
import type { Clock } from "./pacedQueue";

/** The part of a socket this needs (net.Socket and tls.TLSSocket). */
export interface PausableSocket {
  pause(): unknown;
  resume(): unknown;
  readonly destroyed: boolean;
}

export class ReadPauses {
  private readonly paused = new Set<PausableSocket>();
  private timer: { cancel(): void } | undefined;
  private stopped = false;

  constructor(
    readonly everyMs: number,
    private readonly clock: Clock,
    /** Told, at each tick, how many sockets it resumes (a metric: one call per tick, not per pause). */
    private readonly resumed: (count: number) => void = () => undefined,
  ) {}

  /** Pauses the socket until the next tick; false (and the socket left reading) when pauses are off. */
  pause(socket: PausableSocket): boolean {
    if (this.everyMs <= 0 || this.stopped || socket.destroyed) return false;
    socket.pause();
    this.paused.add(socket);
    this.timer ??= this.clock.setTimeout(() => this.tick(), this.everyMs);
    return true;
  }

  /** Resumes the socket now if it is paused here (a line was written to it, or it is being closed). */
  resume(socket: PausableSocket): void {
    if (!this.paused.delete(socket)) return;
    if (!socket.destroyed) socket.resume();
  }

  /** Sockets paused now (tests). */
  get size(): number {
    return this.paused.size;
  }

  /** Stops the timer for good; paused sockets are resumed (the bridge is stopping: their close must be read), and nothing is paused after. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.tick();
  }

  private tick(): void {
    this.timer = undefined;
    const due = [...this.paused];
    this.paused.clear();
    for (const socket of due) if (!socket.destroyed) socket.resume();
    if (due.length > 0) this.resumed(due.length);
  }
}
