/**
 * What the provisioning operations (link, plumb, unlink, queryChannel) see: built once in
 * compose/provisioning.ts. Operations are functions of these deps; tests inject fakes.
 */
import type { AccessPolicy } from "../access/accessPolicy";
import type { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { PuppetRegistry } from "../puppets/puppetRegistry";
import type { ChannelRoster } from "../rooms/channelRoster";
import type { RoomIndex } from "../rooms/roomIndex";
import type { RoomQueues } from "../rooms/roomQueues";
import type { RoomRecord } from "../store/store";
import type { BotInbox } from "./botInbox";
import type { OpenIdSettings } from "./openId";
import type { ChannelBot } from "./channelBot";
import type { ConsentDesk } from "./consent";

/** One configured network, as provisioning sees it. */
export interface ProvisioningNetwork {
  readonly network: NetworkContext;
  /** The IRC bot's connection, when the network runs one (bot.enabled). */
  readonly bot: () => IrcConnection | undefined;
  /** The users' connections. */
  readonly puppets: PuppetRegistry;
  /** Who is in each channel the bridge is in, with their prefix modes. */
  readonly roster: ChannelRoster;
  /** Folds a nick or channel with the server's casemapping. */
  readonly fold: (name: string) => string;
  /** Whether the IRC bot belongs in the channel of this room (NetworkBridge.botBelongsIn). */
  readonly botBelongsIn: (room: RoomRecord) => boolean;
}

/** The `provisioning` config section, as read (config/schema.ts). */
export interface ProvisioningSettings {
  readonly enabled: boolean;
  /** The Bearer token integrations present to the HTTP API (never logged). */
  readonly secret: string | undefined;
  /** How long a channel operator has to answer a link request. */
  readonly requestTimeoutSeconds: number;
  /** The OpenID widget sign-in (openIdDisallowedIpRanges, openIdOverrides, openIdSessionLifetimeSeconds). */
  readonly openId: OpenIdSettings;
  /** Whether the ghosts leave a room whose link ended (else they stay, silent). */
  readonly unlinkGhostsLeave: boolean;
  /** Link requests waiting for an operator's answer, per channel and per requester, at most. */
  readonly maxPendingPerChannel: number;
  readonly maxPendingPerUser: number;
  /** Bridged rooms at most (undefined: no limit). */
  readonly roomLimit: number | undefined;
  /** Provisioning API requests per minute per requester. */
  readonly requestsPerMinute: number;
}

export interface ProvisioningDeps {
  /** bridge.id: part of the bridge-info state key. */
  readonly bridgeId: string;
  readonly botUserId: string;
  readonly api: MatrixApi;
  readonly rooms: RoomIndex;
  readonly networks: ReadonlyMap<string, ProvisioningNetwork>;
  /** Private messages to the IRC bots (answers to link requests, operators' commands). */
  readonly inbox: BotInbox;
  /** The network's IRC bot as the consent flow uses it (undefined: the network runs none). */
  readonly channelBot: (net: ProvisioningNetwork) => ChannelBot | undefined;
  /** Link requests waiting for a channel operator's answer. */
  readonly consents: ConsentDesk;
  readonly queues: RoomQueues;
  /** Ghosts leave rooms through here (it keeps what it knows of their memberships right). */
  readonly ghosts: Pick<Ghosts, "leave">;
  /** Who may use the bridge at all (src/access/): a link passes the same gate as a join. */
  readonly access: AccessPolicy;
  /** Bridge admins (bridge.admins). */
  readonly isAdmin: (userId: string) => boolean;
  /** A user's admin room, or a private-message room: never bridged to a channel. */
  readonly isPrivateRoom: (roomId: string) => boolean;
  /** A notice from the bot in a room. */
  readonly notice: (roomId: string, text: string) => void;
  readonly settings: ProvisioningSettings;
  readonly clock: Clock;
  readonly log: Logger;
}
