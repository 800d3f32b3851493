import { closeSync, fstatSync, openSync, statSync, writeSync } from "node:fs";
import { serialize } from "nedb/lib/model";

/**
 * Appends NeDB's writes to its data file through one file descriptor kept open, instead of NeDB's
 * `fs.appendFile` per write (an open, a write and a close each time).
 *
 * Guarantees:
 * - The file format is NeDB's: each document serialized by NeDB's own `model.serialize` (through
 *   the datastore's afterSerialization hook), one per line, every line ending in "\n": the bytes
 *   NeDB's `persistNewState` would append, so NeDB and nedbFile.ts read the file as before.
 * - Order: each append is written before `persist` returns (synchronous writes), so appends land in
 *   the order they were asked, whoever asks them (NeDB's executor, or ensureIndex, which does not
 *   go through it). A write's callback is called only once all its bytes were written, or with the
 *   error that stopped it; after an error the descriptor is dropped and the next write opens the
 *   path again. The callback is called before `persist` returns, as NeDB's in-memory datastores
 *   call theirs.
 * - Each write lands in the file the path names when the write starts, as with NeDB's appendFile:
 *   before each write the descriptor's file (device, inode) is compared with the path's, and the
 *   path is opened again when they differ (the file was replaced: by a compaction, which renames a
 *   temporary file over it, by a repair, or by hand) or is missing (then created).
 * - After a compaction (`compaction.done`, also at load) the descriptor on the old, unlinked file
 *   is closed at once, so its disk space is freed; `close` closes it for good (a write after that
 *   opens the file, writes and closes it again, as NeDB did).
 * - Why synchronous: an append of a few hundred bytes goes to the page cache. Through libuv's
 *   thread pool (fs.write) it cost about 35 µs of CPU (a hand-off to a pool thread and back);
 *   written in place (fs.writeSync) about 3 µs (`npm run bench:store` gives the whole upsert).
 *   The price: while the kernel takes an append, the event loop waits; a disk so slow that an
 *   append blocks (the kernel throttling a writer with too many dirty pages) holds the bridge for
 *   as long, where before it held only the store's queue.
 * - Durability is NeDB's, no less, no more: no fsync after an append (appendFile had none either);
 *   compactions still fsync as NeDB does. Errors of closing a descriptor are ignored: every write
 *   through it was already reported.
 * - `appended` counts the documents appended since the last compaction (`release`), so the
 *   collection can tell how far the file has grown past what it holds (nedbCollection.ts).
 * Not guaranteed: more than NeDB's appendFile did if the file is replaced between the identity
 * check and the write (the write then lands in the replaced file, as it would have after open).
 */
export type WriteDone = (err: Error | null) => void;

export class NedbAppender {
  private fd: number | undefined;
  private dev = 0;
  private ino = 0;
  private closed = false;
  /** Documents appended since the file was last rewritten (a compaction). */
  appended = 0;

  constructor(
    private readonly path: string,
    private readonly afterSerialization: (line: string) => string = (line) => line,
  ) {}

  /** NeDB's `persistNewState(newDocs, callback)`: appends the documents as lines, in order; `done` is called before it returns. */
  persist(docs: readonly object[], done: WriteDone): void {
    let text = "";
    for (const doc of docs) text += `${this.afterSerialization(serialize(doc))}\n`;
    if (text.length === 0) return done(null);
    let err: Error | null = null;
    try {
      this.append(Buffer.from(text, "utf8"));
      this.appended += docs.length;
    } catch (e) {
      this.drop();
      err = e instanceof Error ? e : new Error(String(e));
    }
    // A write that opened the file after close() closes it again, as NeDB's appendFile did.
    if (this.closed) this.drop();
    done(err);
  }

  /** After a compaction: closes the descriptor (the next write opens the new file) and counts appends from 0. */
  release(): void {
    this.appended = 0;
    this.drop();
  }

  /** Closes the descriptor for good. */
  close(): Promise<void> {
    this.closed = true;
    this.drop();
    return Promise.resolve();
  }

  private append(bytes: Buffer): void {
    const fd = this.fd !== undefined && this.isCurrent() ? this.fd : this.reopen();
    for (let offset = 0; offset < bytes.length; ) {
      const written = writeSync(fd, bytes, offset, bytes.length - offset, null);
      if (written === 0) throw Object.assign(new Error(`nothing could be written to ${this.path}`), { code: "EIO" });
      offset += written;
    }
  }

  /** Opens the path for appending (creating it), notes which file it is, and returns the descriptor. */
  private reopen(): number {
    this.drop();
    const fd = openSync(this.path, "a");
    try {
      const stat = fstatSync(fd);
      this.dev = stat.dev;
      this.ino = stat.ino;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
    return fd;
  }

  /** Whether the descriptor's file is still the one the path names. */
  private isCurrent(): boolean {
    try {
      const stat = statSync(this.path, { throwIfNoEntry: false });
      return stat !== undefined && stat.ino === this.ino && stat.dev === this.dev;
    } catch {
      return false;
    }
  }

  /** Closes the descriptor, if open. */
  private drop(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // Every write through it was already reported.
    }
  }
}
