/**
 * What one network's bridge does around being in a channel, so the rooms follow the channel's
 * modes: the first of its connections to join asks for the channel's modes (the rooms follow them,
 * fromIrc/channelModes.ts); a portal created for a channel the bridge is already in gets the
 * members' power levels and the channel's modes at once; and when the last connection has left, a
 * room made invite-only for +i/+k gets its join rule back after EMPTY_RESTORE_MS, since the bridge
 * would not hear a -i any more (matrix-appservice-irc #1576).
 *
 * Guarantees: one MODE query per channel per time the bridge enters it; one restore timer per empty
 * channel, none once stopped; a connection back in time cancels the restore.
 */
import type { NetworkFeed } from "../broker/networkFeed";
import { onChannelLeft, syncChannelModes } from "../fromIrc/channelModes";
import type { IrcContext } from "../fromIrc/context";
import { syncChannel } from "../fromIrc/powerLevels";
import type { IrcConnection } from "../irc/connection";
import type { Clock } from "../irc/pacedQueue";
import type { RoomRecord } from "../store/store";

/** How long a channel the bridge has no connection in keeps an invite-only rule it got for +i/+k. */
export const EMPTY_RESTORE_MS = 30000;

export interface ChannelWatchDeps {
  readonly feed: NetworkFeed;
  readonly clock: Clock;
  /** The network's IRC -> Matrix context (built after this object). */
  readonly ctx: () => IrcContext;
}

export class ChannelWatch {
  private readonly emptyTimers = new Map<string, { cancel(): void }>();
  private stopped = false;

  constructor(private readonly deps: ChannelWatchDeps) {}

  /** One of our connections is now in the channel. */
  joined(connection: IrcConnection, channel: string): void {
    const { feed } = this.deps;
    const folded = feed.fold(channel);
    this.emptyTimers.get(folded)?.cancel();
    this.emptyTimers.delete(folded);
    if (feed.broker.memberCount(folded) === 1) void connection.send("MODE", [channel]);
  }

  /** The bridge has no connection left in the channel: unless one is back in time, see onChannelLeft. */
  empty(folded: string): void {
    if (this.stopped || this.emptyTimers.has(folded)) return;
    this.emptyTimers.set(
      folded,
      this.deps.clock.setTimeout(() => {
        this.emptyTimers.delete(folded);
        if (this.deps.feed.broker.readerOf(folded) === undefined) onChannelLeft(folded, this.deps.ctx());
      }, EMPTY_RESTORE_MS),
    );
  }

  /** A room was bridged to a channel (a portal created): when the bridge is in it, the room catches up. */
  roomAdded(room: RoomRecord): void {
    if (this.deps.feed.broker.readerOf(room.folded) === undefined) return;
    syncChannel(this.deps.ctx(), room.channel, [room]);
    syncChannelModes(this.deps.ctx(), room.channel, "all");
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.emptyTimers.values()) timer.cancel();
    this.emptyTimers.clear();
  }
}
