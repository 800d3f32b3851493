import type { NetworkFeed } from "../broker/networkFeed";
import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";
import type { RoomIndex } from "../rooms/roomIndex";
import type { ChannelMark, MarkStore } from "../store/store";
import { logWriteFailure } from "../store/writeWatch";

/**
 * Where each channel of one network stands for Matrix: the last event delivered (so a gap after a
 * restart is filled from chathistory from there), and when the bridge was last present in it (for
 * the away notice). Written through to the store; a failed write is logged and the next one retries.
 */
export class ChannelMarks {
  /** Folded channel -> its mark (the gap filler reads it). */
  readonly byChannel = new Map<string, ChannelMark>();

  constructor(
    private readonly deps: {
      readonly networkId: string;
      readonly store: MarkStore;
      readonly rooms: RoomIndex;
      readonly feed: NetworkFeed;
      readonly clock: Clock;
      readonly log: Logger;
    },
  ) {}

  async load(): Promise<void> {
    for (const mark of await this.deps.store.all(this.deps.networkId)) this.byChannel.set(mark.folded, mark);
  }

  /** Records the last event delivered to Matrix for the channel (chathistory catch-up after a gap). */
  delivered(channel: string, time: number | undefined, msgid: string | undefined): void {
    if (time === undefined) return;
    const folded = this.deps.feed.fold(channel);
    const previous = this.byChannel.get(folded);
    if (previous !== undefined && previous.time > time) return;
    const mark: ChannelMark = { network: this.deps.networkId, folded, time, msgid, seenAt: this.deps.clock.now() };
    this.byChannel.set(folded, mark);
    this.deps.store.put(mark).catch((err: unknown) => logWriteFailure(this.deps.log, "cannot save a channel mark", err));
  }

  /** Notes, for every channel we are in, that the bridge was present now (for the away notice). */
  async recordPresence(): Promise<void> {
    const now = this.deps.clock.now();
    const writes: Promise<void>[] = [];
    for (const room of this.deps.rooms.all()) {
      if (room.network !== this.deps.networkId || this.deps.feed.broker.readerOf(room.folded) === undefined) continue;
      const previous = this.byChannel.get(room.folded);
      const mark: ChannelMark = { network: room.network, folded: room.folded, time: previous?.time ?? 0, msgid: previous?.msgid, seenAt: now };
      this.byChannel.set(room.folded, mark);
      writes.push(this.deps.store.put(mark));
    }
    await Promise.all(writes).catch((err: unknown) => logWriteFailure(this.deps.log, "cannot save channel presence", err));
  }
}
