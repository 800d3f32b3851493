/**
 * Matrix -> IRC order per channel, across senders.
 *
 * Each Matrix user speaks through their own connection, and each connection is paced on its own,
 * so without this a message from Bob could reach the channel before the message Alice sent just
 * earlier. Guarantees, per channel:
 * - Messages are handed to IRC one at a time, in the order the homeserver delivered them.
 * - The next one is handed over only when the previous one was confirmed by the server
 *   (echo-message), or written to a live socket where the server has no echo, or failed.
 * - Enqueueing is synchronous; a channel holds at most `maxPending` messages, beyond that the
 *   message is refused at once (the sender is told).
 * Not guaranteed: order between different channels (they are independent).
 */
export type Send = () => Promise<void> | false;

export interface OrderedMessage {
  readonly send: Send;
  readonly onSent: () => void;
  readonly onFailed: (reason: string) => void;
}

export class ChannelOrder {
  private readonly queues = new Map<string, OrderedMessage[]>();

  constructor(private readonly maxPending: number) {}

  /** Accepts a message for the channel; false (nothing queued) when the channel has too many waiting. */
  enqueue(channel: string, message: OrderedMessage): boolean {
    let queue = this.queues.get(channel);
    if (queue === undefined) {
      queue = [];
      this.queues.set(channel, queue);
    }
    if (queue.length >= this.maxPending) return false;
    queue.push(message);
    if (queue.length === 1) this.next(channel, queue);
    return true;
  }

  pending(channel: string): number {
    return this.queues.get(channel)?.length ?? 0;
  }

  private next(channel: string, queue: OrderedMessage[]): void {
    const head = queue[0];
    if (head === undefined) {
      this.queues.delete(channel);
      return;
    }
    const done = () => {
      queue.shift();
      this.next(channel, queue);
    };
    let result: Promise<void> | false;
    try {
      result = head.send();
    } catch (err) {
      head.onFailed(err instanceof Error ? err.message : String(err));
      done();
      return;
    }
    if (result === false) {
      head.onFailed("too many messages are already waiting on your IRC connection");
      done();
      return;
    }
    result.then(
      () => {
        try {
          head.onSent();
        } finally {
          done();
        }
      },
      (err: unknown) => {
        try {
          head.onFailed(err instanceof Error ? err.message : String(err));
        } finally {
          done();
        }
      },
    );
  }
}
