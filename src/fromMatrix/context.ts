import type { NickDirectory } from "../format/nickDirectory";
import type { MessageLog } from "../rooms/messageLog";
import type { EchoToOtherRooms } from "../rooms/channelEcho";
import type { NoticeCooldown } from "../rooms/noticeCooldown";
import type { Links } from "../provisioning/links";
import type { AccessPolicy } from "../access/accessPolicy";
import type { MessageEvent } from "../irc/events";
import type { NetworkContext } from "../irc/networkContext";
import type { IrcReply, IrcRequest } from "../irc/requests";
import type { MatrixEvent } from "../matrix/events";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { EnsureResult, PuppetRegistry } from "../puppets/puppetRegistry";
import type { ChannelOps } from "../rooms/channelOps";
import type { PowerLevelCache } from "../rooms/powerLevels";
import type { RoomIndex } from "../rooms/roomIndex";
import type { BanStore, Outbox, PmRoomRecord } from "../store/store";
import type { ChannelOrder } from "./channelOrder";
import type { MediaLinkMaker } from "./mediaLine";
import type { SenderNote } from "./outgoing/prepare";

/** An IRC connection that acts on a channel (KICK, MODE, TOPIC): its state and the request API. */
export interface ActingConnection {
  readonly nick: string;
  readonly isRegistered: boolean;
  /** Why it is not registered right now; undefined when it is. */
  readonly downReason: string | undefined;
  /** Sends one command and waits for the server's answer; never rejects (irc/requests.ts). */
  request(request: IrcRequest, options?: { readonly timeoutMs?: number }): Promise<IrcReply>;
}

/** The connections that may act on a network's channels for Matrix users (see chanops.ts). */
export interface ChannelActors {
  /** The user's own connection, if they have one (up or not). */
  puppet(userId: string): ActingConnection | undefined;
  /** The bridge's IRC bot (up or not); undefined when the network has none (bot.enabled is off). */
  bot(): ActingConnection | undefined;
  /** The Matrix users whose connection is in the channel, with it. */
  inChannel(channel: string): readonly { readonly userId: string; readonly connection: ActingConnection }[];
}

export interface NetworkRuntime {
  readonly network: NetworkContext;
  readonly puppets: PuppetRegistry;
  /** Matrix -> IRC order per channel, across senders. */
  readonly order: ChannelOrder;
  /** The channel's messages since a time, once the bridge is back in it (undefined: no history). */
  history(channel: string, since: number): Promise<readonly MessageEvent[] | undefined>;
  /** Connections that may kick, ban and give modes in the network's channels. */
  readonly actors: ChannelActors;
  /** Who is who on this network (puppet nicks, ghosts), for mentions. */
  readonly nicks: NickDirectory;
  /** A Matrix user set the room's topic: IRC's echo of it need not be mirrored back to the room. */
  noteTopic(roomId: string, topic: string): void;
  /**
   * A user joined a bridged room but cannot get a connection: removed from it with the reason when
   * the network's kickOn.channelJoinFailure is on (true), else left there (false).
   */
  removeFromRoom(roomId: string, userId: string, reason: string): boolean;
  /**
   * A user joined a bridged room (the homeserver said so, with their displayname there): their
   * connection, created if needed (PuppetRegistry.ensure), taking what the join says as known, so
   * neither their profile nor their membership is read again.
   */
  joinedInMatrix(roomId: string, userId: string, displayname: string | undefined): EnsureResult;
}

/** The admin rooms, as the Matrix handlers see them (src/admin/). The promises never reject. */
export interface AdminRoomHooks {
  /** The owner of an admin room; undefined when the room is not one. */
  ownerOf(roomId: string): string | undefined;
  /** The bot was invited by `userId` to a direct chat: it becomes their admin room. */
  adopt(roomId: string, userId: string): Promise<void>;
  /** The room is no admin room any more; the bot leaves it unless it was removed already (`leave` false). */
  abandon(roomId: string, why: string, leave: boolean): Promise<void>;
  /** A command from the owner: run it and reply in the room. */
  command(roomId: string, userId: string, body: string, eventId: string | undefined): Promise<void>;
}

/** The private-message rooms, as the Matrix handlers see them (src/pms/). Nothing here throws. */
export interface PmRoomHooks {
  /** The conversation a room holds; undefined when it is no private-message room. */
  roomOf(roomId: string): PmRoomRecord | undefined;
  /** A direct chat with a ghost is being accepted in this room: its events wait (hold). */
  isOpening(roomId: string): boolean;
  hold(roomId: string, event: MatrixEvent): void;
  /** `userId` invited `ghost` (of `network`) into a room bridged to no channel: maybe a direct chat. */
  open(roomId: string, userId: string, network: string, ghost: string): void;
  /** The user's own membership in their private room changed. */
  userMembership(roomId: string, membership: unknown): void;
  /** Someone other than the user and the ghost was invited to or joined a private room. */
  refuse(roomId: string, userId: string): void;
  /** The ghost was removed from its private room (by `by`). */
  ghostRemoved(roomId: string, by: string): void;
  /** A notice from the room's ghost (the bot is not in private rooms). */
  notice(roomId: string, text: string): void;
}

/** The subscribed ban lists' rooms (src/access/banLists.ts), as the router sees them. */
export interface BanListHooks {
  /** The room is a subscribed policy list: its events update the bans, nothing else. */
  isListRoom(roomId: string): boolean;
  /** A rule event or redaction in a list room. */
  apply(event: MatrixEvent): void;
}

/** Room upgrades (m.room.tombstone), as the Matrix handlers see them (rooms/roomUpgrades.ts). Nothing here throws. */
export interface RoomUpgradeHooks {
  /** A bridged room was replaced by `newRoomId` (tombstone sent by `by`): the bridge moves there. */
  follow(oldRoomId: string, newRoomId: string, by: string): void;
  /** `owner`'s admin room was replaced: the bot follows when it can join the new room. */
  followAdminRoom(oldRoomId: string, newRoomId: string, owner: string): void;
  /** The bot was invited to a room: true when an upgrade was waiting for that (it is followed now). */
  invited(roomId: string): boolean;
}

/** What a Matrix -> IRC handler may use. Handlers enqueue IRC lines synchronously; they never await. */
/** Media and long messages, as the Matrix handlers see them (src/media/, compose/media.ts). */
export interface MediaHooks {
  /** A signed, expiring link to an mxc:// URI that IRC users can open without a Matrix login. */
  readonly linkFor: MediaLinkMaker;
  /** Uploads a long message's whole text and resolves with a link that serves it; rejects on failure. */
  paste(text: string): Promise<string>;
  /** Tells the sender of an event something (a reaction from the bot, or a notice where it cannot react). Never throws. */
  tellSender(roomId: string, eventId: string, note: SenderNote): void;
}

export interface MatrixContext {
  readonly botUserId: string;
  readonly rooms: RoomIndex;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly admin: AdminRoomHooks;
  readonly pms: PmRoomHooks;
  /** Who may use the bridge: excluded users' events are ignored (the rest is checked by PuppetRegistry.ensure). */
  readonly access: AccessPolicy;
  readonly banLists: BanListHooks;
  /** The bot or one of our ghosts: their events are our own doing. */
  isBridgeUser(userId: string): boolean;
  /** A notice from the bot in the room (queued after what is already queued for that room). */
  notice(roomId: string, text: string): void;
  /** Saves a user's connection state (channels, nick) after it changed. */
  persist(network: string, userId: string): void;
  /** A ghost left a room on Matrix (kicked by a moderator, say): it must join again to speak. */
  forgetGhost(roomId: string, userId: string): void;
  /** Who holds which prefix modes in the channels (operators, voice), as the connections see it. */
  readonly channelOps: ChannelOps;
  /** The bridged rooms' power levels (kept current by the m.room.power_levels handler). */
  readonly powerLevels: PowerLevelCache;
  /** IRC bans set because a ghost was banned on Matrix, so an unban lifts the same mask. */
  readonly bans: BanStore;
  /**
   * A ghost was removed from a room on Matrix and IRC did not follow: it joins the room again (it is
   * still in the channel), after the bot lifted its Matrix ban when `banned`. Queued for the room.
   */
  restoreGhost(roomId: string, userId: string, banned: boolean): void;
  /** The bot joins a room it was invited to, if the room is bridged. */
  acceptInvite(roomId: string): void;
  /** Messages accepted for IRC and not yet confirmed, kept across a crash. */
  readonly outbox: Outbox;
  /** The last messages bridged in each room, both ways (msgids, reply and edit originals). */
  readonly messages: MessageLog;
  /** One event of a room from the homeserver, read as `as` (undefined: the homeserver does not know it). */
  fetchEvent(roomId: string, eventId: string, as: string): Promise<MatrixEvent | undefined>;
  /** Media links and long messages (src/media/); without it files go as names only and long texts whole. */
  readonly media?: MediaHooks;
  /** A write the current transaction must wait for before it is acknowledged. */
  keep(write: Promise<void>): void;
  /** True when this event was already handled (a transaction retried after a failure). */
  seenBefore(eventId: string): boolean;
  /** Order numbers for outbox entries, increasing across restarts. */
  nextSeq(): number;
  /** The time (ms since epoch), from the clock the connections use. */
  now(): number;
  /** Runtime links (src/provisioning/): `!irc link` / `!irc unlink` in a room. */
  readonly links: Links;
  /** Room upgrades: the bridge follows a tombstoned room to its replacement. */
  readonly upgrades: RoomUpgradeHooks;
  /** When each room last got a notice that encrypted messages cannot reach IRC (encrypted.ts). */
  readonly encryptedNotices: NoticeCooldown;
  /**
   * A channel room's message was confirmed on IRC (said by `nick` as `text`): the channel's other
   * bridged rooms get it too, as the nick's ghost (rooms/channelEcho.ts).
   */
  readonly echoToOtherRooms: EchoToOtherRooms;
}

export type MatrixHandler = (event: MatrixEvent, ctx: MatrixContext) => void;
