import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ignoreWrites, type WriteReports } from "./writeWatch";

/**
 * An append-only journal of records waiting for something (IRC -> Matrix sends waiting for the
 * homeserver). "A <json>" is appended, synchronously, when a record is added and "D <id>" when it
 * is done, so a record added before a crash (even SIGKILL) is found again by `load` after the
 * restart, in the order it was added. The file is rewritten with only what is still pending at
 * load and whenever done lines outnumber pending ones, and at once when a record the codec says
 * must not stay (a private message kept in clear) is done. What a record looks like on disk is
 * the codec's (a private message's body sealed, see secrets/pmSeal.ts). In memory only when `dir`
 * is undefined.
 * Not guaranteed: survival of a power loss (no fsync per line; the OS flushes).
 *
 * When the disk refuses a line (full, read-only: writeWatch.ts), the record stays pending in memory
 * and is still delivered; the failure is reported and repaired by a rewrite of everything pending
 * once the disk takes writes again. Meanwhile a record is durable only in memory: a crash before the
 * repair loses it from the journal, and only the channel's history (chathistory, from the channel's
 * last delivered mark, which never passes an undelivered message) can bring it back.
 */

/** How records are written to and read from the file. */
export interface JournalCodec<T> {
  /** The record as written to disk. */
  toDisk(record: T): unknown;
  /** What was written, back as the value `load`'s parse reads; undefined drops it. */
  fromDisk(value: unknown): unknown;
  /** Whether the record must leave the file as soon as it is done (its text is in clear there). */
  eraseWhenDone(record: T): boolean;
}

const PLAIN: JournalCodec<never> = { toDisk: (r) => r, fromDisk: (v) => v, eraseWhenDone: () => false };
export class SendJournal<T extends { readonly id: string }> {
  private readonly file: string | undefined;
  private readonly pending = new Map<string, T>();
  private doneSinceRewrite = 0;

  constructor(
    dir: string | undefined,
    private readonly name: string,
    private readonly reports: WriteReports = ignoreWrites,
    private readonly codec: JournalCodec<T> = PLAIN,
  ) {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    this.file = dir === undefined ? undefined : join(dir, name);
  }

  /** Reads what a previous run left pending (oldest first) and compacts the file. */
  load(parse: (value: unknown) => T | undefined): T[] {
    this.pending.clear();
    if (this.file !== undefined) {
      let text = "";
      try {
        text = readFileSync(this.file, "utf8");
      } catch {
        text = "";
      }
      for (const line of text.split("\n")) {
        if (line.startsWith("A ")) {
          let record: T | undefined;
          try {
            const value = this.codec.fromDisk(JSON.parse(line.slice(2)));
            record = value === undefined ? undefined : parse(value);
          } catch {
            record = undefined; // a line torn by a crash mid-write
          }
          if (record !== undefined) this.pending.set(record.id, record);
        } else if (line.startsWith("D ")) this.pending.delete(line.slice(2));
      }
      this.guarded(() => this.rewrite());
    }
    return [...this.pending.values()];
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  get size(): number {
    return this.pending.size;
  }

  add(record: T): void {
    this.pending.set(record.id, record);
    this.append(`A ${JSON.stringify(this.codec.toDisk(record))}`);
  }

  done(id: string): void {
    const record = this.pending.get(id);
    if (record === undefined || !this.pending.delete(id)) return;
    if (this.codec.eraseWhenDone(record)) {
      this.rewrite();
      return;
    }
    this.append(`D ${id}`);
    this.doneSinceRewrite++;
    if (this.doneSinceRewrite > 1000 && this.doneSinceRewrite > this.pending.size) this.guarded(() => this.rewrite());
  }

  private append(line: string): void {
    const file = this.file;
    if (file !== undefined) this.guarded(() => appendFileSync(file, `${line}\n`));
  }

  /** Runs a write; a disk error is reported (and repaired later by a rewrite), others are thrown. */
  private guarded(write: () => void): void {
    try {
      write();
      this.reports.ok(this.name);
    } catch (err) {
      if (!this.reports.failed(this.name, err, () => this.rewrite())) throw err;
    }
  }

  private rewrite(): void {
    this.doneSinceRewrite = 0;
    if (this.file === undefined) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, [...this.pending.values()].map((r) => `A ${JSON.stringify(this.codec.toDisk(r))}\n`).join(""));
    renameSync(tmp, this.file);
  }
}
