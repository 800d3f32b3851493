/**
 * What the bridge persists, behind interfaces so that handlers and tests never see the engine.
 * The default engine is NeDB (files under `datastore.path`, or in memory when it is unset).
 */

/** Application-service transactions already processed, so a retried txnId is a no-op across restarts. */
export interface TransactionLog {
  has(txnId: string): Promise<boolean>;
  /** Remembers a transaction as fully processed. */
  add(txnId: string, at: number): Promise<void>;
  /** Forgets transactions older than `before` (ms since epoch); returns how many were dropped. */
  prune(before: number): Promise<number>;
}

/**
 * A Matrix room bridged to a channel: a portal the bridge created (alias), a mapping from the config,
 * or a link made at runtime (provisioning API, `!irc link`, `!plumb`; removed again by an unlink).
 */
export interface RoomRecord {
  readonly roomId: string;
  readonly network: string;
  /** The channel as first seen (for display), and folded with the server's casemapping (for lookup). */
  readonly channel: string;
  readonly folded: string;
  readonly origin: "portal" | "mapped" | "linked";
  /** For a link: the Matrix user who asked for it (or the admin who plumbed it), and when (ms since epoch). */
  readonly linkedBy?: string;
  readonly linkedAt?: number;
  /**
   * The rooms this one replaced by room upgrades (m.room.tombstone), oldest first: never bridged
   * again, not even when the config still maps one of them (rooms/mappedRooms.ts).
   */
  readonly predecessors?: readonly string[];
}

export interface RoomStore {
  all(): Promise<RoomRecord[]>;
  put(record: RoomRecord): Promise<void>;
  remove(roomId: string): Promise<void>;
}

/** A Matrix user's IRC connection on one network, as it should be after a restart. */
export interface PuppetRecord {
  readonly userId: string;
  readonly network: string;
  readonly nick: string;
  readonly username: string;
  /** Channels (as written) the user is in through this connection. */
  readonly channels: readonly string[];
  /** Why the user got another nick than the one asked for, if they did. */
  readonly nickNote: string | undefined;
  /**
   * The nick the user chose with !nick (the incumbent's name): asked for at every connection, and
   * never replaced by a displayname change, until they choose another or `!nick --reset`. Undefined:
   * their nick follows the network's nickTemplate.
   */
  readonly desiredNick?: string | undefined;
  /** Account name for SASL / NickServ (!storepass), and its password sealed by PasswordSeal. */
  readonly account?: string | undefined;
  readonly sealedPassword?: string | undefined;
  /** The user's client certificate (!certfp, PEM: public) and its private key sealed by PasswordSeal. */
  readonly certificate?: string | undefined;
  readonly sealedCertificateKey?: string | undefined;
  /** The user left the network with !quit: not connected (not even after a restart) until !reconnect. */
  readonly quit?: boolean;
}

export interface PuppetStore {
  all(network: string): Promise<PuppetRecord[]>;
  get(network: string, userId: string): Promise<PuppetRecord | undefined>;
  put(record: PuppetRecord): Promise<void>;
  remove(network: string, userId: string): Promise<void>;
  usernameTaken(network: string, username: string, except: string): Promise<boolean>;
}

/** The last channel event delivered to Matrix, so a gap can be filled from chathistory. */
export interface ChannelMark {
  readonly network: string;
  readonly folded: string;
  /** Server time of the last delivered event (ms since epoch). */
  readonly time: number;
  readonly msgid: string | undefined;
  /**
   * When the bridge last had a connection in the channel (ms since epoch). While `present`, the
   * bridge was still there at its network's last heartbeat (channelMarks.ts), which may be later.
   */
  readonly seenAt: number;
  /** The bridge was in the channel when this was written, and had not left it since (absent in marks of older versions). */
  readonly present?: boolean;
}

export interface MarkStore {
  all(network: string): Promise<ChannelMark[]>;
  put(mark: ChannelMark): Promise<void>;
}

/** A Matrix message accepted for IRC and not yet confirmed by the IRC server (survives a crash). */
export interface OutboxEntry {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly kind: "privmsg" | "notice" | "action";
  readonly body: string;
  /** Order of acceptance, across restarts. */
  readonly seq: number;
  /** A private message (to a nick): its body is sealed in the store, or erased once done (secrets/pmSeal.ts). */
  readonly pm?: true;
  /** The event this message answers (m.in_reply_to): IRC is told whom it answers (fromMatrix/outgoing/). */
  readonly replyTo?: string;
  /** The event this message corrects (m.replace): IRC sees one marked correction (fromMatrix/outgoing/). */
  readonly replaces?: string;
}

export interface Outbox {
  add(entry: OutboxEntry): Promise<void>;
  /** Records at once, synchronously, that the message is being handed to its IRC connection. */
  handed(eventId: string): void;
  /** Records at once, synchronously, that the IRC server confirmed the message; then removes it. */
  confirm(eventId: string): Promise<void>;
  remove(eventId: string): Promise<void>;
  /**
   * What is still to send after a restart, oldest first; `handed` when it may already have reached
   * IRC (it was handed over, and its confirmation was not recorded).
   */
  pending(): Promise<{ readonly entry: OutboxEntry; readonly handed: boolean }[]>;
}

/** A Matrix user's admin room: their private room with the bridge bot, one per user for all networks. */
export interface AdminRoomRecord {
  readonly userId: string;
  readonly roomId: string;
}

export interface AdminRoomStore {
  get(userId: string): Promise<string | undefined>;
  /** Sets the user's admin room, replacing the one they had. */
  put(userId: string, roomId: string): Promise<void>;
  remove(userId: string): Promise<void>;
  all(): Promise<AdminRoomRecord[]>;
}

/**
 * A private conversation between a Matrix user and an IRC nick on one network, in its own Matrix
 * room (the user and the nick's ghost). One room per (network, user, folded nick).
 */
export interface PmRoomRecord {
  readonly roomId: string;
  readonly network: string;
  /** The Matrix user. */
  readonly userId: string;
  /** The IRC nick as written, and folded with the server's casemapping (for lookup). */
  readonly nick: string;
  readonly folded: string;
  /** When the room became this conversation's (ms since epoch). */
  readonly createdAt: number;
}

export interface PmRoomStore {
  all(): Promise<PmRoomRecord[]>;
  /** Stores the conversation's room, replacing the room it had (and any record of the same room). */
  put(record: PmRoomRecord): Promise<void>;
  remove(roomId: string): Promise<void>;
}

/** An IRC ban the bridge set because a ghost was banned in a Matrix room: lifted with the same mask. */
export interface BanRecord {
  readonly roomId: string;
  /** The ghost's Matrix user id. */
  readonly userId: string;
  readonly network: string;
  readonly channel: string;
  readonly mask: string;
  /** Who banned on Matrix, and when (ms since epoch). */
  readonly by: string;
  readonly at: number;
}

export interface BanStore {
  get(roomId: string, userId: string): Promise<BanRecord | undefined>;
  put(record: BanRecord): Promise<void>;
  remove(roomId: string, userId: string): Promise<void>;
  /** A room upgrade: the room's records are the new room's (the homeserver copies bans to it). */
  moveRoom(from: string, to: string): Promise<void>;
}

/**
 * What the bridge itself changed in a room to follow IRC channel modes, so it only ever undoes its
 * own changes (see rooms/powerLevels.ts and rooms/roomAccess.ts), also after a restart.
 */
export interface RoomAccessRecord {
  readonly roomId: string;
  /** Power levels the bridge set (a list: user ids are not valid NeDB field names). */
  readonly grants: readonly { readonly userId: string; readonly level: number }[];
  /** events_default as the bridge set it for +m, and what it was before. */
  readonly eventsDefault: { readonly set: number; readonly before: number } | undefined;
  /**
   * The m.room.join_rules content the room had before the bridge made it invite-only (+i, +k), as
   * JSON (its keys may contain dots, which NeDB refuses in field names).
   */
  readonly joinRulesBefore: string | undefined;
  /**
   * The room directory list the bridge listed the room in (portals.published): a network's id, or ""
   * for the homeserver's main list. After a restart the room is taken out until its channel is seen
   * open again (discovery/directoryListing.ts).
   */
  readonly listedIn?: string | undefined;
}

export interface RoomAccessStore {
  all(): Promise<RoomAccessRecord[]>;
  put(record: RoomAccessRecord): Promise<void>;
}

/** A channel's key (+k), sealed by PasswordSeal under the network and channel (never in clear). */
/**
 * What one connection knows about entering one keyed channel (rooms/channelKeys.ts). Records of an
 * older version, one per channel for the whole network (no `user`), are dropped on load.
 */
export interface ChannelKeyRecord {
  readonly network: string;
  /** Whose connection: a Matrix user id, or BOT_KEY_OWNER for the IRC bot. */
  readonly user: string;
  /** The channel name folded with the server's casemapping. */
  readonly folded: string;
  /** The connection's own key, sealed (PasswordSeal, bound to network, user and channel). */
  readonly sealedKey?: string;
  /** The connection is in the channel for a static mapping's room: it rejoins with the mapping's configured key. */
  readonly viaMapping?: boolean;
}

/** A stored record, as read: records of older versions may lack fields. */
export type StoredChannelKeyRecord = Partial<ChannelKeyRecord> & { readonly network: string; readonly folded: string };

export interface ChannelKeyStore {
  all(): Promise<StoredChannelKeyRecord[]>;
  put(record: ChannelKeyRecord): Promise<void>;
  remove(network: string, user: string, folded: string): Promise<void>;
  /** Removes the records of older versions (one key for the whole network); how many there were. */
  removeNetworkWide(): Promise<number>;
}

/** A network's IRCv3 STS policy for one host (irc/sts.ts): TLS only, to `port`, until `expiresAt`. */
export interface StsPolicyRecord {
  readonly network: string;
  /** Host name as configured, lower case. */
  readonly host: string;
  /** The TLS port the policy sends connections to. */
  readonly port: number;
  /** ms since epoch. */
  readonly expiresAt: number;
}

export interface StsPolicyStore {
  all(network: string): Promise<StsPolicyRecord[]>;
  put(record: StsPolicyRecord): Promise<void>;
  remove(network: string, host: string): Promise<void>;
}

export interface Store {
  readonly transactions: TransactionLog;
  readonly outbox: Outbox;
  readonly rooms: RoomStore;
  readonly puppets: PuppetStore;
  readonly marks: MarkStore;
  readonly adminRooms: AdminRoomStore;
  readonly pmRooms: PmRoomStore;
  readonly bans: BanStore;
  readonly roomAccess: RoomAccessStore;
  readonly channelKeys: ChannelKeyStore;
  readonly stsPolicies: StsPolicyStore;
  /** Flushes and releases files. */
  close(): Promise<void>;
}
