import type { PmRoomRecord, PmRoomStore } from "../store/store";

/** The key of one private conversation: (network, Matrix user, folded nick). */
export function pmKey(network: string, userId: string, folded: string): string {
  return `${network}\0pm\0${userId}\0${folded}`;
}

/**
 * The private-message rooms, in memory for the hot path (every IRC private message and every Matrix
 * event looks its room up), written through to the store. Both ways: a room's conversation, and a
 * conversation's room. A conversation has at most one room and a room at most one conversation:
 * recording a new room for a conversation replaces the old one.
 */
export class PmIndex {
  private readonly byRoom = new Map<string, PmRoomRecord>();
  private readonly byKey = new Map<string, PmRoomRecord>();

  constructor(private readonly store: PmRoomStore) {}

  async load(): Promise<void> {
    for (const record of await this.store.all()) this.index(record);
  }

  room(roomId: string): PmRoomRecord | undefined {
    return this.byRoom.get(roomId);
  }

  find(network: string, userId: string, folded: string): PmRoomRecord | undefined {
    return this.byKey.get(pmKey(network, userId, folded));
  }

  all(): PmRoomRecord[] {
    return [...this.byRoom.values()];
  }

  /** Records the conversation's room at once; returns the room it replaces, if another. */
  put(record: PmRoomRecord): { readonly replaced: PmRoomRecord | undefined; readonly written: Promise<void> } {
    const previous = this.byKey.get(pmKey(record.network, record.userId, record.folded));
    this.index(record);
    return { replaced: previous !== undefined && previous.roomId !== record.roomId ? previous : undefined, written: this.store.put(record) };
  }

  /** Forgets the room at once (it is no conversation's any more). */
  remove(roomId: string): Promise<void> {
    const record = this.byRoom.get(roomId);
    if (record === undefined) return Promise.resolve();
    this.byRoom.delete(roomId);
    const key = pmKey(record.network, record.userId, record.folded);
    if (this.byKey.get(key)?.roomId === roomId) this.byKey.delete(key);
    return this.store.remove(roomId);
  }

  private index(record: PmRoomRecord): void {
    const key = pmKey(record.network, record.userId, record.folded);
    const previous = this.byKey.get(key);
    if (previous !== undefined) this.byRoom.delete(previous.roomId);
    const other = this.byRoom.get(record.roomId);
    if (other !== undefined) this.byKey.delete(pmKey(other.network, other.userId, other.folded));
    this.byKey.set(key, record);
    this.byRoom.set(record.roomId, record);
  }
}
