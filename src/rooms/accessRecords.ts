/**
 * What the bridge changed in each room to follow IRC (power levels it granted, events_default for
 * +m, the join rule before +i/+k), in memory for the hot path and written through to the store.
 *
 * Guarantee: `update` changes the memory at once (the next read sees it, even while the write is
 * on its way) and writes the record in the order of updates; a failed write is logged, not thrown
 * (the room's state was already changed; retrying the room operation would not record it again).
 * Not guaranteed: an update whose write failed is lost at the next restart (the bridge then never
 * lowers that grant, which errs on the safe side).
 */
import { errorText } from "../errors";
import type { Logger } from "../observability/logger";
import type { RoomAccessRecord, RoomAccessStore } from "../store/store";

export type AccessPatch = Partial<Omit<RoomAccessRecord, "roomId">>;

export class AccessRecords {
  private readonly records = new Map<string, RoomAccessRecord>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: RoomAccessStore,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    for (const record of await this.store.all()) this.records.set(record.roomId, record);
  }

  get(roomId: string): RoomAccessRecord {
    return this.records.get(roomId) ?? { roomId, grants: [], eventsDefault: undefined, joinRulesBefore: undefined };
  }

  /** Power levels the bridge set in the room, per user. */
  grants(roomId: string): Record<string, number> {
    return Object.fromEntries(this.get(roomId).grants.map((g) => [g.userId, g.level]));
  }

  update(roomId: string, patch: AccessPatch): void {
    const record: RoomAccessRecord = { ...this.get(roomId), ...patch, roomId };
    this.records.set(roomId, record);
    this.writing = this.writing.then(() =>
      this.store.put(record).catch((err: unknown) => {
        this.log.error("cannot save what the bridge changed in a room", { room: roomId, error: errorText(err) });
      }),
    );
  }

  /** Every room's record. */
  all(): readonly RoomAccessRecord[] {
    return [...this.records.values()];
  }

  /**
   * A room upgrade: the new room has the old one's state (the homeserver copies power levels and
   * the join rule), so what the bridge changed there is now true of the new room. The old room's
   * record stays (the bridge no longer touches that room).
   */
  move(from: string, to: string): void {
    const { grants, eventsDefault, joinRulesBefore } = this.get(from);
    this.update(to, { grants, eventsDefault, joinRulesBefore });
  }

  /** Resolves once every update so far is written (tests, shutdown). */
  flushed(): Promise<void> {
    return this.writing;
  }
}
