/**
 * Gathers the power levels IRC asks for (prefix modes, +m) per room and writes them as few
 * m.room.power_levels events as possible, through the room's ordered queue.
 *
 * Guarantees:
 * - One event per burst: wishes for a room are gathered for `batchMs` after the first one; then one
 *   read-modify-write is queued, and it takes every wish made until it starts (so a netjoin that ops
 *   dozens of nicks, or a NAMES reply full of ops, gives one event, or none when nothing changes).
 * - Order: the writes of a room run in its queue (roomQueues.ts) after what was queued before
 *   them; a later wish for the same user replaces an earlier one not yet written.
 * - Idempotent retries: each attempt reads the current state and merges (powerLevels.ts), so a
 *   write retried after an outage changes nothing twice.
 * - Only the bridge's own grants are ever lowered (powerLevels.ts; grants kept in AccessRecords).
 * - Quiet: a wish that matches what the bridge already granted is dropped without a read, unless
 *   `force` (a MODE line: IRC says it anew, maybe after a moderator changed the level by hand), or
 *   unless a write of the room is under way: what it grants is recorded only once its answer is
 *   back, so a -m or -o heard meanwhile (the +m already visible in the room) is kept, not dropped.
 * Not guaranteed: a room whose power levels cannot be read or written (the bot lacks the power)
 * keeps its levels; the queue logs the refusal and moves on.
 */
import type { Clock } from "../irc/pacedQueue";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { AccessRecords } from "./accessRecords";
import { planPowerLevels } from "./powerLevelPlan";
import type { RoomQueues } from "./roomQueues";

interface Pending {
  readonly users: Map<string, number | undefined>;
  moderated: { readonly on: boolean; readonly level: number } | undefined;
}

export interface PowerLevelSyncDeps {
  readonly api: MatrixApi;
  readonly queues: RoomQueues;
  readonly records: AccessRecords;
  readonly botUserId: string;
  readonly clock: Clock;
  readonly log: Logger;
}

export class PowerLevelSync {
  private readonly pending = new Map<string, Pending>();
  /** Rooms whose gathering time is running. */
  private readonly timers = new Map<string, { cancel(): void }>();
  /** Rooms with a write queued that has not started: it will take what is pending. */
  private readonly queued = new Set<string>();
  /** Rooms with a write under way (started, its grants not yet recorded). */
  private readonly writing = new Set<string>();

  constructor(private readonly deps: PowerLevelSyncDeps) {}

  /** Wants `level` for the user (undefined: back to the room default, if the bridge had set it). */
  want(roomId: string, userId: string, level: number | undefined, batchMs: number, force = false): void {
    const pending = this.pending.get(roomId);
    if (!force && !this.writing.has(roomId) && !(pending?.users.has(userId) ?? false) && this.deps.records.grants(roomId)[userId] === level) return;
    this.wishes(roomId).users.set(userId, level);
    this.schedule(roomId, batchMs);
  }

  /** +m (speaking needs `level`) or -m. */
  moderated(roomId: string, on: boolean, level: number, batchMs: number): void {
    const granted = this.deps.records.get(roomId).eventsDefault !== undefined;
    if (!on && !granted && !this.writing.has(roomId) && this.pending.get(roomId)?.moderated === undefined) return;
    this.wishes(roomId).moderated = { on, level };
    this.schedule(roomId, batchMs);
  }

  /** Users the bridge granted a level in the room. */
  granted(roomId: string): string[] {
    return Object.keys(this.deps.records.grants(roomId));
  }

  private wishes(roomId: string): Pending {
    let pending = this.pending.get(roomId);
    if (pending === undefined) {
      pending = { users: new Map(), moderated: undefined };
      this.pending.set(roomId, pending);
    }
    return pending;
  }

  private schedule(roomId: string, batchMs: number): void {
    if (this.queued.has(roomId) || this.timers.has(roomId)) return;
    if (batchMs <= 0) {
      this.enqueue(roomId);
      return;
    }
    this.timers.set(
      roomId,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(roomId);
        this.enqueue(roomId);
      }, batchMs),
    );
  }

  private enqueue(roomId: string): void {
    this.queued.add(roomId);
    let batch: Pending | undefined;
    this.deps.queues.enqueue(roomId, {
      what: "power levels",
      run: async () => {
        if (batch === undefined) {
          // First attempt: take everything wished until now; later wishes get a write of their own.
          batch = this.pending.get(roomId) ?? { users: new Map(), moderated: undefined };
          this.pending.delete(roomId);
          this.queued.delete(roomId);
        }
        this.writing.add(roomId);
        try {
          await this.write(roomId, batch);
        } finally {
          this.writing.delete(roomId);
        }
      },
    });
  }

  private async write(roomId: string, batch: Pending): Promise<void> {
    const { api, botUserId, records } = this.deps;
    const current = await api.getState(roomId, botUserId, "m.room.power_levels");
    if (current === undefined) {
      this.deps.log.warn("the room has no power levels to change", { room: roomId });
      return;
    }
    const record = records.get(roomId);
    const plan = planPowerLevels(current, batch, { users: records.grants(roomId), eventsDefault: record.eventsDefault }, botUserId);
    if (plan.content !== undefined) await api.setState(roomId, botUserId, "m.room.power_levels", "", plan.content);
    records.update(roomId, {
      grants: Object.entries(plan.grants.users).map(([userId, level]) => ({ userId, level })),
      eventsDefault: plan.grants.eventsDefault,
    });
  }
}
