import type { MessageLog } from "../rooms/messageLog";
/**
 * One IRC network wired up: its users' connections (PuppetRegistry), the bridge bot's connection
 * when enabled (IrcBot), the feed into the event broker, and the IRC -> Matrix handlers (channel
 * events, and private messages to a user's connection). Also what happens around a connection's
 * life: the nick it got and why, rejoining after a restart, filling the gap a restart left
 * (chathistory where the server offers it, else a notice saying when the bridge was away), and
 * what it does on entering and leaving a channel so the rooms follow the channel's modes
 * (channelWatch.ts).
 */
import { ReadPauses } from "../irc/readPauses";
import type { AccessPolicy } from "../access/accessPolicy";
import { NetworkFeed } from "../broker/networkFeed";
import type { IrcContext } from "../fromIrc/context";
import { channelLeft, onChannelModes } from "../fromIrc/channelModes";
import { fillRoom, onNames } from "../fromIrc/names";
import { onPrivateMessage, senderRegistered } from "../fromIrc/privateMessage";
import { routeIrcEvent } from "../fromIrc/router";
import type { ConnectionIdentity, IrcConnection } from "../irc/connection";
import type { MessageEvent } from "../irc/events";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { puppetIdentity, templateNick } from "../puppets/identity";
import { PuppetRegistry, type EnsureResult } from "../puppets/puppetRegistry";
import { PuppetSettings } from "../puppets/puppetSettings";
import { BOT_KEY_OWNER, type ChannelKeys } from "../rooms/channelKeys";
import type { RoomAccess } from "../rooms/roomAccess";
import type { RoomIndex } from "../rooms/roomIndex";
import type { RoomQueues } from "../rooms/roomQueues";
import type { PendingSends } from "../rooms/pendingSends";
import type { PuppetRecord, RoomRecord, Store } from "../store/store";
import { logWriteFailure } from "../store/writeWatch";
import { noteMatrixTopic } from "../fromIrc/topic";
import { ChannelWatch } from "./channelWatch";
import { ChannelMarks } from "./channelMarks";
import { readPortalModes } from "./portalModes";
import type { ModeReading } from "../rooms/portalAccess";
import { GapFiller } from "./gapFiller";
import { NetworkNicks } from "./networkNicks";
import { ircContextOf } from "./ircContextOf";
import { ConnectScheduler } from "../irc/connectScheduler";
import { ConnectionNews } from "./connectionNews";
import { IrcBot } from "./ircBot";
import { NetworkTrouble } from "./networkTrouble";
import type { BotMessage } from "../provisioning/botInbox";
import type { ChannelActors } from "../fromMatrix/context";
import { quitReason } from "../rooms/removalReasons";
import { USER_CONNECTION_EVENTS, userConnectionEvents, type UserConnectionEvents } from "./userConnectionEvents";
import { waitAtMost } from "../util/waitAtMost";

export interface NetworkBridgeDeps {
  readonly network: NetworkContext;
  readonly store: Store;
  readonly rooms: RoomIndex;
  readonly queues: RoomQueues;
  readonly sends: PendingSends;
  /** The last messages bridged in each room, both ways (rooms/messageLog.ts). */
  readonly messages: MessageLog;
  readonly ghosts: Ghosts;
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Tells a user something about their connection, in their admin room. */
  readonly notify: (userId: string, text: string) => void;
  /** How a user logs in on this network: their stored account and password (!storepass), their client certificate (!certfp), opened from their record as the identity read it. */
  readonly credentials: (record: PuppetRecord) => Pick<ConnectionIdentity, "auth" | "certificate"> | undefined;
  /** The private-message rooms (src/pms/). */
  readonly pms: IrcContext["pms"];
  /** Room settings that follow channel modes (power levels, join rule, directory). */
  readonly access: RoomAccess;
  /** Each connection's own channel keys (sealed at rest). */
  readonly keys: ChannelKeys;
  /** A notice from the bot in a room. */
  readonly notice: (roomId: string, text: string) => void;
  /** Who may use the bridge (src/access/): checked by every PuppetRegistry.ensure. */
  readonly accessPolicy: AccessPolicy;
  /** The bridge's version (CTCP VERSION replies; "unknown" when not given). */
  readonly version?: string;
  /** Private messages to the IRC bot (provisioning/botInbox.ts); ignored when not given. */
  readonly botHeard?: (message: BotMessage) => void;
  /** A user's new connection, for more wiring (compose/invites.ts: its INVITEs, which reach it alone). */
  readonly attached?: (bridge: NetworkBridge, connection: IrcConnection, userId: string) => void;
}

export class NetworkBridge {
  readonly puppets: PuppetRegistry;
  /** What users chose for their next connection (nick, username). */
  readonly settings: PuppetSettings;
  readonly feed: NetworkFeed;
  readonly scheduler: ConnectScheduler;
  /** Connections that hear only copies read their sockets at its ticks (irc/readPauses.ts). */
  private readonly readPauses: ReadPauses;
  /** The bridge bot's own connection, when the network has one (bot.enabled). */
  readonly bot: IrcBot | undefined;
  /** The connections that may act in the network's channels for Matrix moderators. */
  readonly actors: ChannelActors;
  /** Who is who on this network (puppet nicks, ghosts), for mentions. */
  readonly nicks: NetworkNicks;
  private readonly ctx: IrcContext;
  /** The displayname a Matrix join just reported, for the identity of the connection it creates (joinedInMatrix). */
  private nameAtJoin: { readonly userId: string; readonly name: string } | undefined;
  /** Connection id -> its user, while the connection lives (removed when it closes for good). */
  private readonly userByConnection = new Map<string, string>();
  private readonly marks: ChannelMarks;
  private readonly gaps: GapFiller;
  private seenTimer: NodeJS.Timeout | undefined;
  private readonly news: ConnectionNews;
  private readonly trouble: NetworkTrouble;
  /** Users' connections registered with the server right now (ids). */
  private readonly registered = new Set<string>();
  private readonly watch: ChannelWatch;
  /** What the bridge does with each user's connection's events (userConnectionEvents.ts): one table for all of them. */
  private readonly userEvents: UserConnectionEvents;

  constructor(private readonly deps: NetworkBridgeDeps) {
    const { network, log, metrics } = deps;
    this.feed = new NetworkFeed(
      network,
      {
        deliver: (item) => routeIrcEvent(item, this.ctx),
        names: (_connection, e) => onNames(e, this.ctx),
        channelModes: (_connection, e) => onChannelModes(e, this.ctx),
        // The rooms keep their join rule when the bridge leaves (channelWatch.ts); listed portals come out of the directory.
        channelEmpty: (folded) => channelLeft(this.ctx, folded),
        privateMessage: (connection, e) => this.privateMessage(connection, e),
        selfJoined: (connection, channel, resumed) => {
          this.gaps.joined(connection, channel, resumed);
          this.watch.joined(connection, channel);
          const userId = this.userByConnection.get(connection.id);
          if (userId !== undefined) this.ctx.removals.joined(userId, this.roomIdsOf(channel), channel);
        },
        handover: () => metrics.brokerHandovers.inc({ network: network.id }),
        duplicate: () => metrics.brokerDuplicates.inc({ network: network.id }),
      },
      deps.clock,
      { windowMs: 120000, graceMs: 3000 },
    );
    this.watch = new ChannelWatch({ feed: this.feed, ctx: () => this.ctx });
    this.nicks = new NetworkNicks({
      puppetOfNick: (nick) => this.userOfNick(nick),
      puppetNick: (userId) => this.puppets.get(userId)?.nick,
      isOurs: (nick) => this.feed.isOurs(nick),
      present: (nick) => this.feed.roster.spelling(nick),
      ghostUserId: (nick) => network.ids.ghostUserId(nick),
      nickOfGhost: (userId) => network.ids.nickOfGhost(userId),
      nickTemplate: network.nickTemplate,
    });
    this.ctx = ircContextOf(deps, {
      feed: this.feed,
      nicks: this.nicks,
      userOfNick: (nick) => this.userOfNick(nick),
      puppetsIn: (channel) => this.puppets.inChannel(channel).map(([userId, connection]) => ({ userId, nick: connection.nick, hostmask: connection.hostmask })),
      busy: (userId) => this.puppets.busy(userId),
      markDelivered: (channel, time, msgid) => this.markDelivered(channel, time, msgid),
      keyHeard: (channel, key) => this.keyHeard(channel, key),
    });
    this.marks = new ChannelMarks({ networkId: network.id, store: deps.store.marks, rooms: deps.rooms, feed: this.feed, clock: deps.clock, log });
    this.gaps = new GapFiller({
      feed: this.feed,
      rooms: deps.rooms,
      queues: deps.queues,
      api: deps.api,
      botUserId: deps.botUserId,
      network,
      marks: this.marks.byChannel,
      clock: deps.clock,
      log,
    });
    this.news = new ConnectionNews(network.name, deps.notify, deps.clock, undefined, network.sendSuccessNotices);
    this.trouble = new NetworkTrouble({ network, news: this.news, notify: deps.notify, log, metrics, connections: () => this.puppets.all() });
    this.scheduler = new ConnectScheduler(network.connect, this.trouble, deps.clock);
    this.readPauses = new ReadPauses(network.readPauseMs, deps.clock, (count) => metrics.readsPutOff.inc({ network: network.id }, count));
    // The nick directory learns each user's display name and stored nick as their identity is worked out.
    const displayname = async (userId: string, atJoin: string | undefined) => {
      const name = atJoin ?? (await deps.api.displayname(userId));
      this.nicks.noteDisplayName(userId, name);
      return name;
    };
    const identity = async (userId: string) => {
      // Taken before the first await: ensure() asks for the identity at once, while joinedInMatrix holds the name.
      const atJoin = this.nameAtJoin?.userId === userId ? this.nameAtJoin.name : undefined;
      const picked = await puppetIdentity(network, userId, deps.store.puppets, () => displayname(userId, atJoin));
      this.nicks.noteStoredNick(userId, picked.nick);
      return picked;
    };
    const nickStored = (userId: string, nick: string) => this.nicks.noteStoredNick(userId, nick);
    const templateNickOf = async (userId: string) => templateNick(network, userId, await displayname(userId, undefined));
    this.settings = new PuppetSettings({ networkId: network.id, store: deps.store.puppets, identity, templateNick: templateNickOf, nickStored });
    // Each connection joins with its own keys only (rooms/channelKeys.ts).
    const keyBook = (owner: string) => deps.keys.book(network.id, owner, network.channels);
    this.puppets = new PuppetRegistry({
      network,
      store: deps.store.puppets,
      identity: async (userId) => {
        const { nick, username, record } = await identity(userId);
        return { nick, username, ...deps.credentials(record) };
      },
      attach: (connection, userId) => this.attach(connection, userId),
      clock: deps.clock,
      log,
      gate: this.scheduler,
      dropped: (userId, text) => deps.notify(userId, text),
      access: deps.accessPolicy,
      keys: keyBook,
      quitted: (userId, channels) => {
        if (network.kickOn.userQuit) this.removeFromChannels(userId, channels, quitReason(network.name, network.id));
      },
      heardElsewhere: (connectionId, channel, msgid) => this.feed.heardElsewhere(connectionId, channel, msgid),
      namesElsewhere: (connectionId, channel) => this.feed.namesElsewhere(connectionId, channel),
      readPauses: this.readPauses,
    });
    this.bot = network.bot.enabled
      ? new IrcBot({
          network,
          botUserId: deps.botUserId,
          gate: this.scheduler,
          keys: keyBook(BOT_KEY_OWNER),
          clock: deps.clock,
          log,
          readPauses: this.readPauses,
          channels: () => deps.rooms.all().filter((r) => this.botBelongsIn(r)).map((r) => r.channel),
          attach: (connection) => {
            this.feed.attach(connection, true);
            this.trouble.watch(connection);
          },
        })
      : undefined;
    deps.rooms.onAdded((room) => {
      if (this.botBelongsIn(room)) this.bot?.join(room.channel);
      // A room linked at runtime catches up with the channel as a new portal does (Portals calls roomAdded itself).
      if (room.origin === "linked" && room.network === network.id) this.watch.roomAdded(room);
    });
    this.actors = {
      puppet: (userId) => this.puppets.get(userId),
      bot: () => this.bot?.connection,
      inChannel: (channel) => this.puppets.inChannel(channel).map(([userId, connection]) => ({ userId, connection })),
    };
    this.userEvents = userConnectionEvents({
      deps,
      news: this.news,
      ctx: this.ctx,
      fold: (name) => this.feed.fold(name),
      persist: (userId, note) => this.persist(userId, note),
      registered: (connectionId, up) => {
        if (up) this.registered.add(connectionId);
        else this.registered.delete(connectionId);
        this.countConnections();
      },
      removeFromChannels: (userId, channels, reason) => this.removeFromChannels(userId, channels, reason),
      closedForGood: (connectionId) => this.userByConnection.delete(connectionId),
    });
  }

  /**
   * The channel's key (undefined: none) was heard: by each of our connections in the channel (the
   * broker's members: the event is delivered once, but every member heard it). No connection outside it learns it.
   */
  private keyHeard(channel: string, key: string | undefined): void {
    const { keys, network } = this.deps;
    const folded = this.feed.fold(channel);
    const bot = this.bot?.connection;
    if (bot !== undefined && this.feed.broker.isMember(folded, bot.id)) keys.heard(network.id, BOT_KEY_OWNER, network.channels, channel, key);
    for (const id of this.feed.broker.membersOf(folded)) {
      const userId = this.userByConnection.get(id);
      if (userId !== undefined) keys.heard(network.id, userId, network.channels, channel, key);
    }
  }

  /** The user whose connection holds the nick on the server now (two map reads; the bot's nick: undefined). */
  userOfNick(nick: string): string | undefined {
    const id = this.feed.ownerOf(nick);
    return id === undefined ? undefined : this.userByConnection.get(id);
  }

  /** See NetworkRuntime.joinedInMatrix: the join's displayname and membership are known, not read. */
  joinedInMatrix(roomId: string, userId: string, displayname: string | undefined): EnsureResult {
    this.ctx.removals.knownJoined(roomId, userId);
    this.nameAtJoin = displayname === undefined ? undefined : { userId, name: displayname };
    try {
      return this.puppets.ensure(userId);
    } finally {
      this.nameAtJoin = undefined;
    }
  }

  /** A Matrix user set a room's topic: when IRC echoes it, it is not set on the room again. */
  noteTopic(roomId: string, topic: string): void {
    noteMatrixTopic(this.ctx.topics, roomId, topic);
  }

  /**
   * A room was bridged to a channel (a portal created; `replacing` another room: an upgrade): when the
   * bridge is in the channel already, the room gets the members' power levels and the channel's modes
   * at once (and, replacing, the members' ghosts: no NAMES will come for it).
   */
  roomAdded(room: RoomRecord, replacing = false): void {
    if (replacing) fillRoom(this.ctx, room);
    this.watch.roomAdded(room);
  }

  /**
   * Which channels the bot joins: the mapped and linked ones (an operator chose them; the bot is their
   * custodian and reader), and portal channels only with portals.requireBotJoin (it joined to
   * prove the channel open to it before the portal existed). Not every portal anyone opens: that
   * would let any Matrix user send the bot into any channel (a flood and K-line risk for the one
   * connection the network's rooms rely on), and a bot reading a channel nobody's own connection
   * is in would carry its traffic to Matrix users IRC never let in.
   */
  botBelongsIn(room: RoomRecord): boolean {
    return room.network === this.deps.network.id && (room.origin !== "portal" || this.deps.network.channels.requireBotJoin);
  }

  /** Reads a channel's modes for a portal about to be created (portalModes.ts). */
  portalModes(channel: string): Promise<ModeReading> {
    return readPortalModes(channel, {
      network: this.deps.network,
      bot: () => this.bot?.connection,
      connections: () => [...this.puppets.all()].map(([, connection]) => connection),
      isMember: (connection, name) => this.feed.broker.isMember(this.feed.fold(name), connection.id),
      knowsKey: (name) => this.deps.network.channels.mappingKey(name) !== undefined || this.deps.keys.anyKnown(this.deps.network.id, this.feed.fold(name)),
      lookingIn: (connection, name, looking) => this.watch.lookingIn(connection, name, looking),
    });
  }

  /**
   * A Matrix user joined a bridged room but cannot get a connection (`reason`): with
   * kickOn.channelJoinFailure they are removed from it, with the reason (true); else false.
   */
  removeFromRoom(roomId: string, userId: string, reason: string): boolean {
    if (!this.deps.network.kickOn.channelJoinFailure) return false;
    this.ctx.removals.kick(userId, [roomId], reason);
    return true;
  }

  /**
   * Removes the user from the bridged rooms of their channels (after !quit, or a connection refused
   * for good). Every room of the network a user is in is one of their channels' rooms: joining a
   * room joins its channel, and a refused JOIN removes them from its rooms (kickOn.channelJoinFailure);
   * with that off, a room whose channel refused them is not among them.
   */
  private removeFromChannels(userId: string, channels: readonly string[], reason: string): void {
    const roomIds = new Set(channels.flatMap((channel) => this.roomIdsOf(channel)));
    this.ctx.removals.kick(userId, [...roomIds], reason);
  }

  private roomIdsOf(channel: string): string[] {
    return this.deps.rooms.roomsFor(this.deps.network.id, this.feed.fold(channel)).map((r) => r.roomId);
  }

  /** See GapFiller.history. */
  history(channel: string, since: number): Promise<readonly MessageEvent[] | undefined> {
    return this.gaps.history(channel, since);
  }

  get network(): NetworkContext {
    return this.deps.network;
  }

  /**
   * Loads what the network needs and reconnects the users who were connected before a restart
   * (not those who left with !quit: the registry refuses them).
   */
  async start(): Promise<void> {
    this.bot?.start();
    await this.puppets.load();
    await this.marks.load();
    const records = await this.deps.store.puppets.all(this.deps.network.id);
    for (const record of records) this.nicks.noteStoredNick(record.userId, record.nick);
    for (const record of records) {
      if (record.channels.length === 0) continue;
      if (this.puppets.size >= this.deps.network.limits.maxConnections) {
        this.deps.log.warn("more users were connected before the restart than connections.max allows; the rest connect when they next speak", { network: this.deps.network.id });
        break;
      }
      const ensured = this.puppets.ensure(record.userId);
      if (!ensured.ok) {
        if (ensured.why !== "quit") this.deps.log.info("not reconnecting a user after start", { user: record.userId, network: this.deps.network.id, why: ensured.why });
        continue;
      }
      for (const channel of record.channels) ensured.connection.join(channel);
    }
    if (records.length > 0) this.deps.log.info("reconnecting users after start", { network: this.deps.network.id, users: records.length });
    this.puppets.startSweeping();
    this.seenTimer = setInterval(() => void this.marks.recordPresence(), 15000);
    this.seenTimer.unref();
  }

  /**
   * Closes every connection (QUIT), then waits up to `quitWaitMs` for the server to close their
   * sockets: until it has read the QUITs it holds the nicks, and a bridge started again at once
   * would find its users' nicks in use (a server that throttles a busy connection reads its QUIT
   * seconds late).
   */
  async stop(quitWaitMs = 0): Promise<void> {
    if (this.seenTimer !== undefined) clearInterval(this.seenTimer);
    await this.marks.recordPresence();
    this.scheduler.stop();
    this.readPauses.stop();
    this.news.stop();
    const gone = Promise.all([this.bot?.stop("bridge shutting down"), this.puppets.closeAll("bridge shutting down")]);
    if (quitWaitMs > 0) await waitAtMost(gone, quitWaitMs);
  }

  /** Saves the user's connection state (with the reason for a nick other than the one asked for); a refusal of the store is logged. */
  persist(userId: string, nickNote?: string): void {
    this.puppets.persist(userId, nickNote).catch((err: unknown) => logWriteFailure(this.deps.log, "cannot save a connection's state", err, { user: userId }));
  }

  private attach(connection: IrcConnection, userId: string): void {
    this.userByConnection.set(connection.id, userId);
    this.feed.attach(connection, false);
    this.trouble.watch(connection);
    connection.subscribe(this.userEvents, { connection, userId, ctcpGate: undefined }, USER_CONNECTION_EVENTS);
    this.deps.attached?.(this, connection, userId);
  }

  /** Connections whose user is known (tests: it shrinks when connections close for good). */
  get knownConnections(): number {
    return this.userByConnection.size;
  }

  /** A message to a user's own connection: a private message, for the fromIrc handler. */
  private privateMessage(connection: IrcConnection, e: MessageEvent): void {
    if (connection === this.bot?.connection) {
      this.botHeard(connection, e);
      return;
    }
    const userId = this.userByConnection.get(connection.id);
    if (userId === undefined) return;
    const reply = (text: string) => {
      const sent = connection.say("notice", e.from, text);
      if (sent !== false) sent.catch(() => undefined);
    };
    const registered = senderRegistered(e.account, connection.hasCap("account-tag"), this.feed.accountOf(e.from));
    onPrivateMessage({ userId, ownNick: connection.nick, e, registered, reply }, this.ctx);
  }

  /** A private message (not a CTCP) to the IRC bot: for the bot's inbox (provisioning/botInbox.ts). */
  private botHeard(connection: IrcConnection, e: MessageEvent): void {
    if (this.deps.botHeard === undefined || e.kind === "notice") return;
    this.deps.botHeard({
      networkId: this.deps.network.id,
      from: { nick: e.from, account: e.account },
      text: e.text,
      reply: (text) => {
        const sent = connection.say("notice", e.from, text);
        if (sent !== false) sent.catch(() => undefined);
      },
    });
  }

  /** The connection gauges, in constant time (they change on every connect and loss of a storm). */
  private countConnections(): void {
    const { metrics, network } = this.deps;
    metrics.ircConnections.set({ network: network.id }, this.puppets.size);
    metrics.ircConnectionsUp.set({ network: network.id }, this.registered.size);
    metrics.connectWaiting.set({ network: network.id }, this.scheduler.queued);
  }

  /** Records the last event delivered to Matrix for the channel (ChannelMarks.delivered). */
  markDelivered(channel: string, time: number | undefined, msgid: string | undefined): void {
    this.marks.delivered(channel, time, msgid);
  }
}
