/**
 * Fills the gap in a channel when the bridge comes back to it (after a restart, or when its last
 * connection there reconnects): the first of our connections to join a channel we delivered from
 * before asks the server for what was said since the last delivered event (IRCv3 chathistory,
 * which Ergo offers) and delivers it in order, with the original times, before any live event of
 * that channel. Events at or before the last delivered one are dropped, so nothing is delivered
 * twice. Where the server has no chathistory (InspIRCd 3), every bridged room gets one notice that
 * says from when to when the bridge was away.
 */
import type { NetworkFeed } from "../broker/networkFeed";
import type { ChannelEvent } from "../broker/channelEvent";
import type { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { RoomIndex } from "../rooms/roomIndex";
import type { RoomQueues } from "../rooms/roomQueues";
import type { ChannelMark } from "../store/store";

export interface GapFillerDeps {
  readonly feed: NetworkFeed;
  readonly rooms: RoomIndex;
  readonly queues: RoomQueues;
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly network: NetworkContext;
  readonly marks: ReadonlyMap<string, ChannelMark>;
  readonly clock: Clock;
  readonly log: Logger;
}

const HISTORY_TIMEOUT_MS = 15000;

export class GapFiller {
  constructor(private readonly deps: GapFillerDeps) {}

  joined(connection: IrcConnection, channel: string): void {
    const { feed, marks } = this.deps;
    const folded = feed.fold(channel);
    const reader = feed.broker.readerOf(folded);
    if (reader !== connection.id) return; // another connection of ours was there all along: no gap
    const mark = marks.get(folded);
    if (mark === undefined || this.deps.rooms.roomsFor(this.deps.network.id, folded).length === 0) return;
    if (connection.hasCap("draft/chathistory") || connection.hasCap("chathistory")) {
      if (mark.time > 0) this.fetch(connection, channel, mark);
      return;
    }
    this.announceAbsence(channel, mark.seenAt);
  }

  private fetch(connection: IrcConnection, channel: string, mark: ChannelMark): void {
    const { feed, log } = this.deps;
    const folded = feed.fold(channel);
    const collected: ChannelEvent[] = [];
    const inBatch = (batch: string | undefined, target: string) => batch !== undefined && /chathistory/.test(batch) && feed.fold(target) === folded;
    const listeners = {
      message: (e: Extract<ChannelEvent, { type: "message" }>["e"]) => {
        if (inBatch(e.batch, e.target)) collected.push({ type: "message", channel, e });
      },
      batchEnd: (e: { readonly type: string; readonly params: readonly string[] }) => {
        if (/chathistory/.test(e.type) && feed.fold(e.params[0] ?? "") === folded) finish();
      },
    };
    let done = false;
    const timer = this.deps.clock.setTimeout(() => {
      log.warn("no chathistory answer in time; delivering live events", { channel, network: this.deps.network.id });
      finish();
    }, HISTORY_TIMEOUT_MS);
    const finish = () => {
      if (done) return;
      done = true;
      timer.cancel();
      connection.off("message", listeners.message);
      connection.off("batchEnd", listeners.batchEnd);
      const fresh = collected
        .filter((ev) => {
          const t = ev.e.time ?? 0;
          return t > mark.time || (t === mark.time && ev.e.tags.msgid !== undefined && ev.e.tags.msgid !== mark.msgid);
        })
        .sort((a, b) => (a.e.time ?? 0) - (b.e.time ?? 0));
      log.info("filled a gap from chathistory", { channel, network: this.deps.network.id, events: fresh.length });
      feed.release(channel, () => fresh.forEach((ev) => feed.replay(connection.id, ev)));
    };
    connection.on("message", listeners.message);
    connection.on("batchEnd", listeners.batchEnd);
    feed.hold(channel);
    const limit = Number(connection.isupport("CHATHISTORY") ?? 1000) || 1000;
    const sent = connection.send("CHATHISTORY", ["AFTER", channel, `timestamp=${new Date(mark.time).toISOString()}`, String(limit)]);
    if (sent === false) finish();
  }

  private announceAbsence(channel: string, since: number): void {
    const now = this.deps.clock.now();
    if (since <= 0 || now - since < 2000) return;
    const text =
      `The bridge was away from ${new Date(since).toISOString()} to ${new Date(now).toISOString()}. ` +
      "This IRC server keeps no history, so messages sent on IRC in that time cannot be shown here.";
    for (const room of this.deps.rooms.roomsFor(this.deps.network.id, this.deps.feed.fold(channel))) {
      this.deps.queues.enqueue(room.roomId, {
        what: "away notice",
        run: async () => {
          await this.deps.api.send(room.roomId, this.deps.botUserId, "m.room.message", { msgtype: "m.notice", body: text }, `away.${room.roomId}.${since}`);
        },
      });
    }
  }
}

