import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";
import type { ChannelMark, MarkStore, RoomRecord } from "../store/store";
import { logWriteFailure } from "../store/writeWatch";

/**
 * Where each channel of one network stands for Matrix: the last event delivered (so a gap after a
 * restart is filled from chathistory from there), and when the bridge was last present in it (for
 * the away notice). Written through to the store; a failed write is logged and the next one retries.
 *
 * Presence, guarantees:
 * - Every `recordPresence` (every 15 s, and at stop) makes each bridged channel the bridge is in
 *   seen now, in memory: the away notice after a lost connection starts at most one period before
 *   the loss, as it did when every channel's mark was written each period.
 * - The store gets one write per period for the whole network (its heartbeat, the mark with
 *   `folded` HEARTBEAT), plus one for each channel the bridge entered (`present`) or left
 *   (`present` false, seen at the last period it was there) since the last period: not one per
 *   channel per period. A bridge in thousands of quiet channels no longer writes thousands of
 *   marks every 15 s.
 * - After a restart (or a crash) a channel whose last mark says `present` was seen at the later
 *   of that mark and the network's heartbeat: the last moment the bridge is known to have been
 *   running and in it. Marks of older versions (no `present`) keep their own time.
 */
export const HEARTBEAT = "";

export interface ChannelMarksDeps {
  readonly networkId: string;
  readonly store: MarkStore;
  readonly rooms: { all(): readonly RoomRecord[] };
  readonly feed: { fold(channel: string): string; readonly broker: { readerOf(folded: string): string | undefined } };
  readonly clock: Clock;
  readonly log: Logger;
}

export class ChannelMarks {
  /** Folded channel -> its mark (the gap filler reads it). */
  readonly byChannel = new Map<string, ChannelMark>();

  constructor(private readonly deps: ChannelMarksDeps) {}

  async load(): Promise<void> {
    const marks = await this.deps.store.all(this.deps.networkId);
    const heartbeat = marks.find((m) => m.folded === HEARTBEAT)?.seenAt ?? 0;
    for (const mark of marks) {
      if (mark.folded === HEARTBEAT) continue;
      this.byChannel.set(mark.folded, mark.present === true ? { ...mark, seenAt: Math.max(mark.seenAt, heartbeat) } : mark);
    }
  }

  /** Records the last event delivered to Matrix for the channel (chathistory catch-up after a gap). */
  delivered(channel: string, time: number | undefined, msgid: string | undefined): void {
    if (time === undefined) return;
    const folded = this.deps.feed.fold(channel);
    const previous = this.byChannel.get(folded);
    if (previous !== undefined && previous.time > time) return;
    const mark: ChannelMark = { network: this.deps.networkId, folded, time, msgid, seenAt: this.deps.clock.now(), ...(previous?.present === undefined ? {} : { present: previous.present }) };
    this.byChannel.set(folded, mark);
    this.deps.store.put(mark).catch((err: unknown) => logWriteFailure(this.deps.log, "cannot save a channel mark", err));
  }

  /** Notes that the bridge is present now in every bridged channel it is in (see the guarantees above). */
  async recordPresence(): Promise<void> {
    const { networkId, store, feed, clock } = this.deps;
    const now = clock.now();
    const here = new Set<string>();
    for (const room of this.deps.rooms.all()) {
      if (room.network === networkId && feed.broker.readerOf(room.folded) !== undefined) here.add(room.folded);
    }
    const writes: Promise<void>[] = [];
    for (const folded of here) {
      const previous = this.byChannel.get(folded);
      const mark: ChannelMark = { network: networkId, folded, time: previous?.time ?? 0, msgid: previous?.msgid, seenAt: now, present: true };
      this.byChannel.set(folded, mark);
      if (previous?.present !== true) writes.push(store.put(mark));
    }
    for (const [folded, mark] of this.byChannel) {
      if (mark.present !== true || here.has(folded)) continue;
      const left: ChannelMark = { ...mark, present: false };
      this.byChannel.set(folded, left);
      writes.push(store.put(left));
    }
    writes.push(store.put({ network: networkId, folded: HEARTBEAT, time: 0, msgid: undefined, seenAt: now }));
    await Promise.all(writes).catch((err: unknown) => logWriteFailure(this.deps.log, "cannot save channel presence", err));
  }
}
