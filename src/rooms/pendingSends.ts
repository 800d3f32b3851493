/**
 * IRC -> Matrix messages on their way to the homeserver, kept durably until it accepted them.
 *
 * Guarantees:
 * - Durable: a message is journalled (synchronously, see sendJournal.ts) the moment it is queued and
 *   forgotten only once the homeserver accepted it (or refused it for good); after a crash or a
 *   restart, `replay` queues what was left, in its original order and with its original time,
 *   ahead of anything new.
 * - Ordered and retried: each message runs through the room's queue (roomQueues.ts), which keeps
 *   order per room and retries transient failures with backoff.
 * - Exactly once: a message whose id is already waiting is not queued again (chathistory replaying
 *   what the journal already holds), and every send uses a transaction id derived from the message,
 *   so a retry after an unanswered request is not duplicated by the homeserver.
 * - Bounded: at most `maxPerRoom` messages wait per room, and none is queued while the room's queue
 *   is full of other operations (roomQueues.ts, the same bound). Beyond that a message is not queued; it is
 *   counted, and once the room's queue has drained a notice in the room says how many messages from
 *   IRC were lost and between which times. Nothing is dropped without the room being told.
 */
import type { Json } from "../matrix/matrixApi";
import type { SendJournal } from "../store/sendJournal";
import type { RoomQueues } from "./roomQueues";

export interface PendingSend {
  /** Unique per message and room. */
  readonly id: string;
  /**
   * The room; for a private message, the conversation's key (pmKey: its room is found or made when
   * the message is delivered). Messages with the same one are delivered in order.
   */
  readonly roomId: string;
  readonly network: string;
  /** The channel; for a private message, the sender's nick. */
  readonly channel: string;
  readonly nick: string;
  readonly ghost: string;
  readonly content: Json;
  readonly txnId: string;
  /** The server time of the IRC message (ms since epoch). */
  readonly ts: number | undefined;
  readonly msgid: string | undefined;
  /** A reply's original (its `+draft/reply` msgid) not yet found in the room's log when it arrived: looked up again when delivered. */
  readonly replyTo?: string;
  /** Set for a private message: the Matrix user it is for. */
  readonly pm?: { readonly userId: string };
}

export interface PendingSendsDeps {
  readonly journal: SendJournal<PendingSend>;
  readonly queues: RoomQueues;
  /** Sends one message to the homeserver (ghost joined first); rejects to be retried. */
  readonly deliver: (send: PendingSend) => Promise<void>;
  /** A notice in the message's room (from the bot; in a private chat, from the ghost). */
  readonly notice: (send: PendingSend, text: string) => void;
  readonly maxPerRoom: number;
  /** Depth changed (a metric). */
  readonly depth: (total: number) => void;
  /** A message could not be queued (the room's queue was full). */
  readonly dropped: (send: PendingSend) => void;
}

interface Overflow {
  count: number;
  first: number;
  last: number;
}

export class PendingSends {
  private readonly perRoom = new Map<string, number>();
  private readonly overflow = new Map<string, Overflow>();

  constructor(private readonly deps: PendingSendsDeps) {}

  get size(): number {
    return this.deps.journal.size;
  }

  /** Queues what a previous run left unsent (call before anything new is queued). */
  replay(parse: (value: unknown) => PendingSend | undefined): number {
    const left = this.deps.journal.load(parse);
    for (const send of left) this.queue(send);
    this.deps.depth(this.size);
    return left.length;
  }

  /** Queues a message; false when it was already waiting or the room's queue is full. */
  enqueue(send: PendingSend): boolean {
    if (this.deps.journal.has(send.id)) return false;
    if ((this.perRoom.get(send.roomId) ?? 0) >= this.deps.maxPerRoom || this.deps.queues.full(send.roomId)) {
      const at = send.ts ?? Date.now();
      const o = this.overflow.get(send.roomId);
      if (o === undefined) this.overflow.set(send.roomId, { count: 1, first: at, last: at });
      else {
        o.count++;
        o.last = at;
      }
      this.deps.dropped(send);
      return false;
    }
    this.deps.journal.add(send);
    this.queue(send);
    this.deps.depth(this.size);
    return true;
  }

  private queue(send: PendingSend): void {
    this.perRoom.set(send.roomId, (this.perRoom.get(send.roomId) ?? 0) + 1);
    this.deps.queues.enqueue(send.roomId, {
      what: `message from ${send.nick}`,
      run: () => this.deps.deliver(send),
      settled: () => this.settled(send),
    });
  }

  private settled(send: PendingSend): void {
    this.deps.journal.done(send.id);
    const left = (this.perRoom.get(send.roomId) ?? 1) - 1;
    if (left > 0) this.perRoom.set(send.roomId, left);
    else this.perRoom.delete(send.roomId);
    this.deps.depth(this.size);
    const o = this.overflow.get(send.roomId);
    if (left === 0 && o !== undefined) {
      this.overflow.delete(send.roomId);
      this.deps.notice(
        send,
        `${o.count} message(s) from IRC sent between ${new Date(o.first).toISOString()} and ${new Date(o.last).toISOString()} could not be bridged: the homeserver was unreachable for too long and the bridge's queue for this room was full.`,
      );
    }
  }
}

/** Checks a journalled record read back after a restart. */
export function parsePendingSend(value: unknown): PendingSend | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const strings = ["id", "roomId", "network", "channel", "nick", "ghost", "txnId"] as const;
  if (!strings.every((k) => typeof r[k] === "string")) return undefined;
  if (typeof r.content !== "object" || r.content === null) return undefined;
  return {
    id: String(r.id),
    roomId: String(r.roomId),
    network: String(r.network),
    channel: String(r.channel),
    nick: String(r.nick),
    ghost: String(r.ghost),
    content: r.content as Json,
    txnId: String(r.txnId),
    ts: typeof r.ts === "number" ? r.ts : undefined,
    msgid: typeof r.msgid === "string" ? r.msgid : undefined,
    ...(typeof r.replyTo === "string" ? { replyTo: r.replyTo } : {}),
    ...pmOf(r.pm),
  };
}

function pmOf(value: unknown): { pm?: { userId: string } } {
  if (typeof value !== "object" || value === null || !("userId" in value) || typeof value.userId !== "string") return {};
  return { pm: { userId: value.userId } };
}
