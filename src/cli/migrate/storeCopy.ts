/**
 * This bridge's own NeDB store (the files under datastore.path), copied document by document into
 * another store (PostgreSQL), collection by collection, through the target's DocCollections: the
 * documents arrive exactly as the bridge wrote them (sealed passwords and keys stay sealed with the
 * same key file; nothing is opened).
 *
 * Guarantee: each document is upserted by the fields the store's own upserts use as its key
 * (KEY_FIELDS, one entry per collection: the compiler refuses a collection without one), so a
 * document copied twice is one document, and a copy resumed after an interruption duplicates nothing.
 * Documents without their key fields (records of older versions the bridge drops on load) are skipped.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DocCollection } from "../../store/docCollection";
import { fileStamp, readNedbFile } from "../../store/nedbFile";
import type { CollectionName } from "../../store/nedbStore";

export const KEY_FIELDS: Readonly<Record<CollectionName, readonly string[]>> = {
  transactions: ["txnId"],
  rooms: ["roomId"],
  puppets: ["network", "userId"],
  marks: ["network", "folded"],
  outbox: ["eventId"],
  adminRooms: ["userId"],
  pmRooms: ["network", "userId", "folded"],
  bans: ["roomId", "userId"],
  roomAccess: ["roomId"],
  channelKeys: ["network", "user", "folded"],
  stsPolicies: ["network", "host"],
};

export const COLLECTIONS = Object.keys(KEY_FIELDS) as CollectionName[];

export interface CollectionSource {
  readonly name: CollectionName;
  readonly stamp: string;
  readonly docs: readonly Record<string, unknown>[];
  /** Documents left behind (no key fields; unreadable lines). */
  readonly skipped: number;
}

/** The store's NeDB files under `dir` (a missing file is an empty collection); nothing is written. */
export function readStoreFiles(dir: string): CollectionSource[] {
  if (!existsSync(dir)) throw new Error(`no NeDB store at ${dir} (datastore.path): nothing to copy`);
  if (!COLLECTIONS.some((name) => existsSync(join(dir, `${name}.db`)))) throw new Error(`${dir} (datastore.path) holds none of the store's files (rooms.db, puppets.db, ...)`);
  return COLLECTIONS.map((name) => {
    const file = join(dir, `${name}.db`);
    if (!existsSync(file)) return { name, stamp: "none", docs: [], skipped: 0 };
    const read = readNedbFile(file);
    const docs: Record<string, unknown>[] = [];
    let skipped = read.corrupt;
    for (const { _id, ...doc } of read.docs) {
      if (KEY_FIELDS[name].every((field) => typeof doc[field] === "string")) docs.push(doc);
      else skipped++;
    }
    return { name, stamp: fileStamp(file), docs, skipped };
  });
}

/**
 * Fields a collection keeps unique besides its key (a unique index: PostgreSQL's and NeDB's), which
 * the store's own put frees first: a private-message room id moved to another conversation.
 */
const UNIQUE_BESIDES: Partial<Record<CollectionName, string>> = { pmRooms: "roomId" };

/**
 * Upserts one document into its collection by its key fields; as the store's put does, a document
 * of another key holding the same unique field (UNIQUE_BESIDES) is removed first.
 */
export async function copyDoc(name: CollectionName, into: DocCollection<object>, doc: Record<string, unknown>): Promise<void> {
  const query: Record<string, unknown> = {};
  for (const field of KEY_FIELDS[name]) query[field] = doc[field];
  const unique = UNIQUE_BESIDES[name];
  if (unique !== undefined) await into.remove({ [unique]: doc[unique], $not: query });
  await into.upsert(query, doc);
}
