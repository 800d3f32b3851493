/**
 * Applies an import plan's writes (incumbentMapping.ts) to this bridge's store, through the store's
 * interface. What the store already has wins: a room bridged here stays as it is, a user's stored
 * nick and username stay (only a missing desiredNick is filled in), a user's admin room here stays.
 *
 * Guarantee: applying a write twice leaves the store as applying it once (every write is an upsert
 * by the record's key, and the second time finds the first), which is what resuming relies on.
 */
import { usernameWithSuffix } from "../../puppets/userTemplates";
import type { PmRoomRecord, PuppetRecord, RoomRecord, Store } from "../../store/store";

/** A network's stored users, read once: by user id, and who has each username. */
interface NetworkUsers {
  readonly byUser: Map<string, PuppetRecord>;
  readonly usernames: Map<string, string>;
}
import type { Write } from "./incumbentMapping";

export const KEPT = {
  roomElsewhere: "rooms this bridge's store already bridges to another channel (kept as they are)",
  adminRoomHere: "users who already have an admin room in this bridge's store (kept)",
  usernameHere: "usernames another user already has here on the network (given a number)",
  pmRoomHere: "private-message conversations this bridge's store already has a room for (kept)",
  portalHere: "bridge-made rooms of channels that already have a portal room in this bridge's store (imported as linked rooms)",
} as const;

export class ImportWriter {
  /** Reasons something was kept as the store had it, with counts. */
  readonly kept = new Map<string, number>();
  readonly written = new Map<Write["kind"], number>();
  private readonly users = new Map<string, NetworkUsers>();

  private constructor(
    private readonly store: Store,
    private readonly rooms: Map<string, RoomRecord>,
    private readonly pmRooms: PmRoomRecord[],
    /** The portal room of each channel ("network\0folded"): one a channel, the store's first. */
    private readonly portals: Map<string, string>,
  ) {}

  /** A writer over the store, which reads its rooms once (then keeps track of what it adds). */
  static async open(store: Store): Promise<ImportWriter> {
    const all = await store.rooms.all();
    const rooms = new Map(all.map((r) => [r.roomId, r]));
    const portals = new Map(all.filter((r) => r.origin === "portal").map((r) => [`${r.network}\0${r.folded}`, r.roomId]));
    return new ImportWriter(store, rooms, await store.pmRooms.all(), portals);
  }

  private async usersOf(network: string): Promise<NetworkUsers> {
    let users = this.users.get(network);
    if (users === undefined) {
      const records = await this.store.puppets.all(network);
      users = { byUser: new Map(records.map((r) => [r.userId, r])), usernames: new Map(records.map((r) => [r.username, r.userId])) };
      this.users.set(network, users);
    }
    return users;
  }

  private keep(reason: string): void {
    this.kept.set(reason, (this.kept.get(reason) ?? 0) + 1);
  }

  async apply(write: Write): Promise<void> {
    const { store } = this;
    switch (write.kind) {
      case "room": {
        const existing = this.rooms.get(write.record.roomId);
        if (existing !== undefined && (existing.network !== write.record.network || existing.folded !== write.record.folded)) return this.keep(KEPT.roomElsewhere);
        let record = write.record;
        const channel = `${record.network}\0${record.folded}`;
        const portal = this.portals.get(channel);
        if (existing === undefined && record.origin === "portal" && portal !== undefined && portal !== record.roomId) {
          record = { ...record, origin: "linked" };
          this.keep(KEPT.portalHere);
        }
        if (existing === undefined) await store.rooms.put(record);
        if (existing === undefined && record.origin === "portal") this.portals.set(channel, record.roomId);
        this.rooms.set(record.roomId, existing ?? record);
        break;
      }
      case "puppet": {
        const { record } = write;
        const users = await this.usersOf(record.network);
        const existing = users.byUser.get(record.userId);
        if (existing !== undefined) {
          if (existing.desiredNick === undefined && record.desiredNick !== undefined) {
            const updated = { ...existing, desiredNick: record.desiredNick };
            await store.puppets.put(updated);
            users.byUser.set(record.userId, updated);
          }
          break;
        }
        const taken = (name: string) => users.usernames.has(name) && users.usernames.get(name) !== record.userId;
        let username = record.username;
        for (let i = 1; taken(username); i++) username = usernameWithSuffix(record.username, i);
        if (username !== record.username) this.keep(KEPT.usernameHere);
        const stored = { ...record, username };
        await store.puppets.put(stored);
        users.byUser.set(record.userId, stored);
        users.usernames.set(username, record.userId);
        break;
      }
      case "adminRoom": {
        const existing = await store.adminRooms.get(write.userId);
        if (existing !== undefined && existing !== write.roomId) return this.keep(KEPT.adminRoomHere);
        if (existing === undefined) await store.adminRooms.put(write.userId, write.roomId);
        break;
      }
      case "pmRoom": {
        const { record } = write;
        const existing = this.pmRooms.find((p) => p.roomId === record.roomId || (p.network === record.network && p.userId === record.userId && p.folded === record.folded));
        if (existing !== undefined && existing.roomId !== record.roomId) return this.keep(KEPT.pmRoomHere);
        if (existing === undefined) {
          await store.pmRooms.put(record);
          this.pmRooms.push(record);
        }
        break;
      }
    }
    this.written.set(write.kind, (this.written.get(write.kind) ?? 0) + 1);
  }
}
