/**
 * A connection process (connector): holds IRC connections for the bridge, which talks to it over
 * Redis streams (protocol.ts), so the connections outlive a restart or upgrade of the bridge.
 *
 * Guarantees:
 * - Each "open" request on the shared stream is taken by exactly one connector (the consumer group
 *   "connectors"); several connectors share a network's users that way. A request for a connection
 *   another live connector holds is passed on to that one; a connection this one holds and has
 *   registered is resumed (resume.ts), never opened twice, when the request asks for the same host,
 *   port, TLS, local address and client certificate; otherwise it is quit and dialed afresh. A request older than the bridge waits
 *   for an answer (openTimeoutMs) is dropped: the bridge gave up on it (aged by its stream id, i.e.
 *   Redis's clock, as is where the out stream is read from: no clock of another machine is trusted).
 * - At start, connections the owner record gives to this name (an earlier run of it, whose sockets
 *   died with it) are reported closed to the bridge, and their records deleted.
 * - Entries for the bridge are written in the order they happened, per connection and overall (one
 *   writing Redis connection, commands in order).
 * - Which connector holds a connection is recorded (`<p>:owner`) with a lease (`<p>:alive:<id>`,
 *   renewed every third of leaseMs): when a connector dies, the bridge sees its lease expire and
 *   treats its connections as closed.
 * - No connection is held by two connectors: the lease holds this run's random id and is renewed
 *   only while it still does (compare-and-set in Lua); a run whose lease was gone (a Redis outage
 *   longer than the lease: the bridge has judged it dead) fences itself off, QUITs everything it
 *   holds, and only then takes a new lease. A connection is claimed in `<p>:owner` (Lua: free, ours,
 *   or its owner's lease gone) before it is dialed, so two open requests in flight dial once: the
 *   loser passes its request on to the owner. The owner record is deleted only while it names this
 *   connector.
 * - Stopping quits every connection (QUIT, then close) and ends the lease at once.
 * - What the bridge wrote is deleted from Redis once read (registration lines carry the server
 *   password and SASL credentials, open requests a client certificate's key).
 * - The "connectors" group reads `<p>:open` from its start ("0"): a request written before any
 *   connector ran is read; a group Redis lost (NOGROUP) is created again the same way.
 * Not guaranteed: the request being read when the process dies is lost (the bridge times it out
 * and asks again).
 */
import { createHash, randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "winston";
import { errorText } from "../errors";
import type { TransportOptions } from "../irc/transport";
import { HeldConnection, type HeldEvents } from "./heldConnection";
import { ANY_SESSION, CONNECTOR_GROUP, decodeOut, encodeIn, encodeOut, streamNames, type InEntry, type OpenRequest, type StreamNames } from "./protocol";
import { ensureGroup, firstContact, isNoGroup, redisClient, streamEntries } from "./streamReply";

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

/** Renews the lease KEYS[1] for ARGV[2] ms only while it holds this run's id ARGV[1]: 1, else 0. */
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
/**
 * Claims connection ARGV[1] for owner ARGV[2] in the owner hash KEYS[1] when it is free, already
 * ours, or its owner's lease (ARGV[3] .. owner) is gone: returns "" then, else the live owner.
 */
const CLAIM =
  "local o = redis.call('HGET', KEYS[1], ARGV[1]) " +
  "if o == false or o == ARGV[2] or redis.call('EXISTS', ARGV[3] .. o) == 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return '' end " +
  "return o";
/** Deletes connection ARGV[1] from the owner hash KEYS[1] only while it names owner ARGV[2]. */
const RELEASE = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) else return 0 end";

/**
 * What a request asks to be dialed with: host, port, TLS, local address, and the client
 * certificate's fingerprint. A held connection is resumed only for a request asking for the same;
 * otherwise it is quit and the request dialed fresh.
 */
function dialKey(r: OpenRequest): string {
  const cert = r.tls && r.certificate !== undefined ? createHash("sha256").update(r.certificate.cert).digest("hex") : "";
  return JSON.stringify([r.host, r.port, r.tls, r.localAddress ?? "", cert]);
}

export class Connector {
  private readonly held = new Map<string, HeldConnection>();
  private readonly names: StreamNames;
  private readonly writer: Redis;
  private readonly openReader: Redis;
  private readonly outReader: Redis;
  private running = false;
  private loops: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** What each held connection was dialed with (dialKey): a resume must ask for the same. */
  private readonly dialedAs = new WeakMap<HeldConnection, string>();
  /** This run's id, held in its lease (a restarted process of the same name has another). */
  private readonly runId = randomBytes(12).toString("hex");

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
    await firstContact(this.writer, this.s.redisUrl);
    await ensureGroup(this.writer, this.names.open, CONNECTOR_GROUP, "0");
    await this.takeLease();
    await this.reportEarlierRun();
    this.running = true;
    // Lines sent to an earlier process of the same name were for connections that died with it
    // (read from Redis's clock: stream ids are Redis's, not this machine's).
    this.loops = [this.openLoop(), this.outLoop(`${await this.redisNow()}-0`)];
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

  /** Redis's clock (ms), which stream ids follow. */
  private async redisNow(): Promise<number> {
    const [seconds, micros] = await this.writer.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /**
   * Connections the owner record gives to this name were held by an earlier run of it (the default
   * name, host name and process id, repeats in containers): their sockets died with it, so the
   * bridge is told they are closed, and the records go.
   */
  private async reportEarlierRun(): Promise<void> {
    const owners = await this.writer.hgetall(this.names.owners);
    for (const [connection, owner] of Object.entries(owners)) {
      if (owner !== this.s.owner) continue;
      this.send({ t: "close", connection, session: ANY_SESSION, owner, reason: `the connection process ${owner} restarted` });
      await this.release(connection);
    }
  }

  private async takeLease(): Promise<void> {
    await this.writer.set(this.names.alive(this.s.owner), this.runId, "PX", this.s.leaseMs);
  }

  private async renewLease(): Promise<void> {
    let renewed: unknown;
    try {
      renewed = await this.writer.eval(RENEW, 1, this.names.alive(this.s.owner), this.runId, String(this.s.leaseMs));
    } catch (err) {
      this.s.log.warn("cannot renew the connection process's lease in Redis", { error: errorText(err) });
      return;
    }
    if (renewed === 1 || !this.running) return;
    // The bridge has judged this process dead and connects its users elsewhere: none of them may stay here.
    this.s.log.warn("the connection process's lease was lost (Redis unreachable longer than the lease?): quitting every connection it holds", { owner: this.s.owner, connections: this.held.size });
    const fenced = [...this.held.values()];
    this.held.clear();
    for (const c of fenced) c.quit("connection moved");
    for (const c of fenced) void this.release(c.id);
    try {
      await this.takeLease();
    } catch (err) {
      this.s.log.warn("cannot renew the connection process's lease in Redis", { error: errorText(err) });
    }
  }

  private release(connection: string): Promise<unknown> {
    return this.writer.eval(RELEASE, 1, this.names.owners, connection, this.s.owner).catch(() => undefined);
  }

  private async openLoop(): Promise<void> {
    while (this.running) {
      try {
        const reply = await this.openReader.call("XREADGROUP", "GROUP", CONNECTOR_GROUP, this.s.owner, "COUNT", "1", "BLOCK", String(BLOCK_MS), "STREAMS", this.names.open, ">");
        for (const entry of streamEntries(reply)) {
          try {
            const request = decodeOut(entry.fields);
            if (request?.t === "open" && (await this.fresh(entry.id))) await this.open(request);
          } finally {
            // A request may carry a client certificate's key: it does not stay in Redis, opened or not.
            await this.writer.call("XACK", this.names.open, CONNECTOR_GROUP, entry.id);
            await this.writer.call("XDEL", this.names.open, entry.id);
          }
        }
      } catch (err) {
        if (isNoGroup(err) && !this.stopped()) {
          this.s.log.warn("the open requests' consumer group is gone from Redis (did Redis lose its data?): creating it again");
          await ensureGroup(this.writer, this.names.open, CONNECTOR_GROUP, "0").catch(() => undefined);
        } else if (!this.stopped()) await this.pause("cannot read open requests from Redis", err);
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
          try {
            const e = decodeOut(entry.fields);
            if (e?.t === "open") {
              if (await this.fresh(entry.id)) await this.open(e);
            } else if (e !== undefined) {
              const held = this.held.get(e.connection);
              // ANY_SESSION: the bridge closes a connection no user took up again, whatever its session.
              const session = e.session === ANY_SESSION ? held?.session : e.session;
              if (held !== undefined && session !== undefined) {
                if (e.t === "line") held.write(session, e.line);
                else held.close(session, e.force);
              }
            }
          } finally {
            // Registration lines carry the server password and SASL credentials: read lines do not stay in Redis.
            await this.writer.call("XDEL", this.names.out(this.s.owner), entry.id);
          }
        }
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

  /**
   * An open request (from the shared stream, or passed on to this connector): resumed, or dialed
   * once this connector holds the claim; passed on when another live connector holds the connection.
   */
  /** Whether a request, by its stream id (Redis's clock), is younger than the bridge's wait for an answer. */
  private async fresh(id: string): Promise<boolean> {
    return (await this.redisNow()) - Number(id.split("-")[0]) <= this.s.openTimeoutMs;
  }

  private async open(request: OpenRequest): Promise<void> {
    const { connection, session } = request;
    const existing = this.held.get(connection);
    const dialed = dialKey(request);
    if (existing !== undefined && existing.resumable && this.dialedAs.get(existing) === dialed) {
      this.s.log.info("a restarted bridge takes a connection over", { connection });
      existing.resume(session);
      return;
    }
    const owner: unknown = await this.writer.eval(CLAIM, 1, this.names.owners, connection, this.s.owner, this.names.alive(""));
    if (typeof owner === "string" && owner !== "") {
      if (existing !== undefined) {
        this.held.delete(connection);
        existing.quit("connection moved");
      }
      await this.writer.call("XADD", this.names.out(owner), "MAXLEN", "~", String(OUT_MAXLEN), "*", ...encodeOut({ t: "open", ...request }));
      return;
    }
    if (existing !== undefined) {
      this.held.delete(connection);
      existing.quit("reconnecting");
    }
    const options = this.s.dial(request);
    if (typeof options === "string") {
      this.s.log.warn("cannot open a connection", { connection, reason: options });
      await this.release(connection);
      this.send({ t: "close", connection, session, reason: options });
      return;
    }
    const events: HeldEvents = {
      toBridge: (e) => this.send(e.t === "open" ? { ...e, connection, owner: this.s.owner } : { ...e, connection }),
      gone: () => {
        if (this.held.get(connection) !== held) return;
        this.held.delete(connection);
        void this.release(connection);
      },
    };
    const held = new HeldConnection(connection, session, options, events);
    this.held.set(connection, held);
    this.dialedAs.set(held, dialed);
  }

  private send(e: InEntry): void {
    this.writer.call("XADD", this.names.inbound, "*", ...encodeIn(e)).catch((err: unknown) => this.s.log.error("cannot hand a line to the bridge through Redis", { connection: e.connection, error: errorText(err) }));
  }
}
