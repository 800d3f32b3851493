import type Datastore from "nedb";
import { deepCopy, match } from "nedb/lib/model";

/**
 * A read answered from a NeDB datastore's memory, without its executor, while no write of the
 * collection is under way (NedbCollection counts them).
 *
 * Why: NeDB runs every find through its executor queue and an async waterfall, a setImmediate at
 * each step: a findOne cost about ten turns of the event loop (npm run bench: some 45 per joining
 * user, nearly all NeDB's), and most of the store's CPU.
 *
 * Guarantee: the same documents, in the same order, as NeDB's find/findOne would give at that
 * moment. NeDB applies a write to memory before it calls back, and its executor runs tasks in the
 * order they were asked, so with no write waiting or running, memory is what a read queued now
 * would see. The candidates come from the index NeDB's getCandidates would pick (the first field
 * of the query, in the query's order, with a plain value and an index), else every document; each
 * is kept only if NeDB's own matcher accepts it, and handed out as NeDB's deep copy. A query NeDB
 * would answer through an $in or a range index is left to NeDB (undefined), since its order of
 * results could differ; so is any datastore with a TTL index (NeDB removes expired documents as
 * it reads).
 */
interface IndexInternals<T> {
  getMatching(value: unknown): T[];
}

interface DatastoreReadInternals<T> {
  readonly indexes: Readonly<Record<string, IndexInternals<T>>>;
  readonly ttlIndexes: Readonly<Record<string, unknown>>;
  getAllData(): T[];
}

const isPlain = (v: unknown): boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null || v instanceof Date;
const isIndexedOperator = (v: unknown): boolean =>
  typeof v === "object" && v !== null && ("$in" in v || "$lt" in v || "$lte" in v || "$gt" in v || "$gte" in v);

/**
 * NeDB's own documents (not copies: never to be changed or handed out) matching the query, at
 * most `limit`, in NeDB's order; undefined when NeDB must answer (see above).
 */
export function quietMatches<T extends object>(db: Datastore<T>, query: Readonly<Record<string, unknown>>, limit: number): T[] | undefined {
  const internals = db as Datastore<T> & DatastoreReadInternals<T>;
  // A TTL index makes NeDB remove expired documents as it reads: left to NeDB.
  for (const _field in internals.ttlIndexes) return undefined;
  let candidates: T[] | undefined;
  for (const [field, value] of Object.entries(query)) {
    const index = internals.indexes[field];
    if (index !== undefined && isPlain(value)) {
      candidates = index.getMatching(value);
      break;
    }
  }
  if (candidates === undefined) {
    for (const [field, value] of Object.entries(query)) if (internals.indexes[field] !== undefined && isIndexedOperator(value)) return undefined;
    candidates = internals.getAllData();
  }
  const found: T[] = [];
  for (const doc of candidates) {
    if (!match(doc, query)) continue;
    found.push(doc);
    if (found.length >= limit) break;
  }
  return found;
}

/** The matching documents (at most `limit`) as NeDB's copies, or undefined when NeDB must answer (see above). */
export function quietRead<T extends object>(db: Datastore<T>, query: Readonly<Record<string, unknown>>, limit: number): T[] | undefined {
  return quietMatches(db, query, limit)?.map((doc) => deepCopy(doc));
}
