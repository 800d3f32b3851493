/**
 * The bridge's end of the connection process: opens, writes and closes IRC connections held by
 * connectors (connector.ts) through Redis streams (protocol.ts), and hands what they received to the
 * bridge's transports (remoteTransport.ts), which irc-framework drives as it drives a socket.
 *
 * Guarantees:
 * - At least once, in order: the bridge reads `<p>:in` through the consumer group "bridge" and
 *   acknowledges (XACK) an entry only after the transport it belongs to has handled it (irc-framework
 *   handles a line synchronously), or after it was dropped on purpose. What arrives while the bridge
 *   is down waits in the stream; what it had read but not acknowledged when it stopped is read again
 *   first at start (its pending entries). Entries are handled one at a time, in stream order, so a
 *   connection's lines keep their order.
 * - Duplicates: a stop acknowledges everything handled before the process exits (the read loop ends
 *   between batches); only a crash between handling a line and its XACK repeats that line, and the
 *   broker's dedupe (msgid) drops the repeat where the server gives msgids.
 * - A backlog is delivered after the registration it belongs after: entries of an earlier session
 *   of a connection (received while the bridge was down) are held until the new session has
 *   resumed (the connector's "resumed"), then given in their order before anything later. When the
 *   connection was opened afresh instead, they belong to a connection that is gone and are dropped.
 *   Entries of a connection the bridge does not take up again within ORPHAN_MS of starting are
 *   dropped, and the connector is told to close it; so is every connection the owner record lists
 *   that no transport took up by then (a quiet one has no backlog).
 * - A connection whose connector's lease expired is reported closed to its transport (the connect
 *   scheduler then opens it again on a live connector), and that connector is written a "close" for
 *   it (should it be alive after all, it also fences itself off: connector.ts); an open request nobody answers within
 *   openTimeoutMs is reported closed too.
 * - A consumer group Redis lost (NOGROUP) is created again; the bridge creates the connectors'
 *   group too, from the stream's start, so requests made before any connector ran are read.
 * - After detach() (bridge shutdown in this mode) nothing more is written or closed: the
 *   connections stay up in their connectors, with no QUIT, for the next bridge run to resume.
 */
import { Redis } from "ioredis";
import type { Logger } from "winston";
import { errorText } from "../errors";
import { ANY_SESSION, BRIDGE_GROUP, CONNECTOR_GROUP, decodeIn, encodeOpen, encodeOut, streamNames, type InEntry, type OpenRequest, type OutEntry, type StreamNames } from "./protocol";
import { ensureGroup, firstContact, isNoGroup, redisClient, streamEntries } from "./streamReply";
import { InboundOrder, type RemoteEnd } from "./inboundOrder";
import type { LinkPort } from "./remoteTransport";

export type { RemoteEnd } from "./inboundOrder";

export interface LinkSettings {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly openTimeoutMs: number;
  readonly leaseMs: number;
  readonly log: Logger;
  /** How long after start connections nobody took up again are closed (tests shorten it). */
  readonly orphanMs?: number;
}

/** How long after start entries of connections nobody took up are kept. */
const ORPHAN_MS = 300000;
const BLOCK_MS = 2000;
const OUT_MAXLEN = 100000;
/** How often (s) the inbound stream is trimmed of what the bridge acknowledged. */
const TRIM_EVERY_S = 60;

export class BridgeLink implements LinkPort {
  private readonly names: StreamNames;
  private readonly writer: Redis;
  private readonly reader: Redis;
  private readonly order = new InboundOrder((ids) => this.ack(ids));
  private readonly owners = new Map<string, string>();
  private readonly opening = new Map<string, number>();
  private readonly consumer = "bridge";
  private running = false;
  private detached = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  /** The owner record was swept for connections nobody took up (once, after the orphan window). */
  private quietSwept = false;

  constructor(private readonly s: LinkSettings) {
    this.names = streamNames(s.prefix);
    this.writer = redisClient(s.redisUrl, "ircbridge-bridge");
    this.reader = redisClient(s.redisUrl, "ircbridge-bridge-in");
  }

  async start(): Promise<void> {
    await firstContact(this.writer, this.s.redisUrl);
    await ensureGroup(this.writer, this.names.inbound, BRIDGE_GROUP);
    // Requests made before any connection process ran are read by the first one.
    await ensureGroup(this.writer, this.names.open, CONNECTOR_GROUP, "0");
    this.running = true;
    this.loop = this.readLoop();
    let ticks = 0;
    this.timer = setInterval(() => {
      void this.sweep();
      if (++ticks % TRIM_EVERY_S === 0) void this.trim();
    }, 1000);
    this.s.log.info("using the connection process", { prefix: this.s.prefix });
  }

  /**
   * Shutdown in this mode: the connections are left to their connectors, nothing more is written,
   * and nothing more is read (what arrives from now on waits in Redis for the next run).
   */
  detach(): void {
    this.detached = true;
    this.running = false;
    this.reader.disconnect();
  }

  async stop(): Promise<void> {
    this.detach();
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.loop?.catch(() => undefined);
    await this.writer.quit().catch(() => undefined);
  }

  /** A transport connects (a new session): its connector is asked to open or resume the connection. */
  open(end: RemoteEnd, request: Omit<OpenRequest, "connection" | "session" | "at">): void {
    if (this.detached) return;
    this.order.attach(end);
    this.opening.set(end.connection, Date.now());
    const full: OpenRequest = { ...request, connection: end.connection, session: end.session, at: Date.now() };
    void this.sendOpen(full).catch((err: unknown) => {
      this.s.log.error("cannot ask the connection process to open a connection", { connection: end.connection, error: errorText(err) });
      this.endWith(end, "the connection process cannot be reached through Redis");
    });
  }

  private async sendOpen(request: OpenRequest): Promise<void> {
    const owner = this.owners.get(request.connection) ?? (await this.writer.hget(this.names.owners, request.connection)) ?? undefined;
    if (owner !== undefined && (await this.writer.exists(this.names.alive(owner))) === 1) {
      await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "open", ...request }));
      return;
    }
    await this.writer.call("XADD", this.names.open, "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOpen(request));
  }

  /** A line the transport writes; `done` once it is on its way (in Redis). */
  write(end: RemoteEnd, line: string, done: () => void): void {
    this.out(end, { t: "line", connection: end.connection, session: end.session, line }, done);
  }

  close(end: RemoteEnd, force: boolean): void {
    this.out(end, { t: "close", connection: end.connection, session: end.session, force }, () => undefined);
  }

  /** The transport is done with its session (closed, or replaced). */
  forget(end: RemoteEnd): void {
    if (this.order.detach(end)) this.opening.delete(end.connection);
  }

  private out(end: RemoteEnd, e: OutEntry, done: () => void): void {
    const owner = this.owners.get(end.connection);
    if (this.detached || owner === undefined || this.order.current(end.connection) !== end) {
      process.nextTick(done);
      return;
    }
    this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut(e)).then(
      () => done(),
      (err: unknown) => {
        this.s.log.error("cannot pass a line to the connection process through Redis", { connection: end.connection, error: errorText(err) });
        done();
      },
    );
  }

  /** Read through a call: the loop's `running` may change while it awaits. */
  private stopped(): boolean {
    return !this.running;
  }

  private async readLoop(): Promise<void> {
    // First what this bridge had read and not acknowledged when it last stopped, then new entries.
    let from = "0";
    while (this.running) {
      try {
        const reply = await this.reader.call("XREADGROUP", "GROUP", BRIDGE_GROUP, this.consumer, "COUNT", "500", "BLOCK", String(BLOCK_MS), "STREAMS", this.names.inbound, from);
        const entries = streamEntries(reply);
        if (from === "0" && entries.length === 0) from = ">";
        const done: string[] = [];
        for (const entry of entries) {
          const e = decodeIn(entry.fields);
          if (e === undefined || this.handle(entry.id, e)) done.push(entry.id);
        }
        if (from === "0" && entries.length > 0) from = entries[entries.length - 1]?.id ?? ">";
        if (done.length > 0) await this.writer.call("XACK", this.names.inbound, BRIDGE_GROUP, ...done);
      } catch (err) {
        if (this.stopped()) return;
        if (isNoGroup(err)) {
          this.s.log.warn("the bridge's consumer group is gone from Redis (did Redis lose its data?): creating it again");
          await ensureGroup(this.writer, this.names.inbound, BRIDGE_GROUP, "0").catch(() => undefined);
          continue;
        }
        this.s.log.warn("cannot read the connection process's lines from Redis", { error: errorText(err) });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** One entry, in stream order (inboundOrder.ts); true when it is handled (to acknowledge), false when held. */
  private handle(id: string, entry: InEntry): boolean {
    let e = entry;
    if (e.t === "close" && e.session === ANY_SESSION) {
      // An earlier run of a connector's name held it: it closes the session that connector holds, if any.
      const end = this.order.current(e.connection);
      if (end === undefined || e.owner === undefined || this.owners.get(e.connection) !== e.owner) return true;
      e = { ...e, session: end.session };
    }
    if (e.t === "open" && this.order.current(e.connection)?.session === e.session) {
      this.owners.set(e.connection, e.owner);
      this.opening.delete(e.connection);
    }
    if (e.t === "close" && this.order.current(e.connection)?.session === e.session) this.opening.delete(e.connection);
    return this.order.handle(id, e);
  }

  private ack(ids: string[]): void {
    if (ids.length === 0) return;
    this.writer.call("XACK", this.names.inbound, BRIDGE_GROUP, ...ids).catch((err: unknown) => this.s.log.warn("cannot acknowledge lines in Redis", { error: errorText(err) }));
  }

  private endWith(end: RemoteEnd, reason: string): void {
    this.forget(end);
    end.deliver({ t: "close", connection: end.connection, session: end.session, reason });
  }

  /** Once a second: open requests nobody answered, connectors whose lease ended, orphaned backlogs. */
  private async sweep(): Promise<void> {
    if (this.detached) return;
    const now = Date.now();
    for (const [connection, since] of this.opening) {
      const end = this.order.current(connection);
      if (end !== undefined && now - since > this.s.openTimeoutMs) this.endWith(end, `no connection process answered within ${Math.round(this.s.openTimeoutMs / 1000)} s`);
    }
    if (now - this.startedAt > (this.s.orphanMs ?? ORPHAN_MS)) {
      this.dropOrphans();
      if (!this.quietSwept) {
        this.quietSwept = true;
        await this.closeUntaken().catch((err: unknown) => this.s.log.warn("cannot close the connections no user took up again", { error: errorText(err) }));
      }
    }
    const owners = new Set(this.owners.values());
    for (const owner of owners) {
      let alive: number;
      try {
        alive = await this.writer.exists(this.names.alive(owner));
      } catch {
        continue;
      }
      if (alive === 1) continue;
      this.s.log.warn("a connection process is gone: its connections are lost", { owner });
      // Its unread lines may carry passwords (registration): they go.
      await this.writer.del(this.names.out(owner)).catch(() => undefined);
      for (const [connection, o] of [...this.owners]) {
        if (o !== owner) continue;
        this.owners.delete(connection);
        const end = this.order.current(connection);
        if (end === undefined) continue;
        // In case it is alive after all (Redis was away longer than its lease): it must let the connection go.
        this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "close", connection, session: end.session, force: true })).catch(() => undefined);
        this.endWith(end, `the connection process ${owner} stopped`);
      }
    }
  }

  /**
   * Trims `<p>:in` below the oldest entry still pending (or, with none pending, below the last one
   * read): only acknowledged entries go, so nothing the bridge still needs is lost.
   */
  private async trim(): Promise<void> {
    try {
      const pending = await this.writer.call("XPENDING", this.names.inbound, BRIDGE_GROUP);
      let below: unknown = Array.isArray(pending) && Number(pending[0]) > 0 ? pending[1] : undefined;
      if (below === undefined) {
        const groups: unknown = await this.writer.call("XINFO", "GROUPS", this.names.inbound);
        for (const g of Array.isArray(groups) ? (groups as unknown[]) : []) {
          if (!Array.isArray(g) || g[1] !== BRIDGE_GROUP) continue;
          const fields = g as unknown[];
          below = fields[fields.indexOf("last-delivered-id") + 1];
        }
      }
      if (typeof below === "string" && below !== "0-0") await this.writer.call("XTRIM", this.names.inbound, "MINID", below);
    } catch (err) {
      this.s.log.warn("cannot trim the connection process's stream in Redis", { error: errorText(err) });
    }
  }

  /**
   * Connections the owner record lists that no transport took up within the orphan window (quiet
   * ones have no backlog to show they exist): each is quit, in whatever session its connector has.
   */
  private async closeUntaken(): Promise<void> {
    const owners = await this.writer.hgetall(this.names.owners);
    for (const [connection, owner] of Object.entries(owners)) {
      if (this.order.current(connection) !== undefined || this.opening.has(connection)) continue;
      this.s.log.info("closing a connection no user takes up any more", { connection });
      await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "line", connection, session: ANY_SESSION, line: "QUIT :no longer used" }));
      await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "close", connection, session: ANY_SESSION, force: false }));
    }
  }

  /** Backlogs of connections the bridge did not take up again: dropped, and the connections quit. */
  private dropOrphans(): void {
    for (const [connection, list] of this.order.dropOrphans()) {
      const session = list[list.length - 1]?.entry.session ?? "";
      const quit = async () => {
        const owner = await this.writer.hget(this.names.owners, connection);
        if (owner === null) return;
        await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "line", connection, session, line: "QUIT :no longer used" }));
        await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "close", connection, session, force: false }));
      };
      quit().catch(() => undefined);
      this.s.log.info("closing a connection no user takes up any more", { connection, dropped: list.length });
    }
  }
}
