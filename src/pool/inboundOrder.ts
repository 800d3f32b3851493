/**
 * Which entries of the connection processes' stream (`<p>:in`) go to which transport, and when
 * (the ordering half of bridgeLink.ts, without Redis).
 *
 * Guarantees, for entries given to `handle` in stream order:
 * - An entry of the transport's current session is delivered at once, in order; `handle` says it is
 *   done (to acknowledge).
 * - An entry of any other session, or of a connection with no transport yet (the bridge is starting,
 *   its connections not made again yet), is held, not done: it stays unacknowledged in Redis.
 * - When the current session says "resumed" (the connector answered its registration), the held
 *   lines are delivered right after it, in their order, before any later entry, and are done.
 * - When the current session says "open" without resuming (a new socket), the held entries belong to
 *   a connection that is gone: they are done without being delivered.
 * - Lines the connector made up for a session's resume (`replay`) are never part of a backlog: those
 *   of a session that is not the current one (a bridge stopped mid-resume) are done undelivered,
 *   so the client sees one registration.
 * - Once the current session is settled (resumed, or opened afresh), an entry of any other session
 *   of that connection is done at once, undelivered: nothing stays held (unacknowledged) for good,
 *   which would also keep the stream from being trimmed.
 * - After "close" of the current session, nothing more reaches that transport.
 */
import type { InEntry } from "./protocol";

/** What a transport is to the link. */
export interface RemoteEnd {
  readonly connection: string;
  readonly session: string;
  deliver(e: InEntry): void;
}

export interface Held {
  readonly id: string;
  readonly entry: InEntry;
}

export class InboundOrder {
  private readonly ends = new Map<string, RemoteEnd>();
  private readonly held = new Map<string, Held[]>();
  /** Transports whose session is settled: resumed, or opened afresh. */
  private readonly settled = new WeakSet<RemoteEnd>();

  /** `done`: entries handled outside `handle`'s return value (held ones, delivered or dropped later). */
  constructor(private readonly done: (ids: string[]) => void) {}

  attach(end: RemoteEnd): void {
    this.ends.set(end.connection, end);
  }

  /** The transport's session is over (closed, replaced): true when it was the current one. */
  detach(end: RemoteEnd): boolean {
    if (this.ends.get(end.connection) !== end) return false;
    this.ends.delete(end.connection);
    return true;
  }

  current(connection: string): RemoteEnd | undefined {
    return this.ends.get(connection);
  }

  /** One entry; true when done (to acknowledge now), false when held. */
  handle(id: string, e: InEntry): boolean {
    const end = this.ends.get(e.connection);
    if (end !== undefined && end.session !== e.session && this.settled.has(end)) return true;
    if (end === undefined || end.session !== e.session) {
      const list = this.held.get(e.connection) ?? [];
      list.push({ id, entry: e });
      this.held.set(e.connection, list);
      return false;
    }
    if (e.t === "open" && !e.resumed) {
      this.settled.add(end);
      this.done(this.take(e.connection).map((h) => h.id));
    }
    if (e.t === "close") this.detach(end);
    end.deliver(e);
    if (e.t === "resumed") {
      this.settled.add(end);
      const list = this.take(e.connection);
      for (const h of list) if (h.entry.t === "line" && h.entry.replay !== true) end.deliver(h.entry);
      this.done(list.map((h) => h.id));
    }
    return true;
  }

  /** Held entries of connections no transport took up: taken out (done) and returned, by connection. */
  dropOrphans(): Map<string, Held[]> {
    const orphans = new Map<string, Held[]>();
    for (const connection of [...this.held.keys()]) {
      if (this.ends.has(connection)) continue;
      const list = this.take(connection);
      orphans.set(connection, list);
      this.done(list.map((h) => h.id));
    }
    return orphans;
  }

  private take(connection: string): Held[] {
    const list = this.held.get(connection) ?? [];
    this.held.delete(connection);
    return list;
  }
}
