import type { NickDirectory } from "../format/nickDirectory";
import type { MessageLog } from "../rooms/messageLog";
import type { Delivered } from "../broker/networkFeed";
import type { NetworkContext } from "../irc/networkContext";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { ChannelRoster } from "../rooms/channelRoster";
import type { RoomAccess } from "../rooms/roomAccess";
import type { Removals } from "../rooms/removals";
import type { RoomIndex } from "../rooms/roomIndex";
import type { PendingSend } from "../rooms/pendingSends";
import type { RoomQueues } from "../rooms/roomQueues";
import type { PmRoomRecord, RoomRecord } from "../store/store";
import type { PmGuard } from "../pms/pmGuard";
import type { SplitDebouncer } from "./splitDebouncer";

/** What an IRC -> Matrix handler may use. Handlers only enqueue: they never await. */
export interface IrcContext {
  readonly network: NetworkContext;
  readonly rooms: RoomIndex;
  readonly queues: RoomQueues;
  /** Messages for Matrix, kept durably until the homeserver accepted them. */
  readonly sends: { enqueue(send: PendingSend): boolean };
  /** The last messages bridged in each room, both ways (msgids -> events for replies, reactions). */
  readonly messages: MessageLog;
  /** Who is who on this network (puppet nicks, ghosts), for mentions. */
  readonly nicks: NickDirectory;
  readonly ghosts: Ghosts;
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Is this nick one of the bridge's own connections (a Matrix user's puppet or the IRC bot)? */
  isOurs(nick: string): boolean;
  /** The Matrix user whose connection holds this nick on the server now (undefined for the IRC bot and for anyone else). */
  userOfNick(nick: string): string | undefined;
  fold(name: string): string;
  /** Records the last event delivered to Matrix for the channel (chathistory catch-up). */
  markDelivered(channel: string, time: number | undefined, msgid: string | undefined): void;
  /** Netsplit QUITs held back until the nick had the time to rejoin. */
  readonly splits: SplitDebouncer;
  /** Topic last set in each room by the bridge, so repeats are not re-sent. */
  readonly topics: Map<string, string>;
  /** The private-message rooms (src/pms/). */
  readonly pms: {
    find(network: string, userId: string, folded: string): PmRoomRecord | undefined;
    /** A notice from the room's ghost. */
    notice(roomId: string, text: string): void;
  };
  /** Spam protection for private messages from IRC on this network. */
  readonly pmGuard: PmGuard;
  /** A private message went through the user's connection: it is not idle. */
  busy(userId: string): void;
  /** Members (with prefix modes) and modes of each channel, as delivered. */
  readonly roster: ChannelRoster;
  /** Room settings that follow channel modes: power levels, join rule, room directory. */
  readonly access: RoomAccess;
  /** A notice from the bot in the room, after what is already queued for it. */
  notice(roomId: string, text: string): void;
  /** The Matrix users whose puppets are in the channel, with their nick and full hostmask (when known). */
  puppetsIn(channel: string): readonly PuppetInChannel[];
  /** Removing Matrix users from rooms because IRC refused or banned them (rooms/removals.ts). */
  readonly removals: Removals;
  /** The channel's key changed (a string) or was removed: kept for joins and rejoins. Never logged. */
  channelKey(channel: string, key: string | undefined): void;
}

export interface PuppetInChannel {
  readonly userId: string;
  readonly nick: string;
  readonly hostmask: string | undefined;
}

export type IrcHandler<T extends Delivered["ev"]["type"]> = (item: Delivered & { readonly ev: Extract<Delivered["ev"], { type: T }> }, ctx: IrcContext) => void;

export function roomsOf(ctx: IrcContext, channel: string): readonly RoomRecord[] {
  return ctx.rooms.roomsFor(ctx.network.id, ctx.fold(channel));
}
