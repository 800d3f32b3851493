import type { Logger } from "../observability/logger";
import { PmBodySeal } from "../secrets/pmSeal";
import { ConfirmJournal } from "./confirmJournal";
import type { DocCollection } from "./docCollection";
import { NedbCollection } from "./nedbCollection";
import { ignoreWrites, type WriteReports } from "./writeWatch";
import type {
  AdminRoomRecord,
  AdminRoomStore,
  ChannelKeyRecord,
  ChannelKeyStore,
  StoredChannelKeyRecord,
  StsPolicyRecord,
  StsPolicyStore,
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
  constructor(private readonly docs: DocCollection<TxnDoc>) {}

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
  constructor(private readonly docs: DocCollection<RoomRecord>) {}
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
  constructor(private readonly docs: DocCollection<PuppetRecord>) {}
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
  constructor(private readonly docs: DocCollection<ChannelMark>) {}
  async all(network: string): Promise<ChannelMark[]> {
    return (await this.docs.find({ network })).map(strip);
  }
  put(mark: ChannelMark): Promise<void> {
    return this.docs.upsert({ network: mark.network, folded: mark.folded }, { ...mark });
  }
}

class NedbAdminRoomStore implements AdminRoomStore {
  constructor(private readonly docs: DocCollection<AdminRoomRecord>) {}
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
  constructor(private readonly docs: DocCollection<PmRoomRecord>) {}
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
  constructor(private readonly docs: DocCollection<BanRecord>) {}
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
  async moveRoom(from: string, to: string): Promise<void> {
    for (const doc of await this.docs.find({ roomId: from })) {
      const record = strip(doc);
      await this.put({ ...record, roomId: to });
      await this.docs.remove({ roomId: from, userId: record.userId });
    }
  }
}

class NedbRoomAccessStore implements RoomAccessStore {
  constructor(private readonly docs: DocCollection<RoomAccessRecord>) {}
  async all(): Promise<RoomAccessRecord[]> {
    return (await this.docs.find({})).map(strip);
  }
  put(record: RoomAccessRecord): Promise<void> {
    return this.docs.upsert({ roomId: record.roomId }, { ...record, grants: record.grants.map((g) => ({ ...g })) });
  }
}

class NedbChannelKeyStore implements ChannelKeyStore {
  constructor(private readonly docs: DocCollection<ChannelKeyRecord>) {}
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

/** An outbox entry as stored: a private message's body may be sealed (then `body` is empty). */
type OutboxDoc = OutboxEntry & { readonly sealedBody?: string };

/**
 * The Matrix -> IRC outbox. A private message's body is stored sealed when there is a key; without
 * one it is stored in clear and the file is compacted as soon as the message leaves the outbox, so
 * the body is not left on disk behind NeDB's deletion marker (secrets/pmSeal.ts).
 */
class NedbOutbox implements Outbox {
  /** Entries in the outbox; when none is left the journal has nothing to say and is emptied. */
  private count = 0;
  /** Private messages whose body is in the file in clear: it is compacted when they leave. */
  private readonly inClear = new Set<string>();

  constructor(
    private readonly docs: DocCollection<OutboxDoc>,
    private readonly journal: ConfirmJournal,
    private readonly pmSeal: PmBodySeal,
    private readonly log: Logger | undefined,
    /** False in memory: there is no file to compact. */
    private readonly onDisk: boolean,
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
    const sealed = entry.pm === true ? this.pmSeal.close(entry.body, "matrix-to-irc", entry.eventId, entry.sender) : undefined;
    if (entry.pm === true && sealed === undefined) this.inClear.add(entry.eventId);
    await this.docs.upsert({ eventId: entry.eventId }, sealed === undefined ? { ...entry } : { ...entry, body: "", sealedBody: sealed });
  }
  async remove(eventId: string): Promise<void> {
    const removed = await this.docs.remove({ eventId });
    this.count = Math.max(0, this.count - removed);
    if (this.count === 0) this.journal.clear();
    if (this.inClear.delete(eventId) && this.onDisk) await this.docs.compact();
  }
  /** Entries still to send, oldest first; those the journal says were confirmed are dropped now. */
  async pending(): Promise<{ entry: OutboxEntry; handed: boolean }[]> {
    const { handed, confirmed } = this.journal.read();
    for (const eventId of confirmed) await this.docs.remove({ eventId });
    const entries: OutboxEntry[] = [];
    for (const doc of (await this.docs.find({})).map(strip)) {
      const { sealedBody, ...entry } = doc;
      if (sealedBody === undefined) {
        if (entry.pm === true) this.inClear.add(entry.eventId);
        entries.push(entry);
        continue;
      }
      const body = this.pmSeal.open(sealedBody, "matrix-to-irc", entry.eventId, entry.sender);
      if (body !== undefined) entries.push({ ...entry, body });
      else {
        this.log?.warn("a private message to IRC left by a restart cannot be opened (was the password key file changed?); dropped", { event: entry.eventId });
        await this.docs.remove({ eventId: entry.eventId });
      }
    }
    entries.sort((a, b) => a.seq - b.seq);
    if (this.onDisk && confirmed.size > 0) await this.docs.compact();
    this.journal.clear();
    for (const entry of entries) if (handed.has(entry.eventId)) this.journal.handed(entry.eventId);
    this.count = entries.length;
    return entries.map((entry) => ({ entry, handed: handed.has(entry.eventId) }));
  }
}

class NedbStsPolicyStore implements StsPolicyStore {
  constructor(private readonly docs: DocCollection<StsPolicyRecord>) {}
  async all(network: string): Promise<StsPolicyRecord[]> {
    return (await this.docs.find({ network })).map(strip);
  }
  put(record: StsPolicyRecord): Promise<void> {
    return this.docs.upsert({ network: record.network, host: record.host }, { ...record });
  }
  async remove(network: string, host: string): Promise<void> {
    await this.docs.remove({ network, host });
  }
}

/** What the store needs besides its directory. */
export interface NedbStoreOptions {
  /** Seals private-message bodies in the outbox (without a key: erased once sent). */
  readonly pmSeal?: PmBodySeal;
  readonly log?: Logger;
  /** Where failed and recovered writes are reported (a full disk: see writeWatch.ts). */
  readonly reports?: WriteReports;
}

/**
 * Fields a collection is looked up by on every join (a user's puppet record and whether a username
 * is taken, a user's ban in a room, PM rooms, channel keys), indexed in NeDB: a query on a field
 * without an index reads every document, so each join cost time in proportion to the users before.
 */
const NEDB_LOOKUPS: Partial<Record<CollectionName, readonly string[]>> = { puppets: ["userId", "username"], bans: ["userId"], pmRooms: ["userId"], channelKeys: ["user"] };

/** Opens the NeDB store: one file per collection under `dir`, or all in memory when dir is undefined. */
export async function openNedbStore(dir: string | undefined, options: NedbStoreOptions = {}): Promise<Store> {
  const reports = options.reports ?? ignoreWrites;
  const open = async <T extends object>(name: CollectionName, unique?: string): Promise<DocCollection<T>> => {
    const docs = await NedbCollection.open<T>(dir, name, reports);
    if (unique !== undefined) await docs.index(unique, true);
    for (const field of NEDB_LOOKUPS[name] ?? []) await docs.index(field, false);
    return docs;
  };
  return buildStore(open, { journalDir: dir, onDisk: dir !== undefined, reports, options, close: () => Promise.resolve() });
}

/** The store's collections, by name (a NeDB file or a PostgreSQL table each). */
export type CollectionName = "transactions" | "rooms" | "puppets" | "marks" | "outbox" | "adminRooms" | "pmRooms" | "bans" | "roomAccess" | "channelKeys" | "stsPolicies";

export interface StoreFrame {
  /** Where the outbox's confirm journal is kept (undefined: memory). */
  readonly journalDir: string | undefined;
  /** Whether removed documents stay in a file until compacted (NeDB on disk). */
  readonly onDisk: boolean;
  readonly reports: WriteReports;
  readonly options: NedbStoreOptions;
  /** Releases what the backend holds (a connection pool), after the collections are compacted. */
  readonly close: () => Promise<void>;
}

/** The store over any collection backend (NeDB here, PostgreSQL in pgStore.ts): the same records and rules. */
export async function buildStore(open: <T extends object>(name: CollectionName, unique?: string) => Promise<DocCollection<T>>, frame: StoreFrame): Promise<Store> {
  const txns = await open<TxnDoc>("transactions", "txnId");
  const rooms = await open<RoomRecord>("rooms", "roomId");
  const puppets = await open<PuppetRecord>("puppets");
  const marks = await open<ChannelMark>("marks");
  const outbox = await open<OutboxDoc>("outbox", "eventId");
  const adminRooms = await open<AdminRoomRecord>("adminRooms", "userId");
  const pmRooms = await open<PmRoomRecord>("pmRooms", "roomId");
  const bans = await open<BanRecord>("bans");
  const roomAccess = await open<RoomAccessRecord>("roomAccess", "roomId");
  const channelKeys = await open<ChannelKeyRecord>("channelKeys");
  const stsPolicies = await open<StsPolicyRecord>("stsPolicies");
  const collections = [txns, rooms, puppets, marks, outbox, adminRooms, pmRooms, bans, roomAccess, channelKeys, stsPolicies];
  const { options } = frame;
  return {
    transactions: new NedbTransactionLog(txns),
    rooms: new NedbRoomStore(rooms),
    puppets: new NedbPuppetStore(puppets),
    marks: new NedbMarkStore(marks),
    outbox: new NedbOutbox(outbox, new ConfirmJournal(frame.journalDir, frame.reports), options.pmSeal ?? new PmBodySeal(undefined), options.log, frame.onDisk),
    adminRooms: new NedbAdminRoomStore(adminRooms),
    pmRooms: new NedbPmRoomStore(pmRooms),
    bans: new NedbBanStore(bans),
    roomAccess: new NedbRoomAccessStore(roomAccess),
    channelKeys: new NedbChannelKeyStore(channelKeys),
    stsPolicies: new NedbStsPolicyStore(stsPolicies),
    async close() {
      // A compaction the disk refuses leaves the file as it was (reported by each write already).
      if (frame.onDisk) await Promise.allSettled(collections.map((c) => c.compact()));
      // After the compactions: the files NeDB kept open for appends are released.
      await Promise.all(collections.map((c) => c.close()));
      await frame.close();
    },
  };
}
