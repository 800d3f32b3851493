/**
 * One strict FIFO of Matrix operations per room (IRC -> Matrix direction).
 *
 * Guarantees:
 * - Enqueueing is synchronous: nothing awaits between receiving an IRC event and queueing its effect.
 * - Operations of one room run one at a time, in the order they were queued; rooms run in parallel.
 * - An operation that fails transiently (homeserver down, 5xx, 429) is retried with backoff
 *   (0.5 s doubling to 10 s, so a homeserver back from an outage is used within seconds) and
 *   holds back the operations behind it: order over liveness. Each operation must therefore be
 *   idempotent (sends use a stable transaction id).
 * - An operation refused for good (4xx) is given up after two attempts, logged and reported; the queue
 *   moves on: a refusal is not allowed to wedge the room.
 * - `settled` runs once an operation is finished with (succeeded or given up), before the next runs.
 * - Bounded: an operation marked `droppable` (ghost joins and leaves, topics, notices: what only
 *   shows IRC's state) is refused when its room already has `maxPerRoom` operations waiting; it is
 *   counted (onDropped) and, once the room's queue has drained, onOverflowEnded says how many, so
 *   the room can be told. Operations that keep a room private (join rules, kicks, power levels) are
 *   never refused. Messages are bounded, reported and journalled by pendingSends.ts (`full`), with
 *   the same bound, so one number (homeserver.maxQueuedPerRoom) bounds what waits per room.
 * Not guaranteed: survival across a bridge restart (the queue is in memory; messages are made
 * durable by pendingSends.ts on top of it).
 */
import { MatrixApiError } from "../matrix/matrixApi";
import type { Clock } from "../irc/pacedQueue";

export interface RoomOp {
  readonly what: string;
  run(): Promise<void>;
  /** Called once the operation succeeded or was given up. */
  readonly settled?: () => void;
  /** May be refused (counted, reported) when the room's queue is full; see the guarantees above. */
  readonly droppable?: boolean;
}

export interface RoomQueueHooks {
  onGiveUp(roomId: string, op: RoomOp, err: unknown): void;
  onRetry(roomId: string, op: RoomOp, err: unknown, delayMs: number): void;
  /** An operation succeeded after one or more retries. */
  onRecovered?(roomId: string): void;
  /** A droppable operation was refused: its room's queue was full. */
  onDropped?(roomId: string, op: RoomOp): void;
  /** The room's queue drained after `count` operations had been refused. */
  onOverflowEnded?(roomId: string, count: number): void;
}

const MAX_PERMANENT_ATTEMPTS = 2;

export class RoomQueues {
  private readonly queues = new Map<string, RoomOp[]>();
  private readonly running = new Set<string>();
  /** Rooms with refused operations since their queue last drained, and how many. */
  private readonly overflow = new Map<string, number>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly hooks: RoomQueueHooks,
    private readonly clock: Clock,
    private readonly maxPerRoom = Infinity,
  ) {}

  /** Queues an operation; false when it is droppable and the room's queue is full (it is counted). */
  enqueue(roomId: string, op: RoomOp): boolean {
    let queue = this.queues.get(roomId);
    if (op.droppable === true && this.full(roomId)) {
      this.overflow.set(roomId, (this.overflow.get(roomId) ?? 0) + 1);
      this.hooks.onDropped?.(roomId, op);
      return false;
    }
    if (queue === undefined) {
      queue = [];
      this.queues.set(roomId, queue);
    }
    queue.push(op);
    if (!this.running.has(roomId)) void this.drain(roomId);
    return true;
  }

  /** Whether the room has `maxPerRoom` operations waiting (or more: some are never refused). */
  full(roomId: string): boolean {
    return (this.queues.get(roomId)?.length ?? 0) >= this.maxPerRoom;
  }

  /** Operations waiting or running, over all rooms. */
  get depth(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(roomId: string): Promise<void> {
    this.running.add(roomId);
    const queue = this.queues.get(roomId) ?? [];
    while (queue.length > 0) {
      const op = queue[0];
      if (op === undefined) break;
      await this.runWithRetry(roomId, op);
      op.settled?.();
      queue.shift();
    }
    this.queues.delete(roomId);
    this.running.delete(roomId);
    const dropped = this.overflow.get(roomId);
    if (dropped !== undefined) {
      this.overflow.delete(roomId);
      this.hooks.onOverflowEnded?.(roomId, dropped);
    }
    if (this.running.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  private async runWithRetry(roomId: string, op: RoomOp): Promise<void> {
    let delay = 500;
    let permanentFailures = 0;
    let retried = false;
    for (;;) {
      try {
        await op.run();
        if (retried) this.hooks.onRecovered?.(roomId);
        return;
      } catch (err) {
        const transient = err instanceof MatrixApiError && err.transient;
        if (!transient) {
          permanentFailures++;
          if (permanentFailures >= MAX_PERMANENT_ATTEMPTS) {
            this.hooks.onGiveUp(roomId, op, err);
            return;
          }
        }
        retried = true;
        this.hooks.onRetry(roomId, op, err, delay);
        await new Promise<void>((resolve) => this.clock.setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 10000);
      }
    }
  }
}
