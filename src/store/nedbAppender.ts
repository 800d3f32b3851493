import { close, fstatSync, open, statSync, write } from "node:fs";
import { serialize } from "nedb/lib/model";

/**
 * Appends NeDB's writes to its data file through one file descriptor kept open, instead of NeDB's
 * `fs.appendFile` per write (an open, a write and a close each time).
 *
 * Guarantees:
 * - The file format is NeDB's: each document serialized by NeDB's own `model.serialize` (through
 *   the datastore's afterSerialization hook), one per line, every line ending in "\n": the bytes
 *   NeDB's `persistNewState` would append, so NeDB and nedbFile.ts read the file as before.
 * - Order: appends are written one at a time, in the order they were asked (NeDB's executor asks
 *   them one at a time already; ensureIndex does not go through it, hence a queue here). A write's
 *   callback is called only once all its bytes were written, or with the error that stopped it;
 *   after an error the descriptor is dropped and the next write opens the path again.
 * - Each write lands in the file the path names when the write starts, as with NeDB's appendFile:
 *   before each write the descriptor's file (device, inode) is compared with the path's, and the
 *   path is opened again when they differ (the file was replaced: by a compaction, which renames a
 *   temporary file over it, by a repair, or by hand) or is missing (then created).
 * - After a compaction (`compaction.done`, also at load) the descriptor on the old, unlinked file
 *   is closed at once, so its disk space is freed; `close` closes it for good (a write after that
 *   opens the file, writes and closes it again, as NeDB did).
 * - Durability is NeDB's, no less, no more: no fsync after an append (appendFile had none either);
 *   compactions still fsync as NeDB does. Errors of closing a descriptor are ignored: every write
 *   through it was already reported.
 * Not guaranteed: more than NeDB's appendFile did if the file is replaced between the identity
 * check and the write (the write then lands in the replaced file, as it would have after open).
 */
export type WriteDone = (err: Error | null) => void;

interface Task {
  /** What to append; undefined: close the descriptor. */
  readonly bytes: Buffer | undefined;
  readonly done: WriteDone;
}

export class NedbAppender {
  private fd: number | undefined;
  private dev = 0;
  private ino = 0;
  private readonly queue: Task[] = [];
  private busy = false;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly afterSerialization: (line: string) => string = (line) => line,
  ) {}

  /** NeDB's `persistNewState(newDocs, callback)`: appends the documents as lines, in order. */
  persist(docs: readonly object[], done: WriteDone): void {
    let text = "";
    for (const doc of docs) text += `${this.afterSerialization(serialize(doc))}\n`;
    if (text.length === 0) return done(null);
    this.push({ bytes: Buffer.from(text, "utf8"), done });
  }

  /** Closes the descriptor after the writes already asked; the next write opens the path again. */
  release(): void {
    this.push({ bytes: undefined, done: () => undefined });
  }

  /** Closes the descriptor for good, after the writes already asked. */
  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.push({ bytes: undefined, done: () => resolve() }));
  }

  private push(task: Task): void {
    this.queue.push(task);
    if (!this.busy) this.next();
  }

  private next(): void {
    const task = this.queue.shift();
    if (task === undefined) {
      this.busy = false;
      if (this.closed) this.drop();
      return;
    }
    this.busy = true;
    const finish = (err: Error | null): void => {
      if (err !== null) this.drop();
      task.done(err);
      this.next();
    };
    if (task.bytes === undefined) return this.drop(() => finish(null));
    const bytes = task.bytes;
    if (this.fd !== undefined && this.isCurrent()) return this.writeAll(this.fd, bytes, 0, finish);
    this.drop();
    open(this.path, "a", (err, fd) => {
      if (err !== null) return finish(err);
      try {
        const stat = fstatSync(fd);
        this.dev = stat.dev;
        this.ino = stat.ino;
      } catch (statErr) {
        close(fd, () => undefined);
        return finish(statErr instanceof Error ? statErr : new Error(String(statErr)));
      }
      this.fd = fd;
      this.writeAll(fd, bytes, 0, finish);
    });
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

  private writeAll(fd: number, bytes: Buffer, offset: number, done: WriteDone): void {
    write(fd, bytes, offset, bytes.length - offset, null, (err, written) => {
      if (err !== null) return done(err);
      if (written === 0) return done(Object.assign(new Error(`nothing could be written to ${this.path}`), { code: "EIO" }));
      if (offset + written < bytes.length) return this.writeAll(fd, bytes, offset + written, done);
      done(null);
    });
  }

  /** Closes the descriptor, if open; `closed` is called once it is. */
  private drop(closed?: () => void): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) closed?.();
    else close(fd, () => closed?.());
  }
}
