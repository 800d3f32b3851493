import { ConfirmJournal } from "./confirmJournal";
import { NedbCollection } from "./nedbCollection";
import type {
  AdminRoomRecord,
  AdminRoomStore,
  ChannelKeyRecord,
  ChannelKeyStore,
  StoredChannelKeyRecord,
  ChannelMark,
  MarkStore,
  Outbox,
  OutboxEntry,
  BanRecord,
  BanStore,
  PmRoomRecord,
  PmRoomStore,
  PuppetRecord,
  PuppetStore,
  RoomAccessRecord,
  RoomAccessStore,
  RoomRecord,
  RoomStore,
  Store,
  TransactionLog,
} from "./store";

interface TxnDoc {
  txnId: string;
  at: number;
}

class NedbTransactionLog implements TransactionLog {
  constructor(private readonly docs: NedbCollection<TxnDoc>) {}

  async has(txnId: string): Promise<boolean> {
    return (await this.docs.findOne({ txnId })) !== null;
  }

  add(txnId: string, at: number): Promise<void> {
    return this.docs.upsert({ txnId }, { txnId, at });
  }

  prune(before: number): Promise<number> {
    return this.docs.remove({ at: { $lt: before } });
  }
}

/** NeDB adds an _id to every document; records are returned without it. */
function strip<T extends object>(doc: T & { _id?: unknown }): T {
  const { _id, ...rest } = doc;
  return rest as T;
}

class NedbRoomStore implements RoomStore {
  constructor(private readonly docs: NedbCollection<RoomRecord>) {}
  async all(): Promise<RoomRecord[]> {
    return (await this.docs.find({})).map(strip);
  }
  put(record: RoomRecord): Promise<void> {
    return this.docs.upsert({ roomId: record.roomId }, { ...record });
  }
  async remove(roomId: string): Promise<void> {
    await this.docs.remove({ roomId });
  }
}

class NedbPuppetStore implements PuppetStore {
  constructor(private readonly docs: NedbCollection<PuppetRecord>) {}
  async all(network: string): Promise<PuppetRecord[]> {
    return (await this.docs.find({ network })).map(strip);
  }
  async get(network: string, userId: string): Promise<PuppetRecord | undefined> {
    const doc = await this.docs.findOne({ network, userId });
    return doc === null ? undefined : strip(doc);
  }
  put(record: PuppetRecord): Promise<void> {
    return this.docs.upsert({ network: record.network, userId: record.userId }, { ...record, channels: [...record.channels] });
  }
  async remove(network: string, userId: string): Promise<void> {
    await this.docs.remove({ network, userId });
  }
  async usernameTaken(network: string, username: string, except: string): Promise<boolean> {
    return (await this.docs.findOne({ network, username, userId: { $ne: except } })) !== null;
  }
}

class NedbMarkStore implements MarkStore {
  constructor(private readonly docs: NedbCollection<ChannelMark>) {}
  async all(network: string): Promise<ChannelMark[]> {
    return (await this.docs.find({ network })).map(strip);
  }
  put(mark: ChannelMark): Promise<void> {
    return this.docs.upsert({ network: mark.network, folded: mark.folded }, { ...mark });
  }
}

class NedbAdminRoomStore implements AdminRoomStore {
  constructor(private readonly docs: NedbCollection<AdminRoomRecord>) {}
  async get(userId: string): Promise<string | undefined> {
    return (await this.docs.findOne({ userId }))?.roomId;
  }
  put(userId: string, roomId: string): Promise<void> {
    return this.docs.upsert({ userId }, { userId, roomId });
  }
  async remove(userId: string): Promise<void> {
    await this.docs.remove({ userId });
  }
  async all(): Promise<AdminRoomRecord[]> {
    return (await this.docs.find({})).map(strip);
  }
}

class NedbPmRoomStore implements PmRoomStore {
  constructor(private readonly docs: NedbCollection<PmRoomRecord>) {}
  async all(): Promise<PmRoomRecord[]> {
    return (await this.docs.find({})).map(strip);
  }
  async put(record: PmRoomRecord): Promise<void> {
    await this.docs.remove({ roomId: record.roomId, $not: { network: record.network, userId: record.userId, folded: record.folded } });
    await this.docs.upsert({ network: record.network, userId: record.userId, folded: record.folded }, { ...record });
  }
  async remove(roomId: string): Promise<void> {
    await this.docs.remove({ roomId });
  }
}

class NedbBanStore implements BanStore {
  constructor(private readonly docs: NedbCollection<BanRecord>) {}
  async get(roomId: string, userId: string): Promise<BanRecord | undefined> {
    const doc = await this.docs.findOne({ roomId, userId });
    return doc === null ? undefined : strip(doc);
  }
  put(record: BanRecord): Promise<void> {
    return this.docs.upsert({ roomId: record.roomId, userId: record.userId }, { ...record });
  }
  async remove(roomId: string, userId: string): Promise<void> {
    await this.docs.remove({ roomId, userId });
  }
}

class NedbRoomAccessStore implements RoomAccessStore {
  constructor(private readonly docs: NedbCollection<RoomAccessRecord>) {}
  async all(): Promise<RoomAccessRecord[]> {
    return (await this.docs.find({})).map(strip);
  }
  put(record: RoomAccessRecord): Promise<void> {
    return this.docs.upsert({ roomId: record.roomId }, { ...record, grants: record.grants.map((g) => ({ ...g })) });
  }
}

class NedbChannelKeyStore implements ChannelKeyStore {
  constructor(private readonly docs: NedbCollection<ChannelKeyRecord>) {}
  async all(): Promise<StoredChannelKeyRecord[]> {
    return (await this.docs.find({})).map(strip);
  }
  put(record: ChannelKeyRecord): Promise<void> {
    return this.docs.upsert({ network: record.network, user: record.user, folded: record.folded }, { ...record });
  }
  async remove(network: string, user: string, folded: string): Promise<void> {
    await this.docs.remove({ network, user, folded });
  }
  removeNetworkWide(): Promise<number> {
    return this.docs.remove({ user: { $exists: false } });
  }
}

class NedbOutbox implements Outbox {
  /** Entries in the outbox; when none is left the journal has nothing to say and is emptied. */
  private count = 0;

  constructor(
    private readonly docs: NedbCollection<OutboxEntry>,
    private readonly journal: ConfirmJournal,
  ) {}
  handed(eventId: string): void {
    this.journal.handed(eventId);
  }
  async confirm(eventId: string): Promise<void> {
    this.journal.confirmed(eventId);
    await this.remove(eventId);
  }
  async add(entry: OutboxEntry): Promise<void> {
    this.count++;
    await this.docs.upsert({ eventId: entry.eventId }, { ...entry });
  }
  async remove(eventId: string): Promise<void> {
    const removed = await this.docs.remove({ eventId });
    this.count = Math.max(0, this.count - removed);
    if (this.count === 0) this.journal.clear();
  }
  /** Entries still to send, oldest first; those the journal says were confirmed are dropped now. */
  async pending(): Promise<{ entry: OutboxEntry; handed: boolean }[]> {
    const { handed, confirmed } = this.journal.read();
    for (const eventId of confirmed) await this.docs.remove({ eventId });
    const entries = (await this.docs.find({})).map(strip).sort((a, b) => a.seq - b.seq);
    this.journal.clear();
    for (const entry of entries) if (handed.has(entry.eventId)) this.journal.handed(entry.eventId);
    this.count = entries.length;
    return entries.map((entry) => ({ entry, handed: handed.has(entry.eventId) }));
  }
}

/** Opens the NeDB store: one file per collection under `dir`, or all in memory when dir is undefined. */
export async function openNedbStore(dir: string | undefined): Promise<Store> {
  const txns = await NedbCollection.open<TxnDoc>(dir, "transactions");
  await txns.index("txnId", true);
  const rooms = await NedbCollection.open<RoomRecord>(dir, "rooms");
  await rooms.index("roomId", true);
  const puppets = await NedbCollection.open<PuppetRecord>(dir, "puppets");
  const marks = await NedbCollection.open<ChannelMark>(dir, "marks");
  const outbox = await NedbCollection.open<OutboxEntry>(dir, "outbox");
  await outbox.index("eventId", true);
  const adminRooms = await NedbCollection.open<AdminRoomRecord>(dir, "adminRooms");
  await adminRooms.index("userId", true);
  const pmRooms = await NedbCollection.open<PmRoomRecord>(dir, "pmRooms");
  await pmRooms.index("roomId", true);
  const bans = await NedbCollection.open<BanRecord>(dir, "bans");
  const roomAccess = await NedbCollection.open<RoomAccessRecord>(dir, "roomAccess");
  await roomAccess.index("roomId", true);
  const channelKeys = await NedbCollection.open<ChannelKeyRecord>(dir, "channelKeys");
  const collections = [txns, rooms, puppets, marks, outbox, adminRooms, pmRooms, bans, roomAccess, channelKeys];
  return {
    transactions: new NedbTransactionLog(txns),
    rooms: new NedbRoomStore(rooms),
    puppets: new NedbPuppetStore(puppets),
    marks: new NedbMarkStore(marks),
    outbox: new NedbOutbox(outbox, new ConfirmJournal(dir)),
    adminRooms: new NedbAdminRoomStore(adminRooms),
    pmRooms: new NedbPmRoomStore(pmRooms),
    bans: new NedbBanStore(bans),
    roomAccess: new NedbRoomAccessStore(roomAccess),
    channelKeys: new NedbChannelKeyStore(channelKeys),
    async close() {
      if (dir !== undefined) await Promise.all(collections.map((c) => c.compact()));
    },
  };
}
