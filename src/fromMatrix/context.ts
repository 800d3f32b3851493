import type { MessageEvent } from "../irc/events";
import type { NetworkContext } from "../irc/networkContext";
import type { MatrixEvent } from "../matrix/events";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { PuppetRegistry } from "../puppets/puppetRegistry";
import type { ChannelOps } from "../rooms/channelOps";
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

/** What a Matrix -> IRC handler may use. Handlers enqueue IRC lines synchronously; they never await. */
export interface MatrixContext {
  readonly botUserId: string;
  readonly rooms: RoomIndex;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly admin: AdminRoomHooks;
  /** Who is op or voiced in each channel, as the bridge's connections heard it (rooms/channelOps.ts). */
  readonly channelOps: ChannelOps;
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
