/**
 * One collection of records, as the store's classes (nedbStore.ts) use it, whatever keeps it: NeDB
 * files (nedbCollection.ts) or PostgreSQL (pgCollection.ts). A query is NeDB's: fields equal to
 * values, `{ field: { $lt | $ne: value } }`, `{ field: { $exists: false } }`, and `$not` of such a query.
 */
export type DocQuery = Readonly<Record<string, unknown>>;

export interface DocCollection<T extends object> {
  findOne(query: DocQuery): Promise<T | null>;
  find(query: DocQuery): Promise<T[]>;
  /** Inserts or replaces the document matching `query`. */
  upsert(query: DocQuery, doc: T): Promise<void>;
  /** Removes every document matching `query`; how many. */
  remove(query: DocQuery): Promise<number>;
  /** Rewrites storage without what was removed or replaced (NeDB); nothing to do elsewhere. */
  compact(): Promise<void>;
  /** Releases what the collection holds open (NeDB: its append descriptor); nothing elsewhere. */
  close(): Promise<void>;
}
