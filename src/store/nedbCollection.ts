import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Datastore from "nedb";

/** A promise-returning wrapper around one NeDB datastore (one file, or memory when dir is undefined). */
export class NedbCollection<T extends object> {
  private readonly db: Datastore<T>;

  private constructor(db: Datastore<T>) {
    this.db = db;
  }

  static async open<T extends object>(dir: string | undefined, name: string): Promise<NedbCollection<T>> {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    const db = new Datastore<T>(dir === undefined ? { inMemoryOnly: true } : { filename: join(dir, `${name}.db`) });
    await new Promise<void>((resolve, reject) => db.loadDatabase((err) => (err ? reject(err) : resolve())));
    return new NedbCollection(db);
  }

  index(fieldName: string, unique: boolean): Promise<void> {
    return new Promise((resolve, reject) => this.db.ensureIndex({ fieldName, unique }, (err) => (err ? reject(err) : resolve())));
  }

  findOne(query: Partial<T> | Record<string, unknown>): Promise<T | null> {
    return new Promise((resolve, reject) => this.db.findOne<T>(query, (err, doc) => (err ? reject(err) : resolve(doc))));
  }

  find(query: Partial<T> | Record<string, unknown>): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.find<T>(query, (err: Error | null, docs: T[]) => (err ? reject(err) : resolve(docs))));
  }

  /** Inserts or replaces the document matching `query`. */
  upsert(query: Partial<T> | Record<string, unknown>, doc: T): Promise<void> {
    return new Promise((resolve, reject) => this.db.update(query, doc, { upsert: true }, (err) => (err ? reject(err) : resolve())));
  }

  remove(query: Partial<T> | Record<string, unknown>): Promise<number> {
    return new Promise((resolve, reject) => this.db.remove(query, { multi: true }, (err, n) => (err ? reject(err) : resolve(n))));
  }

  /** Rewrites the file without superseded lines (NeDB is append-only between compactions). */
  compact(): Promise<void> {
    return new Promise((resolve) => {
      this.db.once("compaction.done", () => resolve());
      this.db.persistence.compactDatafile();
    });
  }
}
