import type { NetworkConfig } from "../config/schema";
import { NetworkIds } from "../matrix/networkIds";
import { ChannelPolicy } from "../rooms/channelPolicy";
import { buildPuppetFace, type PuppetFace } from "../puppets/puppetFace";
import type { ConnectSettings } from "./connectScheduler";
import { ServerNickLimits } from "./nickRules";
import type { PacingSettings } from "./pacedQueue";
import type { ServerSettings } from "./serverSettings";
import type { Credentials } from "./connectionTypes";
import { networkSecrets, type NetworkSecrets } from "../secrets/networkSecrets";
import { addressSettings } from "./endpoints";
import { StsPolicies } from "./sts";
import { tlsSettingsFrom } from "./tlsOptions";

/** Everything the bridge knows about one configured IRC network, built once from its config. */
export interface NetworkContext {
  readonly id: string;
  readonly name: string;
  /** mxc:// icon shown by clients that list the networks (third-party protocol lookups). */
  readonly icon: string | undefined;
  readonly server: ServerSettings;
  readonly ids: NetworkIds;
  readonly channels: ChannelPolicy;
  /** NICKLEN and CHANTYPES as the server announced them: what a nick from Matrix-side input is checked against. */
  readonly nickLimits: ServerNickLimits;
  readonly nickTemplate: string;
  readonly nickFollowsDisplayname: boolean;
  readonly netsplitDebounceMs: number;
  /** The IRC bot: whether it connects, its nick, and the account it logs in to (never logged). */
  readonly bot: { readonly enabled: boolean; readonly nick: string; readonly auth?: Credentials | undefined };
  readonly pacing: PacingSettings;
  /** Matrix messages longer than this go to IRC as their first lines and a link (fromMatrix/outgoing/longText.ts). */
  readonly longText: { readonly lineLimit: number; readonly byteLimit: number };
  /** How long a Matrix message may wait for its connection before the sender is told. */
  readonly maxWaitMs: number;
  /** How long one sender's unconfirmed message may hold other senders' messages to its channel. */
  readonly maxOrderHoldMs: number;
  readonly connect: ConnectSettings;
  readonly limits: { readonly maxConnections: number; readonly idleTimeoutMs: number; readonly inactiveMs: number };
  readonly keepalive: { readonly pingIntervalS: number; readonly pingTimeoutS: number };
  /** How long a connection that hears only copies waits between reads (connections.readPauseMs; 0: never). */
  readonly readPauseMs: number;
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
  /** What !cmd may send (command words upper case). */
  readonly rawCommands: RawCommandPolicy;
  readonly privateMessages: PrivateMessageSettings;
  readonly chanops: ChanopSettings;
  /** Set the IRC topic on statically mapped rooms too (portal rooms always get it). */
  readonly topicToMappedRooms: boolean;
  /** How users' connections present themselves: username, realname, IPv6 address, WEBIRC, CTCP VERSION. */
  readonly face: PuppetFace;
  /** When a Matrix user is removed from bridged rooms because IRC refused them (see the config's kickOn). */
  readonly kickOn: KickOnSettings;
  /** Tell users of successes too (connected with the nick asked for, reconnected, identified); see the config's sendSuccessNotices. */
  readonly sendSuccessNotices: boolean;
  /** User modes each user's connection sets on itself at every (re)connection (the config's userModes); undefined: none. */
  readonly userModes: string | undefined;
}

export interface KickOnSettings {
  readonly channelJoinFailure: boolean;
  readonly ircConnectionFailure: boolean;
  readonly userQuit: boolean;
  readonly channelBan: boolean;
  /** Removals for an IRC ban are Matrix bans, lifted on a matching -b or a successful JOIN. */
  readonly banInMatrix: boolean;
}

/** Private messages on one network (see the config's privateMessages). */
export interface PrivateMessageSettings {
  readonly enabled: boolean;
  readonly requireRegisteredSender: boolean;
  readonly maxNewRoomsPerHour: number;
}

export interface ChanopSettings {
  /** Power level per prefix mode letter (only modes with a level above 0). */
  readonly levels: Readonly<Record<string, number>>;
  /** Power-level changes to a room within this time are written as one event. */
  readonly batchMs: number;
  /** Mode changes without a Matrix counterpart are shown as notices. */
  readonly modeNotices: boolean;
  /** Power level a Matrix user needs for the bridge to kick, ban or change modes on IRC for them. */
  readonly moderatorLevel: number;
}

export interface RawCommandPolicy {
  readonly allowed: ReadonlySet<string>;
  /** Only for bridge admins, even when also allowed. */
  readonly privileged: ReadonlySet<string>;
  /** Nicks PRIVMSG and NOTICE may go to, besides the user's channels. */
  readonly serviceNicks: readonly string[];
}

/**
 * `secrets`: the network's passwords as read at start (secrets/networkSecrets.ts, with the password
 * key); without them they are read here with no key (a sealed value is then a config error).
 */
export function buildNetworkContext(network: NetworkConfig, domain: string, secrets: NetworkSecrets = networkSecrets(network, `ircNetworks(${network.id})`, undefined)): NetworkContext {
  return {
    id: network.id,
    name: network.name,
    icon: network.icon,
    server: {
      host: network.address,
      port: network.port,
      tls: network.tls,
      bindAddress: network.bindAddress,
      password: secrets.serverPassword,
      ...addressSettings(network),
      encodingFallback: network.encodingFallback,
      tlsSettings: tlsSettingsFrom(network.tlsOptions),
      sts: new StsPolicies(network.id),
    },
    ids: new NetworkIds(network, domain),
    channels: new ChannelPolicy(network),
    nickLimits: new ServerNickLimits(),
    nickTemplate: network.nickTemplate,
    nickFollowsDisplayname: network.nickFollowsDisplayname,
    userModes: network.userModes,
    netsplitDebounceMs: network.netsplitDebounceSeconds * 1000,
    bot: { enabled: network.bot.enabled, nick: network.bot.nick, auth: secrets.bot },
    pacing: {
      burstLines: network.sendPacing.burstLines,
      lineIntervalMs: network.sendPacing.lineIntervalMs,
      maxQueuedLines: network.sendPacing.maxQueuedLines,
    },
    longText: { lineLimit: network.lineLimit, byteLimit: network.lineLimitBytes },
    maxWaitMs: network.sendPacing.maxWaitSeconds * 1000,
    maxOrderHoldMs: network.sendPacing.maxOrderHoldMs,
    connect: {
      perSecond: network.connect.perSecond,
      burst: network.connect.burst,
      concurrent: network.connect.concurrent,
      jitterMs: network.connect.jitterMs,
      probeIntervalMs: network.connect.probeIntervalMs,
      breakerMinMs: network.connect.breakerMinSeconds * 1000,
      breakerMaxMs: Math.max(network.connect.breakerMinSeconds, network.connect.breakerMaxSeconds) * 1000,
      attemptTimeoutMs: 30000,
    },
    limits: { maxConnections: network.connections.max, idleTimeoutMs: network.connections.idleTimeoutSeconds * 1000, inactiveMs: network.connections.inactiveHours * 3600000 },
    keepalive: { pingIntervalS: network.connections.pingIntervalSeconds, pingTimeoutS: network.connections.pingTimeoutSeconds },
    readPauseMs: network.connections.readPauseMs,
    reconnect: { minMs: network.connections.reconnectMinMs, maxMs: network.connections.reconnectMaxMs },
    rawCommands: {
      allowed: new Set(network.rawCommands.allowed.map((c) => c.toUpperCase())),
      privileged: new Set(network.rawCommands.privileged.map((c) => c.toUpperCase())),
      serviceNicks: network.rawCommands.serviceNicks,
    },
    privateMessages: {
      enabled: network.privateMessages.enabled,
      requireRegisteredSender: network.privateMessages.requireRegisteredSender,
      maxNewRoomsPerHour: network.privateMessages.maxNewRoomsPerHour,
    },
    chanops: {
      levels: Object.fromEntries(Object.entries(network.chanops.levels).filter(([, level]) => level > 0)),
      batchMs: network.chanops.batchMs,
      modeNotices: network.chanops.modeNotices,
      moderatorLevel: network.chanops.moderatorLevel,
    },
    topicToMappedRooms: network.topicSync.mappedRooms,
    face: buildPuppetFace(network, domain),
    kickOn: {
      channelJoinFailure: network.kickOn.channelJoinFailure,
      ircConnectionFailure: network.kickOn.ircConnectionFailure,
      userQuit: network.kickOn.userQuit,
      channelBan: network.kickOn.channelBan,
      banInMatrix: network.kickOn.banInMatrix,
    },
    sendSuccessNotices: network.sendSuccessNotices,
  };
}
