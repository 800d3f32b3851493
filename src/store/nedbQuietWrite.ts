import type Datastore from "nedb";
import { checkObject, modify } from "nedb/lib/model";
import { quietMatches } from "./nedbQuietRead";

/**
 * An upsert done on a NeDB datastore at once, without its executor, while nothing else of the
 * collection is under way (NedbCollection: no read or write queued in NeDB, no compaction).
 *
 * Why: NeDB's update goes through its executor queue and two async waterfalls, a setImmediate at
 * each step, about eight turns of the event loop per write (a joining user's three writes: its
 * puppet record twice, the transaction log once).
 *
 * Guarantee: the same change, in memory and in the file, with the same outcome, as NeDB 1.8's
 * `update(query, doc, { upsert: true })` run then: the first matching document (the candidates
 * and order of nedbQuietRead.ts) is replaced through NeDB's own modify, updateIndexes (a unique
 * constraint refused leaves every index as it was) and persistNewState; with no match, `doc` is
 * inserted through NeDB's own _insert (its _id, checks and indexes). The promise settles once, with
 * NeDB's error if any; when the append itself fails, memory keeps the change, as NeDB's does (see
 * NedbCollection). Returns undefined, having done nothing, where NeDB must do it: a query it would
 * answer through an $in or a range index, a TTL index, timestamps (timestampData), or a document
 * with modifiers ($set...) instead of a whole replacement.
 */
interface DatastoreWriteInternals<T> {
  readonly timestampData: boolean;
  updateIndexes(modifications: readonly { readonly oldDoc: T; readonly newDoc: T }[]): void;
  _insert(doc: T, callback: (err: Error | null) => void): void;
  readonly persistence: { persistNewState(docs: readonly T[], callback: (err: Error | null) => void): void };
}

export function quietUpsert<T extends object>(db: Datastore<T>, query: Readonly<Record<string, unknown>>, doc: T): Promise<void> | undefined {
  const internals = db as Datastore<T> & DatastoreWriteInternals<T>;
  if (internals.timestampData) return undefined;
  try {
    checkObject(doc);
  } catch {
    return undefined;
  }
  const found = quietMatches(db, query, 1);
  if (found === undefined) return undefined;
  const old = found[0];
  return new Promise((resolve, reject) => {
    const done = (err: Error | null) => (err ? reject(err) : resolve());
    if (old === undefined) return internals._insert(doc, done);
    let changed: T;
    try {
      changed = modify(old, doc);
      internals.updateIndexes([{ oldDoc: old, newDoc: changed }]);
    } catch (err) {
      return done(err instanceof Error ? err : new Error(String(err)));
    }
    internals.persistence.persistNewState([changed], done);
  });
}
