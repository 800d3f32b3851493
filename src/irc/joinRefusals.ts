/**
 * Which of the server's lines refuse one of our JOINs. The connection notes every JOIN it writes
 * (a join, a rejoin after a reconnect, a `!join` request) and reads every line the server sends;
 * an error numeric that names a channel we are waiting to enter is a refusal of that JOIN.
 *
 * Guarantees: a refusal is reported only for a channel with a JOIN of ours pending (written in the
 * last PENDING_MS, not yet echoed or refused), so a numeric shared with other commands (403 and 477
 * also answer a PRIVMSG or a MODE, 437 a NICK) is never misread as one; each pending JOIN is
 * reported at most once. Not guaranteed: a refusal that comes later than PENDING_MS after the JOIN
 * (then the server's error still reaches the user as an unattributed server error).
 */
import type { IrcLine } from "./ircLine";
import { lastParam } from "./ircLine";
import { SparseMap } from "../util/sparseMap";

/** A JOIN the server refused: the channel as the server wrote it, its numeric and its words. */
export interface JoinRefusal {
  readonly channel: string;
  readonly numeric: string;
  readonly reason: string;
}

/**
 * Numerics that refuse a JOIN: 403 no such channel, 405 too many channels, 437 temporarily
 * unavailable, 471 full (+l), 473 invite-only (+i), 474 banned (+b), 475 wrong key (+k), 476 bad
 * channel mask, 477 registered nicks only (+r), 479 illegal name, 489 TLS only (+z), 515/519/520
 * registered / admins / IRC operators only (UnrealIRCd, InspIRCd, Ergo).
 */
export const JOIN_REFUSALS: ReadonlySet<string> = new Set(["403", "405", "437", "471", "473", "474", "475", "476", "477", "479", "489", "515", "519", "520"]);

/** How long a written JOIN waits for its answer before a late error is no longer read as one. */
const PENDING_MS = 60000;

export class PendingJoins {
  /** Folded channel name -> when its JOIN was written. */
  private readonly pending = new SparseMap<string, number>();

  constructor(
    private readonly fold: (name: string) => string,
    private readonly now: () => number,
  ) {}

  /** Whether a JOIN of ours waits for its answer (heard does nothing otherwise). */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /** A line we wrote: a JOIN (maybe labeled, maybe of several channels) is now pending. */
  wrote(line: IrcLine | undefined): void {
    if (line === undefined || line.command !== "JOIN") return;
    const channels = line.params[0];
    if (channels === undefined || channels === "0") return;
    for (const channel of channels.split(",")) if (channel !== "") this.pending.set(this.fold(channel), this.now());
  }

  /**
   * A line from the server: our own JOIN echo (or a 470 forward) settles the channel; a refusal of a
   * pending JOIN settles it and is returned.
   */
  heard(line: IrcLine, me: string): JoinRefusal | undefined {
    if (line.command === "JOIN" && line.source !== undefined && this.fold(line.source) === this.fold(me)) {
      this.pending.delete(this.fold(line.params[0] ?? ""));
      return undefined;
    }
    const channel = line.params[1];
    if (channel === undefined) return undefined;
    if (line.command === "470") {
      this.pending.delete(this.fold(channel));
      return undefined;
    }
    if (!JOIN_REFUSALS.has(line.command)) return undefined;
    const folded = this.fold(channel);
    const since = this.pending.get(folded);
    if (since === undefined) return undefined;
    this.pending.delete(folded);
    if (this.now() - since > PENDING_MS) return undefined;
    return { channel, numeric: line.command, reason: line.params.length > 2 ? lastParam(line) : "" };
  }

  /** The connection is gone: nothing is pending any more. */
  clear(): void {
    this.pending.clear();
  }
}
