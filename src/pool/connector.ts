/**
 * A connection process (connector): holds IRC connections for the bridge, which talks to it over
 * Redis streams (protocol.ts), so the connections outlive a restart or upgrade of the bridge.
 *
 * Guarantees:
 * - Each "open" request on the shared stream is taken by exactly one connector (the consumer group
 *   "connectors"); several connectors share a network's users that way. A request for a connection
 *   another live connector holds is passed on to that one; a connection this one holds and has
 *   registered is resumed (resume.ts), never opened twice. A request older than the bridge waits
 *   for an answer (openTimeoutMs) is dropped: the bridge gave up on it.
 * - Entries for the bridge are written in the order they happened, per connection and overall (one
 *   writing Redis connection, commands in order).
 * - Which connector holds a connection is recorded (`<p>:owner`) with a lease (`<p>:alive:<id>`,
 *   renewed every third of leaseMs): when a connector dies, the bridge sees its lease expire and
 *   treats its connections as closed.
 * - Stopping quits every connection (QUIT, then close) and ends the lease at once.
 * - What the bridge wrote is deleted from Redis once read (registration lines carry the server
 *   password and SASL credentials, open requests a client certificate's key).
 * Not guaranteed: the request being read when the process dies is lost (the bridge times it out
 * and asks again).
 */
import { Redis } from "ioredis";
import type { Logger } from "winston";
import { errorText } from "../errors";
import type { TransportOptions } from "../irc/transport";
import { HeldConnection, type HeldEvents } from "./heldConnection";
import { CONNECTOR_GROUP, decodeOut, encodeIn, encodeOut, streamNames, type InEntry, type OpenRequest, type StreamNames } from "./protocol";
import { ensureGroup, redisClient, streamEntries } from "./streamReply";

export interface ConnectorSettings {
  readonly redisUrl: string;
  readonly prefix: string;
  /** This process's name among the connectors (unique while it runs). */
  readonly owner: string;
  readonly leaseMs: number;
  readonly openTimeoutMs: number;
  /** The transport options to dial a request with (its network's TLS, decoding, keepalive), or why not. */
  readonly dial: (request: OpenRequest) => TransportOptions | string;
  /** Quiet time after which a connection is pinged (the network's ping interval). */
  readonly keepAliveMs: number;
  readonly log: Logger;
}

/** Entries kept in an out stream (older ones are trimmed: a connector reads its own at once). */
const OUT_MAXLEN = 100000;
const BLOCK_MS = 2000;

export class Connector {
  private readonly held = new Map<string, HeldConnection>();
  private readonly names: StreamNames;
  private readonly writer: Redis;
  private readonly openReader: Redis;
  private readonly outReader: Redis;
  private running = false;
  private loops: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly s: ConnectorSettings) {
    this.names = streamNames(s.prefix);
    this.writer = redisClient(s.redisUrl, `ircbridge-connector-${s.owner}`);
    this.openReader = redisClient(s.redisUrl, `ircbridge-connector-${s.owner}-open`);
    this.outReader = redisClient(s.redisUrl, `ircbridge-connector-${s.owner}-out`);
  }

  /** How many connections it holds. */
  get size(): number {
    return this.held.size;
  }

  async start(): Promise<void> {
    await ensureGroup(this.writer, this.names.open, CONNECTOR_GROUP);
    await this.renewLease();
    this.running = true;
    // Lines sent to an earlier process of the same name were for connections that died with it.
    this.loops = [this.openLoop(), this.outLoop(`${Date.now()}-0`)];
    this.timer = setInterval(() => {
      void this.renewLease();
      const now = Date.now();
      for (const c of this.held.values()) c.keepAlive(now, this.s.keepAliveMs);
    }, Math.max(500, Math.floor(this.s.leaseMs / 3)));
    this.s.log.info("connection process started", { owner: this.s.owner, prefix: this.s.prefix });
  }

  async stop(reason: string): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.openReader.disconnect();
    this.outReader.disconnect();
    await Promise.allSettled(this.loops);
    for (const c of this.held.values()) c.quit(reason);
    // Let the QUITs and the close entries go out before the lease ends.
    await new Promise((r) => setTimeout(r, 200));
    await this.writer.del(this.names.alive(this.s.owner)).catch(() => undefined);
    await this.writer.quit().catch(() => undefined);
    this.s.log.info("connection process stopped", { owner: this.s.owner });
  }

  private async renewLease(): Promise<void> {
    try {
      await this.writer.set(this.names.alive(this.s.owner), String(Date.now()), "PX", this.s.leaseMs);
    } catch (err) {
      this.s.log.warn("cannot renew the connection process's lease in Redis", { error: errorText(err) });
    }
  }

  private async openLoop(): Promise<void> {
    while (this.running) {
      try {
        const reply = await this.openReader.call("XREADGROUP", "GROUP", CONNECTOR_GROUP, this.s.owner, "COUNT", "1", "BLOCK", String(BLOCK_MS), "STREAMS", this.names.open, ">");
        for (const entry of streamEntries(reply)) {
          const request = decodeOut(entry.fields);
          if (request?.t === "open") await this.openShared(request);
          await this.writer.call("XACK", this.names.open, CONNECTOR_GROUP, entry.id);
          // A request may carry a client certificate's key: it does not stay in Redis.
          await this.writer.call("XDEL", this.names.open, entry.id);
        }
      } catch (err) {
        if (!this.stopped()) await this.pause("cannot read open requests from Redis", err);
      }
    }
  }

  private async outLoop(from: string): Promise<void> {
    let last = from;
    while (this.running) {
      try {
        const reply = await this.outReader.call("XREAD", "COUNT", "500", "BLOCK", String(BLOCK_MS), "STREAMS", this.names.out(this.s.owner), last);
        const entries = streamEntries(reply);
        for (const entry of entries) {
          last = entry.id;
          const e = decodeOut(entry.fields);
          if (e === undefined) continue;
          if (e.t === "open") this.open(e);
          else if (e.t === "line") this.held.get(e.connection)?.write(e.session, e.line);
          else this.held.get(e.connection)?.close(e.session, e.force);
        }
        // Registration lines carry the server password and SASL credentials: read lines do not stay in Redis.
        if (entries.length > 0) await this.writer.call("XDEL", this.names.out(this.s.owner), ...entries.map((x) => x.id));
      } catch (err) {
        if (!this.stopped()) await this.pause("cannot read the bridge's lines from Redis", err);
      }
    }
  }

  /** Read through a call: a loop's `running` may change while it awaits. */
  private stopped(): boolean {
    return !this.running;
  }

  private async pause(what: string, err: unknown): Promise<void> {
    this.s.log.warn(what, { error: errorText(err) });
    await new Promise((r) => setTimeout(r, 1000));
  }

  /** An open request from the shared stream: passed on when another live connector holds the connection. */
  private async openShared(request: OpenRequest): Promise<void> {
    if (!this.held.has(request.connection)) {
      const owner = await this.writer.hget(this.names.owners, request.connection);
      if (owner !== null && owner !== this.s.owner && (await this.writer.exists(this.names.alive(owner))) === 1) {
        await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "open", ...request }));
        return;
      }
    }
    this.open(request);
  }

  private open(request: OpenRequest): void {
    const { connection, session } = request;
    if (Date.now() - request.at > this.s.openTimeoutMs) return;
    const existing = this.held.get(connection);
    if (existing !== undefined && existing.resumable) {
      this.s.log.info("a restarted bridge takes a connection over", { connection });
      existing.resume(session);
      return;
    }
    if (existing !== undefined) {
      this.held.delete(connection);
      existing.quit("reconnecting");
    }
    const options = this.s.dial(request);
    if (typeof options === "string") {
      this.s.log.warn("cannot open a connection", { connection, reason: options });
      this.send({ t: "close", connection, session, reason: options });
      return;
    }
    const events: HeldEvents = {
      toBridge: (e) => this.send(e.t === "open" ? { ...e, connection, owner: this.s.owner } : { ...e, connection }),
      gone: () => {
        if (this.held.get(connection) !== held) return;
        this.held.delete(connection);
        void this.writer.hdel(this.names.owners, connection).catch(() => undefined);
      },
    };
    const held = new HeldConnection(connection, session, options, events);
    this.held.set(connection, held);
    void this.writer.hset(this.names.owners, connection, this.s.owner).catch((err: unknown) => this.s.log.warn("cannot record a connection's owner in Redis", { connection, error: errorText(err) }));
  }

  private send(e: InEntry): void {
    this.writer.call("XADD", this.names.inbound, "*", ...encodeIn(e)).catch((err: unknown) => this.s.log.error("cannot hand a line to the bridge through Redis", { connection: e.connection, error: errorText(err) }));
  }
}
