/**
 * Fills the gap in a channel when the bridge comes back to it (after a restart, or when its last
 * connection there reconnects): the first of our connections to join a channel we delivered from
 * before asks the server for what was said since the last delivered event (IRCv3 chathistory,
 * which Ergo offers) and delivers it in order, with the original times, before any live event of
 * that channel. Events at or before the last delivered one are dropped, so nothing is delivered
 * twice. Where the server has no chathistory (InspIRCd 3), every bridged room gets one notice that
 * says from when to when the bridge was away (not after a restart a connection process bridged: its
 * connection never left, and what was said meanwhile is delivered). The same history answers whether a message a crash
 * left unconfirmed had already reached the channel (see `history`).
 */
import type { NetworkFeed } from "../broker/networkFeed";
import type { ChannelEvent } from "../broker/channelEvent";
import type { IrcConnection } from "../irc/connection";
import type { MessageEvent } from "../irc/events";
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
  /** The connection that last rejoined each channel as its reader (to fetch for late waiters). */
  private readonly rejoined = new Map<string, IrcConnection>();
  /** Who waits for the channel's next history (to check what a crash may have sent already). */
  private readonly waiters = new Map<string, { since: number; resolve: (events: readonly MessageEvent[] | undefined) => void }[]>();

  constructor(private readonly deps: GapFillerDeps) {}

  /**
   * The channel's messages since `since`, from the history fetched when the bridge's first
   * connection (re)joins it; undefined where the server keeps no history or it did not answer.
   */
  history(channel: string, since: number): Promise<readonly MessageEvent[] | undefined> {
    const folded = this.deps.feed.fold(channel);
    return new Promise((resolve) => {
      const list = this.waiters.get(folded) ?? [];
      const waiter = { since, resolve };
      list.push(waiter);
      this.waiters.set(folded, list);
      this.deps.clock.setTimeout(() => {
        // No history in time: answer "unknown" and forget the waiter.
        const current = this.waiters.get(folded);
        if (current !== undefined) {
          const rest = current.filter((w) => w !== waiter);
          if (rest.length === 0) this.waiters.delete(folded);
          else this.waiters.set(folded, rest);
        }
        resolve(undefined);
      }, HISTORY_TIMEOUT_MS * 2);
      // Already back in the channel: ask now (without holding live events, nothing is replayed).
      const connection = this.rejoined.get(folded);
      if (connection !== undefined && connection.isRegistered && this.deps.feed.broker.readerOf(folded) === connection.id && this.hasHistory(connection)) {
        this.fetch(connection, channel, since, undefined);
      }
    });
  }

  private hasHistory(connection: IrcConnection): boolean {
    return connection.hasCap("draft/chathistory") || connection.hasCap("chathistory");
  }

  /** `resumed`: the connection never left (a connection process kept it through a restart): no absence to tell. */
  joined(connection: IrcConnection, channel: string, resumed = false): void {
    const { feed, marks } = this.deps;
    const folded = feed.fold(channel);
    const reader = feed.broker.readerOf(folded);
    if (reader !== connection.id) return; // another connection of ours was there all along: no gap
    this.rejoined.set(folded, connection);
    const mark = marks.get(folded);
    const waiting = this.waiters.get(folded) ?? [];
    const bridged = this.deps.rooms.roomsFor(this.deps.network.id, folded).length > 0;
    if (this.hasHistory(connection)) {
      const since = Math.min(mark !== undefined && mark.time > 0 && bridged ? mark.time : Infinity, ...waiting.map((w) => w.since));
      if (since !== Infinity) {
        this.fetch(connection, channel, since, bridged ? mark : undefined);
        return;
      }
    }
    this.answer(folded, undefined);
    if (mark !== undefined && bridged && !resumed) this.announceAbsence(channel, mark.seenAt);
  }

  private answer(folded: string, events: readonly MessageEvent[] | undefined): void {
    const list = this.waiters.get(folded) ?? [];
    this.waiters.delete(folded);
    for (const waiter of list) waiter.resolve(events?.filter((e) => (e.time ?? 0) >= waiter.since));
  }

  private fetch(connection: IrcConnection, channel: string, since: number, mark: ChannelMark | undefined): void {
    const { feed, log } = this.deps;
    const folded = feed.fold(channel);
    const collected: Extract<ChannelEvent, { type: "message" }>[] = [];
    const limit = Number(connection.isupport("CHATHISTORY") ?? 1000) || 1000;
    let page = 0;
    const inBatch = (batch: string | undefined, target: string) => batch !== undefined && /chathistory/.test(batch) && feed.fold(target) === folded;
    const listeners = {
      message: (e: Extract<ChannelEvent, { type: "message" }>["e"]) => {
        if (!inBatch(e.batch, e.target)) return;
        collected.push({ type: "message", channel, e });
        page++;
      },
      batchEnd: (e: { readonly type: string; readonly params: readonly string[] }) => {
        if (!/chathistory/.test(e.type) || feed.fold(e.params[0] ?? "") !== folded) return;
        // A full page means there may be more: ask for the next one, from the last event seen.
        const last = collected.at(-1)?.e;
        if (page >= limit && last !== undefined && request(last.tags.msgid !== undefined ? `msgid=${last.tags.msgid}` : `timestamp=${new Date(last.time ?? since).toISOString()}`)) {
          page = 0;
          return;
        }
        finish();
      },
    };
    const request = (from: string) => connection.send("CHATHISTORY", ["AFTER", channel, from, String(limit)]) !== false;
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
      this.answer(folded, collected.map((ev) => ev.e));
      const fresh = collected
        .filter((ev) => {
          if (mark === undefined) return false;
          const t = ev.e.time ?? 0;
          return t > mark.time || (t === mark.time && ev.e.tags.msgid !== undefined && ev.e.tags.msgid !== mark.msgid);
        })
        .sort((a, b) => (a.e.time ?? 0) - (b.e.time ?? 0));
      if (mark === undefined) return;
      log.info("filled a gap from chathistory", { channel, network: this.deps.network.id, events: fresh.length });
      feed.release(channel, () => fresh.forEach((ev) => feed.replay(connection.id, ev)));
    };
    connection.on("message", listeners.message);
    connection.on("batchEnd", listeners.batchEnd);
    // Live events wait while a gap is filled, so older events come first.
    if (mark !== undefined) feed.hold(channel);
    if (!request(`timestamp=${new Date(since).toISOString()}`)) finish();
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

