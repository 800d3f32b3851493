/**
 * The Matrix users' IRC connections on one network: one per user, created on demand and reused for
 * all their rooms. A connection is usable (lines can be queued) the moment it is created; it
 * connects, when the network's connect scheduler gives it a turn, once the user's nick and username
 * are known. One periodic sweep (no timer per connection) closes connections that are in no
 * channel after the idle time, and those of users inactive beyond the inactivity limit. Every
 * connection closed by the bridge is reported (`dropped`) with a reason the user is shown.
 *
 * `ensure` is the one gate to a connection (room joins, messages, admin commands, reconnects after a
 * restart all pass it). It refuses, with a reason for the user: whoever the access policy refuses
 * (src/access/: excluded, denied, banned; a connection such a user still has is closed), a user who
 * left with !quit (until they !reconnect, across restarts: the choice is stored with their record
 * and loaded before anyone is reconnected), and any new user while the network is at its connection
 * limit. The limit protects the users who are connected: a new user never evicts anyone, they are
 * told the bridge is full and get in once a connection closes (idle, inactive, or its user left).
 */
import type { ReadPauses } from "../irc/readPauses";
import type { AccessPolicy } from "../access/accessPolicy";
import { IrcConnection, type ChannelKeyBook, type ConnectGate, type ConnectionIdentity } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";
import type { PuppetRecord, PuppetStore } from "../store/store";
import { errorText } from "../errors";
import { userFace } from "./puppetFace";
import { serialized } from "./identity";
import { ListedChannels } from "./listedChannels";
import { Typists } from "./typists";

export interface PuppetRegistryDeps {
  readonly network: NetworkContext;
  readonly store: PuppetStore;
  readonly identity: (userId: string) => Promise<ConnectionIdentity>;
  /** Called once per new connection, before it connects, so its events can be wired. */
  readonly attach: (connection: IrcConnection, userId: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
  /** The network's connect scheduler. */
  readonly gate: ConnectGate;
  /** The bridge closed a user's connection (idle, inactive, refused by the access policy): tell them why. */
  readonly dropped: (userId: string, reason: string) => void;
  /** Who may use the bridge (src/access/). */
  readonly access: AccessPolicy;
  /** Each user's own channel keys, for their joins and rejoins that bring none. */
  readonly keys?: (userId: string) => ChannelKeyBook;
  /** The user left the network with !quit, out of these channels. */
  readonly quitted?: (userId: string, channels: readonly string[]) => void;
  /** Whether the broker already has a channel line (by msgid) from another connection than this one (networkFeed.ts). */
  readonly heardElsewhere?: (connectionId: string, channel: string, msgid: string) => boolean;
  /** Whether the feed has a channel's members from its reader, so this connection's NAMES of it would be dropped (networkFeed.ts). */
  readonly namesElsewhere?: (connectionId: string, channel: string) => boolean;
  /** The network's pauses for connections that hear only copies (irc/readPauses.ts). */
  readonly readPauses?: ReadPauses;
}

/**
 * `why`: the access policy's verdict (excluded, denied, banned), the connection limit was reached,
 * or the user left with !quit. Bounded: it labels a metric.
 */
export type EnsureResult =
  | { readonly ok: true; readonly connection: IrcConnection }
  | { readonly ok: false; readonly reason: string; readonly why: "excluded" | "denied" | "banned" | "limit" | "quit" };

/** Why a new user gets no connection while the network is at its connection limit. */
export function fullReason(network: { readonly name: string; readonly limits: { readonly maxConnections: number } }): string {
  return `the bridge is full: it already has ${network.limits.maxConnections} connections to ${network.name}, its limit. No one is disconnected to make room; try again later (a connection frees up when its user leaves or goes idle)`;
}

/** Why a user who left with !quit has no connection, and how to come back. */
export function quitReason(network: { readonly id: string; readonly name: string }): string {
  return `you left ${network.name} with !quit; send !reconnect ${network.id} in your admin room with the bridge bot to connect again`;
}

/** Activity of a user without a connection is kept this long (a refused user who speaks again is recent). */
const STALE_ACTIVITY_MS = 3600000;

export class PuppetRegistry {
  private readonly connections = new Map<string, IrcConnection>();
  private readonly emptySince = new Map<string, number>();
  /** When each user last did something through the bridge (LRU order: oldest first). */
  private readonly lastActive = new Map<string, number>();
  /** Users who left with !quit (loaded from the store, and kept there). */
  private readonly quitUsers = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Each channel's users whose connection lists it (in it or rejoining), kept as the lists change. */
  private readonly listed = new ListedChannels<readonly [string, IrcConnection]>();
  /** Who was said to be typing where (fromMatrix/typing.ts). */
  readonly typists = new Typists();

  constructor(private readonly deps: PuppetRegistryDeps) {}

  get size(): number {
    return this.connections.size;
  }

  /** Reads who left with !quit; call before the first ensure. */
  async load(): Promise<void> {
    for (const record of await this.deps.store.all(this.deps.network.id)) if (record.quit === true) this.quitUsers.add(record.userId);
  }

  hasQuit(userId: string): boolean {
    return this.quitUsers.has(userId);
  }

  get(userId: string): IrcConnection | undefined {
    return this.connections.get(userId);
  }

  /** What is stored for the user on this network (their nick, chosen nick, username, channels). */
  stored(userId: string): Promise<PuppetRecord | undefined> {
    return this.deps.store.get(this.deps.network.id, userId);
  }

  all(): IterableIterator<[string, IrcConnection]> {
    return this.connections.entries();
  }

  /**
   * The users whose connection is in the channel or rejoining it (a name in its channelNames that
   * folds as the channel does): the answer of a pass over all() and every channel they list, at the
   * cost of the channel's own members (listedChannels.ts).
   */
  inChannel(channel: string): (readonly [string, IrcConnection])[] {
    return this.listed.in(channel, (name) => this.deps.network.channels.fold(name));
  }

  /** The user did something through the bridge (sent a message, joined): they connect first, and are not inactive. */
  touch(userId: string): void {
    this.lastActive.delete(userId);
    this.lastActive.set(userId, this.deps.clock.now());
  }

  /**
   * Something went through the user's connection that is not in a channel (a private message, either
   * way): a connection in no channel is not idle while that goes on, its idle time starts again.
   */
  busy(userId: string): void {
    this.emptySince.delete(userId);
  }

  /**
   * The user's connection, created (and connecting) if there is none. Refused for a user the access
   * policy refuses (their connection, if any, is closed and they are told why), for a user who left
   * with !quit, and for a new user at the connection limit (no one else's connection is closed).
   */
  ensure(userId: string): EnsureResult {
    const { network } = this.deps;
    const verdict = this.deps.access.check(userId);
    if (!verdict.ok) {
      this.drop(userId, "refused by the bridge's access policy", verdict.reason);
      return { ok: false, reason: verdict.reason, why: verdict.why };
    }
    if (this.quitUsers.has(userId)) return { ok: false, reason: quitReason(network), why: "quit" };
    const existing = this.connections.get(userId);
    if (existing !== undefined && !existing.isClosed) return { ok: true, connection: existing };
    if (existing === undefined && this.connections.size >= network.limits.maxConnections) return { ok: false, reason: fullReason(network), why: "limit" };
    if (!this.lastActive.has(userId)) this.lastActive.set(userId, this.deps.clock.now());
    const face = userFace(network.face, userId);
    const id = `${network.id}/${userId}`;
    const { heardElsewhere: elsewhere, namesElsewhere } = this.deps;
    const connection = new IrcConnection({
      id,
      ...(elsewhere === undefined ? {} : { heardElsewhere: (channel: string, msgid: string) => elsewhere(id, channel, msgid) }),
      ...(namesElsewhere === undefined ? {} : { namesElsewhere: (channel: string) => namesElsewhere(id, channel) }),
      server: face.bindAddress === undefined ? network.server : { ...network.server, bindAddress: face.bindAddress },
      realname: face.realname,
      ...(face.webirc === undefined ? {} : { webirc: face.webirc }),
      ...(network.userModes === undefined ? {} : { userModes: network.userModes }),
      nicklen: () => network.nickLimits.nicklen,
      pacing: network.pacing,
      keepalive: network.keepalive,
      readPauses: this.deps.readPauses,
      reconnect: network.reconnect,
      gate: this.deps.gate,
      priority: () => this.lastActive.get(userId) ?? 0,
      clock: this.deps.clock,
      keys: this.deps.keys?.(userId),
    });
    this.connections.set(userId, connection);
    const entry = [userId, connection] as const;
    connection.on("channelListed", (name, inList) => {
      // A closed connection is no one's in any channel (it was dropped from the index as it closed).
      if (connection.isClosed) return;
      if (inList) this.listed.listed(entry, name);
      else this.listed.unlisted(entry, name);
    });
    connection.on("closed", (e) => {
      // Closed for good, whoever closed it: out of every channel's list (it left all(), or is leaving it now).
      if (!e.willReconnect) this.listed.drop(entry, connection.channelNames);
      if (!e.willReconnect && this.connections.get(userId) === connection) {
        this.connections.delete(userId);
        this.forget(userId);
      }
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
   * Closes the user's connection and opens a new one in the same channels (or in the channels saved
   * for them, when the bridge had closed it or they had quit). Ends a !quit. Says what happened.
   */
  async reconnect(userId: string): Promise<string> {
    const { network, store } = this.deps;
    const wasQuit = this.quitUsers.delete(userId);
    const record = await store.get(network.id, userId);
    if (record?.quit === true) await store.put({ ...record, quit: false });
    const current = this.connections.get(userId);
    const channels = current !== undefined && !current.isClosed ? current.channelEntries : (record?.channels ?? []).map((name) => ({ name, key: undefined }));
    if (current !== undefined) {
      this.connections.delete(userId);
      this.emptySince.delete(userId);
      current.close("reconnecting at the user's request");
    }
    if (channels.length === 0 && current === undefined) {
      return wasQuit
        ? `You are no longer quit from ${network.name}. You were in no channel: a message in one of its rooms, or !join, connects you.`
        : `You have no connection to ${network.name} to reconnect.`;
    }
    this.touch(userId);
    const ensured = this.ensure(userId);
    if (!ensured.ok) return `Cannot reconnect you to ${network.name}: ${ensured.reason}.`;
    for (const channel of channels) ensured.connection.join(channel.name, channel.key);
    this.deps.log.info("reconnecting a user at their request", { user: userId, network: network.id });
    const rejoining = channels.length === 0 ? "" : `, rejoining ${channels.length === 1 ? "1 channel" : `${channels.length} channels`}`;
    return `Reconnecting you to ${network.name}${rejoining}.`;
  }

  /**
   * Closes the user's connection and keeps them disconnected, across restarts, until !reconnect.
   * Their channels are kept for then. Says what happened.
   */
  async quit(userId: string): Promise<string> {
    const { network, store } = this.deps;
    const comeBack = `send !reconnect ${network.id} to connect again`;
    if (this.quitUsers.has(userId)) return `You already left ${network.name} with !quit; ${comeBack}.`;
    const current = this.connections.get(userId);
    // Refuse new connections at once, before anything is awaited.
    this.quitUsers.add(userId);
    if (current !== undefined) {
      this.connections.delete(userId);
      this.emptySince.delete(userId);
      current.close("quit at the user's request");
    }
    const record = await store.get(network.id, userId);
    if (record === undefined && current === undefined) {
      this.quitUsers.delete(userId);
      return `You have no connection to ${network.name}.`;
    }
    const channels = current?.channelNames ?? record?.channels ?? [];
    this.deps.quitted?.(userId, channels);
    if (record !== undefined) await store.put({ ...record, nick: current?.nick ?? record.nick, channels, quit: true });
    this.deps.log.info("a user quit the network", { user: userId, network: network.id });
    const kept = channels.length === 0 ? "" : ` Your ${channels.length === 1 ? "channel is" : `${channels.length} channels are`} kept for then.`;
    const was = current === undefined ? "You were not connected; you" : "You are disconnected and";
    return `${was} will stay so, even after a bridge restart, until you ${comeBack}; meanwhile your messages in ${network.name}'s rooms are not sent to IRC.${kept}`;
  }

  /**
   * Remembers the user's nick and channels so a restart rejoins them. Nothing is written when the
   * record already holds them (a new user's connection registering with the nick and channel it
   * was created with: one write fewer per user).
   */
  async persist(userId: string, nickNote?: string): Promise<void> {
    // Read and written in the store's serialized chain, so it never writes an older copy over a
    // change made meanwhile (the chosen nick !nick stores right after the NICK echo that calls this).
    await serialized(this.deps.store, async () => {
      const connection = this.connections.get(userId);
      const record = await this.deps.store.get(this.deps.network.id, userId);
      if (connection === undefined || record === undefined) return;
      const nick = connection.nick;
      const channels = connection.channelNames;
      const note = nickNote ?? record.nickNote;
      if (record.nick === nick && record.nickNote === note && sameList(record.channels, channels)) return;
      await this.deps.store.put({ ...record, nick, channels, nickNote: note });
    });
  }

  /** Starts the periodic sweep (idle and inactive connections, messages waiting too long). */
  startSweeping(everyMs = 1000): void {
    this.sweepTimer = setInterval(() => this.sweep(), everyMs);
    this.sweepTimer.unref();
  }

  sweep(): void {
    const { idleTimeoutMs: idleMs, inactiveMs } = this.deps.network.limits;
    const now = this.deps.clock.now();
    this.pruneStale(now);
    for (const connection of this.connections.values()) connection.expire();
    if (inactiveMs > 0) {
      for (const [userId, since] of this.lastActive) {
        if (now - since < inactiveMs) break; // oldest first: the rest are more recent
        if (this.connections.has(userId)) {
          this.drop(userId, "inactive", `you sent nothing through the bridge for ${describe(inactiveMs)}. Your channels are kept: send !reconnect, or a message, to come back`);
        }
      }
    }
    if (idleMs === 0) return;
    for (const [userId, connection] of this.connections) {
      if (connection.channelCount > 0) {
        this.emptySince.delete(userId);
        continue;
      }
      const since = this.emptySince.get(userId);
      if (since === undefined) this.emptySince.set(userId, now);
      else if (now - since >= idleMs) {
        this.emptySince.delete(userId);
        this.drop(userId, "idle: in no channel", `it was in no channel for ${describe(idleMs)}`);
      }
    }
  }

  /**
   * The access policy changed (a ban list added a rule): closes the connections of the users it now
   * refuses, telling each why. Returns how many were closed.
   */
  enforceAccess(): number {
    let closed = 0;
    for (const userId of [...this.connections.keys()]) {
      const verdict = this.deps.access.check(userId);
      if (verdict.ok) continue;
      this.drop(userId, "refused by the bridge's access policy", verdict.reason);
      closed++;
    }
    return closed;
  }

  private drop(userId: string, quit: string, reason: string): void {
    const connection = this.connections.get(userId);
    if (connection === undefined) return;
    this.connections.delete(userId);
    this.forget(userId);
    this.deps.log.info("closing a connection", { user: userId, network: this.deps.network.id, reason });
    connection.close(quit);
    this.deps.dropped(userId, `Your connection to ${this.deps.network.name} was closed: ${reason}.`);
  }

  /** Channels some connection lists (tests: it empties as connections close). */
  get channelsListed(): number {
    return this.listed.size;
  }

  /** Users with activity or idle time on record (tests: it shrinks as connections go away). */
  get tracked(): number {
    return this.lastActive.size + this.emptySince.size;
  }

  /** A user's connection went away: what was kept about it goes too (a new one starts afresh). */
  private forget(userId: string): void {
    this.emptySince.delete(userId);
    this.lastActive.delete(userId);
  }

  /**
   * Activity of users who have no connection (they spoke while refused, at the limit or after
   * !quit) is forgotten after STALE_ACTIVITY_MS, oldest first, so the map does not grow with every
   * user who ever spoke.
   */
  private pruneStale(now: number): void {
    for (const [userId, since] of this.lastActive) {
      if (now - since < STALE_ACTIVITY_MS) break; // oldest first: the rest are more recent
      if (!this.connections.has(userId)) this.lastActive.delete(userId);
    }
  }

  /** Closes every connection (QUIT with `reason`); resolves once the server closed each one's socket (IrcConnection.whenGone). */
  closeAll(reason: string): Promise<void> {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    const gone: Promise<void>[] = [];
    for (const connection of this.connections.values()) {
      connection.close(reason);
      gone.push(connection.whenGone());
    }
    this.connections.clear();
    this.lastActive.clear();
    this.emptySince.clear();
    return Promise.all(gone).then(() => undefined);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function describe(ms: number): string {
  if (ms % 3600000 === 0) return `${ms / 3600000} h`;
  if (ms % 60000 === 0) return `${ms / 60000} min`;
  return `${Math.round(ms / 1000)} s`;
}
