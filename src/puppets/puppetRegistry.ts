/**
 * The Matrix users' IRC connections on one network: one per user, created on demand and reused for
 * all their rooms. A connection is usable (lines can be queued) the moment it is created; it
 * connects once the user's nick and username are known. Connections that are in no channel are
 * closed after the network's idle time by one periodic sweep (no timer per connection).
 */
import { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";
import type { PuppetStore } from "../store/store";
import { errorText } from "../errors";

export interface PuppetRegistryDeps {
  readonly network: NetworkContext;
  readonly store: PuppetStore;
  readonly identity: (userId: string) => Promise<{ nick: string; username: string }>;
  /** Called once per new connection, before it connects, so its events can be wired. */
  readonly attach: (connection: IrcConnection, userId: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
  readonly keepalive: { readonly pingIntervalS: number; readonly pingTimeoutS: number };
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
}

export type EnsureResult = { readonly ok: true; readonly connection: IrcConnection } | { readonly ok: false; readonly reason: string };

export class PuppetRegistry {
  private readonly connections = new Map<string, IrcConnection>();
  private readonly emptySince = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: PuppetRegistryDeps) {}

  get size(): number {
    return this.connections.size;
  }

  get(userId: string): IrcConnection | undefined {
    return this.connections.get(userId);
  }

  all(): IterableIterator<[string, IrcConnection]> {
    return this.connections.entries();
  }

  /** The user's connection, created (and connecting) if there is none; refused beyond the limit. */
  ensure(userId: string): EnsureResult {
    const existing = this.connections.get(userId);
    if (existing !== undefined && !existing.isClosed) return { ok: true, connection: existing };
    if (this.connections.size >= this.deps.network.limits.maxConnections) {
      return { ok: false, reason: `the bridge already has ${this.connections.size} connections to ${this.deps.network.name}, its limit` };
    }
    const { network } = this.deps;
    const connection = new IrcConnection({
      id: `${network.id}/${userId}`,
      server: network.server,
      realname: userId,
      pacing: network.pacing,
      keepalive: this.deps.keepalive,
      reconnect: this.deps.reconnect,
      clock: this.deps.clock,
    });
    this.connections.set(userId, connection);
    connection.on("closed", (e) => {
      if (!e.willReconnect && this.connections.get(userId) === connection) this.connections.delete(userId);
    });
    this.deps.attach(connection, userId);
    this.deps.identity(userId).then(
      (identity) => connection.start(identity),
      (err: unknown) => {
        this.deps.log.error("cannot work out the user's IRC identity", { user: userId, error: errorText(err) });
        connection.close("could not set up the connection");
      },
    );
    return { ok: true, connection };
  }

  /**
   * Reconnects the user at their request: a connection they have (connected, or waiting to
   * reconnect) is closed and a new one joins the same channels; without one, the channels stored
   * for them (a connection the server refused, say) are joined by a new connection. Says what it did.
   */
  async reconnect(userId: string): Promise<string> {
    const { network } = this.deps;
    const live = this.connections.get(userId);
    let channels: string[];
    if (live !== undefined && !live.isClosed) {
      channels = live.channelNames;
      live.close("reconnecting");
      this.connections.delete(userId);
      this.emptySince.delete(userId);
    } else {
      channels = [...((await this.deps.store.get(network.id, userId))?.channels ?? [])];
      if (channels.length === 0) return `You have no connection to ${network.name} to reconnect.`;
      if (this.connections.get(userId)?.isClosed === false) return `You are already connecting to ${network.name}.`;
    }
    const ensured = this.ensure(userId);
    if (!ensured.ok) return `Cannot reconnect you to ${network.name}: ${ensured.reason}.`;
    for (const channel of channels) ensured.connection.join(channel);
    const rejoining = channels.length === 0 ? "" : `, rejoining ${channels.length === 1 ? "1 channel" : `${channels.length} channels`}`;
    this.deps.log.info("reconnecting a user at their request", { user: userId, network: network.id });
    return `Reconnecting you to ${network.name}${rejoining}.`;
  }

  /** Remembers the user's channels so a restart rejoins them. */
  async persist(userId: string, nickNote?: string): Promise<void> {
    const connection = this.connections.get(userId);
    const record = await this.deps.store.get(this.deps.network.id, userId);
    if (connection === undefined || record === undefined) return;
    await this.deps.store.put({ ...record, nick: connection.nick, channels: connection.channelNames, nickNote: nickNote ?? record.nickNote });
  }

  /** Starts the periodic idle sweep. */
  startSweeping(everyMs = 10000): void {
    this.sweepTimer = setInterval(() => this.sweep(), everyMs);
    this.sweepTimer.unref();
  }

  sweep(): void {
    const idleMs = this.deps.network.limits.idleTimeoutMs;
    if (idleMs === 0) return;
    const now = this.deps.clock.now();
    for (const [userId, connection] of this.connections) {
      if (connection.channelNames.length > 0) {
        this.emptySince.delete(userId);
        continue;
      }
      const since = this.emptySince.get(userId);
      if (since === undefined) this.emptySince.set(userId, now);
      else if (now - since >= idleMs) {
        this.emptySince.delete(userId);
        this.deps.log.info("closing an idle connection (in no channel)", { user: userId, network: this.deps.network.id });
        connection.close("idle: in no channel");
        this.connections.delete(userId);
      }
    }
  }

  closeAll(reason: string): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    for (const connection of this.connections.values()) connection.close(reason);
    this.connections.clear();
  }
}
