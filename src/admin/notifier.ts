/**
 * Notices from the bridge bot into users' admin rooms (connection lost, refused, nick changed...).
 *
 * Guarantees:
 * - Per user, at most `burst` notices at once, then one per `intervalMs` (a token bucket), so a
 *   reconnect storm cannot flood anyone. Notices beyond that are not lost silently: when a token
 *   returns, one notice says how many were held back and repeats the last few (HELD_KEPT), in order.
 * - One timer for all users, armed only while some user has a bucket: for the earliest moment a
 *   held user gets a token, or a bucket is full again. A full bucket with nothing held is dropped
 *   then, so the map holds only users noticed within the last burst * intervalMs.
 * - Every send goes through `enqueue` (RoomQueues), so it is retried while the homeserver is down,
 *   with a transaction id fixed when the notice is made: a retry never duplicates it. All of a
 *   user's notices and command replies share one queue (`admin <userId>`), so they keep their
 *   order, even while the admin room is still being created (that happens inside the queue, so a
 *   failed creation is retried like a failed send).
 * - `notify` and `reply` never throw.
 * Not guaranteed: delivery across a restart (held notices and queues are in memory).
 */
import { randomUUID } from "node:crypto";
import { errorText } from "../errors";
import type { Clock } from "../irc/pacedQueue";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { RoomOp } from "../rooms/roomQueues";

export interface AdminNotifierDeps {
  readonly rooms: { roomFor(userId: string): Promise<string> };
  readonly api: Pick<MatrixApi, "send">;
  readonly botUserId: string;
  /** RoomQueues.enqueue: runs the operation in order with the key's others, retrying transient failures. */
  readonly enqueue: (key: string, op: RoomOp) => void;
  readonly clock: Clock;
  readonly log: Logger;
  /** Notices a user may get at once (default 5). */
  readonly burst?: number;
  /** Then one notice per this many ms (default 10 s). */
  readonly intervalMs?: number;
  /** Transaction ids for sends (default `admin.<uuid>`). */
  readonly newTxnId?: () => string;
}

interface Bucket {
  tokens: number;
  at: number;
  held: number;
  /** The last HELD_KEPT texts held back, oldest first. */
  recent: string[];
}

/** How many of the notices held back are repeated in the summary (the last ones). */
const HELD_KEPT = 3;

export class AdminNotifier {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly intervalMs: number;
  private timer: { readonly at: number; readonly handle: { cancel(): void } } | undefined;

  constructor(private readonly deps: AdminNotifierDeps) {
    this.burst = deps.burst ?? 5;
    this.intervalMs = deps.intervalMs ?? 10000;
  }

  /** Tells the user something in their admin room (created if needed), within the rate limit. */
  notify(userId: string, text: string): void {
    try {
      this.deps.log.info("connection notice for a user", { user: userId, text });
      const now = this.deps.clock.now();
      const bucket = this.refilled(userId, now);
      if (bucket.held === 0 && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        this.post(userId, undefined, text);
        // A timer already armed re-arms for every bucket when it fires: no scan per notice.
        if (this.timer === undefined) this.arm(now);
        return;
      }
      bucket.held += 1;
      bucket.recent.push(text);
      if (bucket.recent.length > HELD_KEPT) bucket.recent.shift();
      this.arm(now);
    } catch (err) {
      this.deps.log.error("cannot queue an admin notice", { user: userId, error: errorText(err) });
    }
  }

  /** Answers a command in the admin room it came from; not rate-limited (one reply per command). */
  reply(userId: string, roomId: string, text: string): void {
    try {
      this.post(userId, roomId, text);
    } catch (err) {
      this.deps.log.error("cannot queue an admin reply", { user: userId, room: roomId, error: errorText(err) });
    }
  }

  /** Notices held back now, over all users (metrics, tests). */
  get held(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.held;
    return n;
  }

  /** Users with a bucket (tests: it empties once everyone's bucket is full again). */
  get tracked(): number {
    return this.buckets.size;
  }

  /** Cancels the timer; held notices are dropped (shutdown). */
  stop(): void {
    this.timer?.handle.cancel();
    this.timer = undefined;
    this.buckets.clear();
  }

  private refilled(userId: string, now: number): Bucket {
    let bucket = this.buckets.get(userId);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now, held: 0, recent: [] };
      this.buckets.set(userId, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.intervalMs);
    bucket.at = now;
    return bucket;
  }

  /** Sends what each held user may send now, drops full buckets, and arms the timer for the rest. */
  private tick(): void {
    this.timer = undefined;
    const now = this.deps.clock.now();
    for (const [userId, bucket] of [...this.buckets]) {
      this.refilled(userId, now);
      if (bucket.held > 0 && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        const text = heldSummary(bucket.held, bucket.recent);
        bucket.held = 0;
        bucket.recent = [];
        this.post(userId, undefined, text);
      }
      if (bucket.held === 0 && bucket.tokens >= this.burst) this.buckets.delete(userId);
    }
    this.arm(now);
  }

  /** Arms the one timer for the earliest moment a held user gets a token or a bucket is full (if earlier than it is armed for). */
  private arm(now: number): void {
    let due: number | undefined;
    for (const bucket of this.buckets.values()) {
      // Held: when a token returns. Not held: when the bucket is full again (and is dropped).
      const needed = bucket.held > 0 ? Math.max(0, 1 - bucket.tokens) : Math.max(0, this.burst - bucket.tokens);
      const at = bucket.at + Math.ceil(needed * this.intervalMs);
      due = due === undefined ? at : Math.min(due, at);
    }
    if (due === undefined || (this.timer !== undefined && this.timer.at <= due)) return;
    this.timer?.handle.cancel();
    this.timer = { at: due, handle: this.deps.clock.setTimeout(() => this.tick(), Math.max(0, due - now)) };
  }

  /** Queues one notice to the user's admin room (`roomId`, or the one roomFor gives when it runs). */
  private post(userId: string, roomId: string | undefined, text: string): void {
    const { api, botUserId, rooms } = this.deps;
    const txnId = this.deps.newTxnId?.() ?? `admin.${randomUUID()}`;
    this.deps.enqueue(`admin ${userId}`, {
      what: "admin notice",
      run: async () => {
        const room = roomId ?? (await rooms.roomFor(userId));
        await api.send(room, botUserId, "m.room.message", { msgtype: "m.notice", body: text }, txnId);
      },
    });
  }
}

/**
 * One notice for those held back: a single one as it is; several, counted, with the last ones
 * repeated in order (a refusal followed by a reconnect is not folded away behind the latter).
 */
function heldSummary(held: number, recent: readonly string[]): string {
  if (held === 1) return recent[0] ?? "";
  const last = recent.length === 1 ? `latest: ${recent[0] ?? ""}` : `the last ${recent.length}: ${recent.join(" — ")}`;
  return `(${held} more connection notices were held back; ${last})`;
}
