import type { RoomRecord, RoomStore } from "../store/store";

/**
 * The bridged rooms, in memory for the hot path (every IRC event looks its rooms up), written
 * through to the store. Channels are looked up by their folded name (server casemapping).
 */
export class RoomIndex {
  private readonly byRoom = new Map<string, RoomRecord>();
  private readonly byChannel = new Map<string, RoomRecord[]>();

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

  async add(record: RoomRecord): Promise<void> {
    this.index(record);
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
