import type { MessageEvent } from "../irc/events";
import type { NetworkContext } from "../irc/networkContext";
import type { MatrixEvent } from "../matrix/events";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { PuppetRegistry } from "../puppets/puppetRegistry";
import type { RoomIndex } from "../rooms/roomIndex";
import type { Outbox } from "../store/store";
import type { ChannelOrder } from "./channelOrder";

export interface NetworkRuntime {
  readonly network: NetworkContext;
  readonly puppets: PuppetRegistry;
  /** Matrix -> IRC order per channel, across senders. */
  readonly order: ChannelOrder;
  /** The channel's messages since a time, once the bridge is back in it (undefined: no history). */
  history(channel: string, since: number): Promise<readonly MessageEvent[] | undefined>;
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
  /** A ghost left a room on Matrix (kicked by a moderator, say): it must join again to speak. */
  forgetGhost(roomId: string, userId: string): void;
  /** The bot joins a room it was invited to, if the room is bridged. */
  acceptInvite(roomId: string): void;
  /** Messages accepted for IRC and not yet confirmed, kept across a crash. */
  readonly outbox: Outbox;
  /** A write the current transaction must wait for before it is acknowledged. */
  keep(write: Promise<void>): void;
  /** True when this event was already handled (a transaction retried after a failure). */
  seenBefore(eventId: string): boolean;
  /** Order numbers for outbox entries, increasing across restarts. */
  nextSeq(): number;
  /** The time (ms since epoch), from the clock the connections use. */
  now(): number;
}

export type MatrixHandler = (event: MatrixEvent, ctx: MatrixContext) => void;
