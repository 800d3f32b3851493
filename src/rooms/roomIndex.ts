import type { RoomRecord, RoomStore } from "../store/store";

/**
 * The bridged rooms, in memory for the hot path (every IRC event looks its rooms up), written
 * through to the store. Channels are looked up by their folded name (server casemapping).
 */
export class RoomIndex {
  private readonly byRoom = new Map<string, RoomRecord>();
  private readonly byChannel = new Map<string, RoomRecord[]>();
  private readonly listeners: ((record: RoomRecord) => void)[] = [];
  private readonly removedListeners: ((record: RoomRecord) => void)[] = [];

  constructor(private readonly store: RoomStore) {}

  /**
   * Reads the stored rooms. A room another record replaced (a room upgrade: its `predecessors`) is
   * not bridged again: a crash between the two writes of `replace` leaves both stored, and the
   * successor wins (the stale one is removed from the store).
   */
  async load(): Promise<void> {
    const records = await this.store.all();
    const replaced = new Set(records.flatMap((r) => r.predecessors ?? []));
    for (const record of records) {
      if (replaced.has(record.roomId)) await this.store.remove(record.roomId);
      else this.index(record);
    }
  }

  /** The bridged room that replaced `roomId` by a room upgrade (directly or through several), if any. */
  successorOf(roomId: string): RoomRecord | undefined {
    return this.all().find((r) => r.predecessors?.includes(roomId) === true);
  }

  roomsFor(network: string, folded: string): readonly RoomRecord[] {
    return this.byChannel.get(`${network}\0${folded}`) ?? [];
  }

  room(roomId: string): RoomRecord | undefined {
    return this.byRoom.get(roomId);
  }

  all(): RoomRecord[] {
    return [...this.byRoom.values()];
  }

  /** Calls `listener` for each room bridged from now on (a new room, or one moved to another channel). */
  onAdded(listener: (record: RoomRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Calls `listener` for each room unbridged from now on (after it left the index). */
  onRemoved(listener: (record: RoomRecord) => void): void {
    this.removedListeners.push(listener);
  }

  /**
   * Unbridges a room: from this call on no lookup finds it (so nothing more flows either way), then
   * the store forgets it (not reloaded after a restart). The removed record, or undefined.
   */
  async remove(roomId: string): Promise<RoomRecord | undefined> {
    const previous = this.byRoom.get(roomId);
    if (previous === undefined) return undefined;
    this.byRoom.delete(roomId);
    const key = `${previous.network}\0${previous.folded}`;
    const left = (this.byChannel.get(key) ?? []).filter((r) => r.roomId !== roomId);
    if (left.length === 0) this.byChannel.delete(key);
    else this.byChannel.set(key, left);
    for (const listener of this.removedListeners) listener(previous);
    await this.store.remove(roomId);
    return previous;
  }

  /**
   * A room upgrade: `record` takes the place of room `oldRoomId` (same channel). From this call on,
   * lookups find the new room and not the old one (IRC traffic goes there, the old room's events
   * reach IRC no more); the store gets the new record before the old one is removed (see `load`).
   * Neither onAdded nor onRemoved listeners run: the channel stays bridged throughout. Also used to
   * undo a move that could not be completed (the same call, the other way round).
   */
  async replace(oldRoomId: string, record: RoomRecord): Promise<void> {
    const previous = this.byRoom.get(oldRoomId);
    if (previous !== undefined) {
      this.byRoom.delete(oldRoomId);
      const key = `${previous.network}\0${previous.folded}`;
      this.byChannel.set(key, (this.byChannel.get(key) ?? []).filter((r) => r.roomId !== oldRoomId));
    }
    this.index(record);
    await this.store.put(record);
    if (previous !== undefined) await this.store.remove(oldRoomId);
  }

  async add(record: RoomRecord): Promise<void> {
    const previous = this.byRoom.get(record.roomId);
    this.index(record);
    if (previous?.network !== record.network || previous.folded !== record.folded) for (const listener of this.listeners) listener(record);
    await this.store.put(record);
  }

  private index(record: RoomRecord): void {
    const previous = this.byRoom.get(record.roomId);
    if (previous !== undefined) {
      const key = `${previous.network}\0${previous.folded}`;
      this.byChannel.set(key, (this.byChannel.get(key) ?? []).filter((r) => r.roomId !== record.roomId));
    }
    this.byRoom.set(record.roomId, record);
    const key = `${record.network}\0${record.folded}`;
    this.byChannel.set(key, [...(this.byChannel.get(key) ?? []), record]);
  }
}
