/**
 * Matrix -> IRC order per channel, across senders, where one stalled sender holds nobody else.
 *
 * Each Matrix user speaks through their own connection, and each connection is paced on its own,
 * so without this a message from Bob could reach the channel before the message Alice sent just
 * earlier. A message is "handed" when its send() is called (it is then on its sender's connection,
 * written or waiting in its paced queue) and "settled" when the server confirmed it (echo-message),
 * or it was written to a live socket where the server has no echo, or it failed.
 *
 * A sender is *stalled* while their connection is not registered (down, reconnecting), or while
 * their message handed to IRC has waited longer than `stallMs` for its confirmation (fakelag, a
 * full paced queue, a server that stopped answering). Guarantees, per channel:
 * - Order per sender, always: one sender's messages are handed one at a time, in the order the
 *   homeserver delivered them, each only after their previous one settled.
 * - Channel order among senders who are not stalled: a message is handed only when every earlier
 *   message of the channel that is not settled belongs to a sender who is stalled at that moment.
 *   So between two connections that are registered and flowing, the channel shows the order Matrix
 *   has; a stalled sender stops holding the others, and their own messages go out later (when
 *   their connection is back or their line gets through), still in their own order.
 * - Liveness: whatever holds a message settles or becomes stalled within `stallMs`, and the
 *   channel is looked at again then, so nothing waits on a stalled sender.
 * - Enqueueing is synchronous; a channel holds at most `maxPending` messages, beyond that the
 *   message is refused at once (the sender is told).
 * Not guaranteed: order between different channels (they are independent); the order of a
 * stalled sender's messages relative to other senders' (only relative to their own).
 */
import { systemClock, type Clock } from "../irc/pacedQueue";

export type Send = () => Promise<void> | false;

export interface OrderedMessage {
  /** Who speaks (their own connection): order per sender is kept always. */
  readonly sender: string;
  /** Whether the sender's connection is registered; a sender whose is not holds nobody. */
  readonly ready: () => boolean;
  readonly send: Send;
  readonly onSent: () => void;
  readonly onFailed: (reason: string) => void;
}

interface Entry {
  readonly message: OrderedMessage;
  /** When it was handed to IRC; undefined while it waits. */
  handedAt: number | undefined;
}

interface Channel {
  readonly entries: Entry[];
  timer: { cancel(): void } | undefined;
  timerAt: number;
}

export class ChannelOrder {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly maxPending: number,
    private readonly stallMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Accepts a message for the channel; false (nothing queued) when the channel has too many waiting. */
  enqueue(channel: string, message: OrderedMessage): boolean {
    let state = this.channels.get(channel);
    if (state === undefined) {
      state = { entries: [], timer: undefined, timerAt: Infinity };
      this.channels.set(channel, state);
    }
    if (state.entries.length >= this.maxPending) return false;
    state.entries.push({ message, handedAt: undefined });
    this.pump(channel, state);
    return true;
  }

  /** Messages not yet settled (handed or waiting). */
  pending(channel: string): number {
    return this.channels.get(channel)?.entries.length ?? 0;
  }

  /** Hands every message the guarantees allow, and sets the timer for the next stall. */
  private pump(channel: string, state: Channel): void {
    const now = this.clock.now();
    const blockedSenders = new Set<string>();
    let held = false;
    let nextStall = Infinity;
    const toHand: Entry[] = [];
    for (const entry of state.entries) {
      const { sender } = entry.message;
      const stalledAt = this.stalledAt(entry);
      if (blockedSenders.has(sender)) continue;
      blockedSenders.add(sender);
      if (entry.handedAt !== undefined) {
        if (stalledAt > now) {
          held = true;
          nextStall = Math.min(nextStall, stalledAt);
        }
        continue;
      }
      if (!held) toHand.push(entry);
      // A waiting message of a sender who is not stalled holds later ones (channel order); one
      // whose connection is down does not.
      if (entry.message.ready()) held = true;
    }
    for (const entry of toHand) this.hand(channel, state, entry, now);
    if (state.entries.length === 0) {
      state.timer?.cancel();
      this.channels.delete(channel);
      return;
    }
    if (nextStall < state.timerAt) {
      state.timer?.cancel();
      state.timerAt = nextStall;
      state.timer = this.clock.setTimeout(() => {
        state.timer = undefined;
        state.timerAt = Infinity;
        this.pump(channel, state);
      }, nextStall - now);
    }
  }

  /** When a handed message stops holding others: now if its connection is down, else after stallMs. */
  private stalledAt(entry: Entry): number {
    if (entry.handedAt === undefined) return Infinity;
    if (!entry.message.ready()) return -Infinity;
    return entry.handedAt + this.stallMs;
  }

  private hand(channel: string, state: Channel, entry: Entry, now: number): void {
    entry.handedAt = now;
    const { message } = entry;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      const at = state.entries.indexOf(entry);
      if (at >= 0) state.entries.splice(at, 1);
      try {
        outcome();
      } finally {
        this.pump(channel, state);
      }
    };
    let result: Promise<void> | false;
    try {
      result = message.send();
    } catch (err) {
      queueMicrotask(() => settle(() => message.onFailed(err instanceof Error ? err.message : String(err))));
      return;
    }
    if (result === false) {
      queueMicrotask(() => settle(() => message.onFailed("too many messages are already waiting on your IRC connection")));
      return;
    }
    result.then(
      () => settle(() => message.onSent()),
      (err: unknown) => settle(() => message.onFailed(err instanceof Error ? err.message : String(err))),
    );
  }
}
