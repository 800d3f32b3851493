import type { NetworkContext } from "../irc/networkContext";
import type { MatrixEvent } from "../matrix/events";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { PuppetRegistry } from "../puppets/puppetRegistry";
import type { RoomIndex } from "../rooms/roomIndex";
import type { ChannelOrder } from "./channelOrder";

export interface NetworkRuntime {
  readonly network: NetworkContext;
  readonly puppets: PuppetRegistry;
  /** Matrix -> IRC order per channel, across senders. */
  readonly order: ChannelOrder;
}

/** What a Matrix -> IRC handler may use. Handlers enqueue IRC lines synchronously; they never await. */
export interface MatrixContext {
  readonly botUserId: string;
  readonly rooms: RoomIndex;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The bot or one of our ghosts: their events are our own doing. */
  isBridgeUser(userId: string): boolean;
  /** A notice from the bot in the room (queued after what is already queued for that room). */
  notice(roomId: string, text: string): void;
  /** Saves a user's connection state (channels, nick) after it changed. */
  persist(network: string, userId: string): void;
  /** The bot joins a room it was invited to, if the room is bridged. */
  acceptInvite(roomId: string): void;
}

export type MatrixHandler = (event: MatrixEvent, ctx: MatrixContext) => void;
