/**
 * What one network's bridge does around being in a channel, so the rooms follow the channel's
 * modes: the first of its connections to join asks for the channel's modes (the rooms follow them,
 * fromIrc/channelModes.ts); a portal created for a channel the bridge is already in gets the
 * members' power levels and the channel's modes at once. When the last connection leaves, nothing
 * changes: a room made invite-only for +i/+k stays so until the bridge hears the channel open again
 * (it used to revert after 30 s, which reopened closed channels' rooms to anyone).
 *
 * Guarantee: one MODE query per channel per time the bridge enters it; none for the bot looking in
 * for a portal (portalModes.ts asks its own, and the bot leaves at once).
 */
import type { NetworkFeed } from "../broker/networkFeed";
import { syncChannelModes } from "../fromIrc/channelModes";
import type { IrcContext } from "../fromIrc/context";
import { syncChannel } from "../fromIrc/powerLevels";
import type { IrcConnection } from "../irc/connection";
import type { RoomRecord } from "../store/store";

export interface ChannelWatchDeps {
  readonly feed: NetworkFeed;
  /** The network's IRC -> Matrix context (built after this object). */
  readonly ctx: () => IrcContext;
}

export class ChannelWatch {
  /** Connections looking into a channel for its portal (connection id, NUL, folded channel). */
  private readonly lookIns = new Set<string>();

  constructor(private readonly deps: ChannelWatchDeps) {}

  /** One of our connections is now in the channel. */
  joined(connection: IrcConnection, channel: string): void {
    const { feed } = this.deps;
    const folded = feed.fold(channel);
    if (this.lookIns.has(`${connection.id}\0${folded}`)) return;
    if (feed.broker.memberCount(folded) === 1) void connection.send("MODE", [channel]);
  }

  /** The bot looks into the channel for its portal (portalModes.ts), asking the modes itself and leaving at once: its JOIN asks nothing here. */
  lookingIn(connection: IrcConnection, channel: string, looking: boolean): void {
    const key = `${connection.id}\0${this.deps.feed.fold(channel)}`;
    if (looking) this.lookIns.add(key);
    else this.lookIns.delete(key);
  }

  /** A room was bridged to a channel (a portal created): when the bridge is in it, the room catches up. */
  roomAdded(room: RoomRecord): void {
    if (this.deps.feed.broker.readerOf(room.folded) === undefined) return;
    const ctx = this.deps.ctx();
    syncChannel(ctx, room.channel, [room]);
    // Only a complete mode list may open a room; until it comes (it was asked for), +m, +s... wait too.
    if (ctx.roster.modesKnown(room.channel)) syncChannelModes(ctx, room.channel, "all");
  }
}
