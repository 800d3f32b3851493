import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Datastore from "nedb";
import type { NedbAppender } from "./nedbAppender";
import { installNedbHooks } from "./nedbHooks";
import { quietRead } from "./nedbQuietRead";
import { quietUpsert } from "./nedbQuietWrite";
import { ignoreWrites, type WriteReports } from "./writeWatch";

/** Lines a file may grow by past twice its documents before it is rewritten (see Growth below). */
export const COMPACT_AFTER_LINES = 10000;

/**
 * A promise-returning wrapper around one NeDB datastore (one file, or memory when dir is undefined).
 * Every write's outcome is reported (writeWatch.ts). NeDB changes its memory before it appends to
 * the file, so a write the disk refused is still in memory: a compaction (which rewrites the file
 * from memory) is the repair that puts it on disk. On disk, writes are appended through a file
 * descriptor kept open (nedbAppender.ts), closed by `close`. While none of its writes is under way,
 * a read is answered from memory without NeDB's executor (nedbQuietRead.ts), and while nothing at
 * all is asked of NeDB, an upsert is done at once (nedbQuietWrite.ts): the same answers and changes.
 *
 * Growth: NeDB appends a line for every write and rewrites the file only when it loads it (and when
 * asked). A bridge that runs for weeks would grow its files without bound (a mark per delivered
 * message, a transaction per homeserver push), and NeDB reads a file as one string at start: past
 * about 512 MB it cannot start at all. Guarantee: once the lines appended since the file was last
 * rewritten exceed twice the documents it held then plus `compactAfter` (10,000), the collection
 * is compacted in the background, one compaction at a time; writes asked meanwhile wait their turn
 * in NeDB's executor, as behind any compaction. So a file holds at most about three times its
 * documents plus `compactAfter` lines, and each append pays at most half a line of rewriting. A
 * compaction the disk refuses is reported like a failed write, and none is started again in the
 * background until a rewrite succeeded (writeWatch.ts retries it as the repair): a failing disk is
 * not asked for a rewrite of the whole file at every write.
 */
export class NedbCollection<T extends object> {
  private readonly db: Datastore<T>;
  /** Writes asked of NeDB whose callback has not come yet: while any, reads queue behind them in NeDB. */
  private writing = 0;
  /** Anything asked of NeDB's executor (writes, reads it answers, a compaction) not called back yet: while any, writes queue behind it. */
  private queued = 0;
  /** Documents held when the file was last rewritten (at load, then at each compaction). */
  private heldAtRewrite = 0;
  /** A background compaction is under way. */
  private growing = false;
  /** A background compaction failed: none is tried again until a rewrite succeeds (writeWatch's repair retries it). */
  private growthRefused = false;
  /** Rewrites of the file since it was opened (compactions: asked, in the background, or repairs). */
  private rewritten = 0;

  private constructor(
    db: Datastore<T>,
    private readonly name: string,
    private readonly reports: WriteReports,
    private readonly inMemory: boolean,
    private readonly appender: NedbAppender | undefined,
    private readonly compactAfter: number,
  ) {
    this.db = db;
    // Only a file grows: in memory there is nothing to count.
    if (appender === undefined) return;
    this.heldAtRewrite = this.held();
    db.on("compaction.done", () => {
      this.rewritten++;
      this.heldAtRewrite = this.held();
      this.growthRefused = false;
    });
  }

  /** `compactAfter`: lines appended past twice the documents held before the file is rewritten (see Growth above). */
  static async open<T extends object>(dir: string | undefined, name: string, reports: WriteReports = ignoreWrites, compactAfter = COMPACT_AFTER_LINES): Promise<NedbCollection<T>> {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    const filename = dir === undefined ? undefined : join(dir, `${name}.db`);
    const db = new Datastore<T>(filename === undefined ? { inMemoryOnly: true } : { filename });
    const appender = installNedbHooks(db, filename);
    await new Promise<void>((resolve, reject) => db.loadDatabase((err) => (err ? reject(err) : resolve())));
    return new NedbCollection(db, name, reports, dir === undefined, appender, compactAfter);
  }

  /** How many times the file was rewritten since it was opened (0 in memory). */
  get rewrites(): number {
    return this.rewritten;
  }

  /** How many documents the datastore holds (a walk of its _id index: only when the file was rewritten). */
  private held(): number {
    return this.db.getAllData().length;
  }

  /** Starts a compaction in the background when the file has grown past its bound (see Growth above). */
  private boundGrowth(): void {
    const appender = this.appender;
    if (appender === undefined || this.growing || this.growthRefused) return;
    if (appender.appended <= 2 * this.heldAtRewrite + this.compactAfter) return;
    this.growing = true;
    void this.compact()
      .catch((err: unknown) => {
        this.growthRefused = true;
        this.reports.failed(this.name, err, () => this.compact());
      })
      .finally(() => {
        this.growing = false;
      });
  }

  index(fieldName: string, unique: boolean): Promise<void> {
    return new Promise((resolve, reject) => this.db.ensureIndex({ fieldName, unique }, (err) => (err ? reject(err) : resolve())));
  }

  findOne(query: Partial<T> | Record<string, unknown>): Promise<T | null> {
    const quiet = this.quiet(query, 1);
    if (quiet !== undefined) return quiet.then((docs) => docs[0] ?? null);
    return this.inNedb<T | null>(false, (done) => this.db.findOne<T>(query, done));
  }

  find(query: Partial<T> | Record<string, unknown>): Promise<T[]> {
    return this.quiet(query, Infinity) ?? this.inNedb<T[]>(false, (done) => this.db.find<T>(query, done));
  }

  /** Inserts or replaces the document matching `query`: at once when NeDB has nothing else to do (nedbQuietWrite.ts). */
  upsert(query: Partial<T> | Record<string, unknown>, doc: T): Promise<void> {
    const done = this.queued === 0 ? quietUpsert(this.db, query, doc) : undefined;
    if (done !== undefined) return this.reported(done);
    return this.reported(this.inNedb<undefined>(true, (finished) => this.db.update(query, doc, { upsert: true }, (err) => finished(err, undefined))));
  }

  remove(query: Partial<T> | Record<string, unknown>): Promise<number> {
    return this.reported(this.inNedb<number>(true, (done) => this.db.remove(query, { multi: true }, done)));
  }

  /** The read answered from memory when no write is under way (nedbQuietRead.ts); undefined: ask NeDB. */
  private quiet(query: Partial<T> | Record<string, unknown>, limit: number): Promise<T[]> | undefined {
    if (this.writing > 0) return undefined;
    try {
      const docs = quietRead(this.db, query, limit);
      return docs === undefined ? undefined : Promise.resolve(docs);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** A task asked of NeDB's executor, counted as under way (a write also as `writing`) until NeDB calls back. */
  private inNedb<R>(write: boolean, ask: (done: (err: Error | null, result: R) => void) => void): Promise<R> {
    this.queued++;
    if (write) this.writing++;
    const end = () => {
      this.queued--;
      if (write) this.writing--;
    };
    return new Promise<R>((resolve, reject) => {
      try {
        ask((err, result) => {
          end();
          if (err) reject(err);
          else resolve(result);
        });
      } catch (err) {
        // NeDB queues the task before anything can throw, so a throw here means it never will call back.
        end();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /**
   * Rewrites the file without superseded lines (NeDB is append-only between compactions). Rejects
   * when the rewrite failed: NeDB then emits nothing, so a query queued behind the compaction (its
   * executor runs tasks in order) tells that it is over.
   */
  compact(): Promise<void> {
    if (this.inMemory) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let done = false;
      const onDone = () => {
        done = true;
      };
      this.db.once("compaction.done", onDone);
      // Until the count queued behind it answers, a write waits its turn in NeDB (not appended to the file being replaced).
      this.queued++;
      this.db.persistence.compactDatafile();
      this.db.count({}, () => {
        this.queued--;
        this.db.removeListener("compaction.done", onDone);
        if (done) resolve();
        else reject(Object.assign(new Error(`cannot rewrite the ${this.name} collection`), { code: "EIO" }));
      });
    });
  }

  /**
   * Closes the file kept open for appends (after the writes already asked). Call it after the last
   * compaction; a write after it still works (it opens and closes the file, as NeDB did).
   */
  close(): Promise<void> {
    return this.appender?.close() ?? Promise.resolve();
  }

  private async reported<R>(write: Promise<R>): Promise<R> {
    try {
      const result = await write;
      this.reports.ok(this.name);
      this.boundGrowth();
      return result;
    } catch (err) {
      this.reports.failed(this.name, err, () => this.compact());
      throw err;
    }
  }
}
