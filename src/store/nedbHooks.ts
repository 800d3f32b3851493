import type Datastore from "nedb";
import { NedbAppender, type WriteDone } from "./nedbAppender";
import { NedbIds } from "./nedbIds";

/**
 * Where NedbCollection replaces two of NeDB 1.8's internal methods on one datastore (they are not
 * in NeDB's published types; these are the shapes NeDB 1.8 has):
 * - `persistence.persistNewState`, every write's append, by a NedbAppender (one descriptor kept
 *   open; see its guarantees), closed after every compaction;
 * - `createNewId` by NedbIds (no randomBytes per insert; still checked against the `_id` index).
 * Installed before `loadDatabase`, so every write of the datastore goes through them (in memory,
 * only the ids: there is no file).
 */
interface PersistenceInternals extends Datastore.Persistence {
  persistNewState(docs: object[], done: WriteDone): void;
  afterSerialization(line: string): string;
}

interface DatastoreInternals {
  createNewId(): string;
  readonly indexes: { readonly _id: { getMatching(value: string): readonly unknown[] } };
}

/**
 * Installs the ids, and for a datastore on disk (a filename) the appender, which it returns (to
 * close with the collection).
 */
export function installNedbHooks<T>(db: Datastore<T>, filename: string | undefined): NedbAppender | undefined {
  const internals = db as Datastore<T> & DatastoreInternals;
  const ids = new NedbIds();
  internals.createNewId = () => ids.next((id) => internals.indexes._id.getMatching(id).length > 0);
  if (filename === undefined) return undefined;
  const persistence = db.persistence as PersistenceInternals;
  const appender = new NedbAppender(filename, (line) => persistence.afterSerialization(line));
  persistence.persistNewState = (docs, done) => appender.persist(docs, done);
  db.on("compaction.done", () => appender.release());
  return appender;
}
