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

  async load(): Promise<void> {
    for (const record of await this.store.all()) this.index(record);
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
