import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Datastore from "nedb";
import { NedbCollection } from "../../src/store/nedbCollection";
import { readNedbFile } from "../../src/store/nedbFile";
import { NedbIds } from "../../src/store/nedbIds";
import { openNedbStore } from "../../src/store/nedbStore";
import type { WriteReports } from "../../src/store/writeWatch";
import { tempDirs } from "../support/tempDirs";
import { until } from "../support/until";

/**
 * NeDB's appends through a descriptor kept open (nedbAppender.ts), on real files: what lands in the
 * file the path names, in NeDB's format, across compactions, replaced files and a full disk.
 */
const tempDir = tempDirs("nedbappend");

/** Files this process holds open under `dir` (Linux: /proc/self/fd), "(deleted)" for unlinked ones. */
function openFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // The descriptor readdir itself used, closed since.
    }
  }
  return out;
}

interface Doc {
  readonly key: string;
  readonly n: number;
}

/** The documents in the file now (without opening it as a datastore), by key. */
function onDisk(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const doc of readNedbFile(path).docs) out[String(doc.key)] = Number(doc.n);
  return out;
}

describe("NeDB appends through a descriptor kept open", () => {
  it("appends the very bytes NeDB's own appendFile writes (same documents, same order, dates included)", async () => {
    const ours = tempDir();
    const theirs = tempDir();
    type Dated = { _id: string; n: number; at: Date; list: string[] };
    const docs = await NedbCollection.open<Dated>(ours, "c");
    const plain = new Datastore<Dated>({ filename: join(theirs, "c.db") });
    await new Promise<void>((resolve, reject) => plain.loadDatabase((err) => (err ? reject(err) : resolve())));
    const ops: [string, Dated][] = [
      ["a", { _id: "a", n: 1, at: new Date(1000), list: ["x"] }],
      ["b", { _id: "b", n: 2, at: new Date(2000), list: [] }],
      ["a", { _id: "a", n: 3, at: new Date(3000), list: ["é", "\n"] }],
    ];
    for (const [id, doc] of ops) {
      await docs.upsert({ _id: id }, doc);
      await new Promise<void>((resolve, reject) => plain.update({ _id: id }, doc, { upsert: true }, (err) => (err ? reject(err) : resolve())));
    }
    await docs.remove({ _id: "b" });
    await new Promise<void>((resolve, reject) => plain.remove({ _id: "b" }, {}, (err) => (err ? reject(err) : resolve())));
    await docs.index("n", false);
    await new Promise<void>((resolve, reject) => plain.ensureIndex({ fieldName: "n", unique: false }, (err) => (err ? reject(err) : resolve())));
    const bytes = readFileSync(join(ours, "c.db"), "utf8");
    assert.ok(bytes.split("\n").length >= 6, "positive control: the appends are in the file");
    assert.equal(bytes, readFileSync(join(theirs, "c.db"), "utf8"));
    await docs.close();
  });

  it("many writes not awaited one by one land in order: the live file and a reopened store hold the final state", async () => {
    const dir = tempDir();
    const docs = await NedbCollection.open<Doc>(dir, "c");
    const writes: Promise<unknown>[] = [];
    const expected = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const key = `k${i % 50}`;
      if (i % 7 === 3) {
        writes.push(docs.remove({ key }));
        expected.delete(key);
      } else {
        writes.push(docs.upsert({ key }, { key, n: i }));
        expected.set(key, i);
      }
      // Compactions among the writes: NeDB's executor runs them in the order asked.
      if (i % 97 === 0) writes.push(docs.compact());
    }
    await Promise.all(writes);
    assert.ok(expected.size > 30, "positive control: most keys are there in the end");
    assert.deepEqual(onDisk(join(dir, "c.db")), Object.fromEntries(expected), "the file the path names holds every write, before any close");
    await docs.close();
    const reopened = await NedbCollection.open<Doc>(dir, "c");
    const back: Record<string, number> = {};
    for (const doc of await reopened.find({})) back[doc.key] = doc.n;
    assert.deepEqual(back, Object.fromEntries(expected));
    await reopened.close();
  });

  it("writes after a compaction land in the new file, and the old, unlinked one is not held open", async () => {
    const dir = tempDir();
    const path = join(dir, "c.db");
    const docs = await NedbCollection.open<Doc>(dir, "c");
    await docs.upsert({ key: "before" }, { key: "before", n: 1 });
    assert.deepEqual(openFilesUnder(dir), [path], "positive control: the descriptor is open on the data file");
    await docs.compact();
    // Released right after the compaction, but closing a descriptor takes a moment of its own.
    await until(() => openFilesUnder(dir).length === 0, "the descriptor on the replaced file to be closed after the compaction", 2000);
    await docs.upsert({ key: "after" }, { key: "after", n: 2 });
    await docs.upsert({ key: "before" }, { key: "before", n: 3 });
    assert.deepEqual(onDisk(path), { before: 3, after: 2 });
    assert.deepEqual(openFilesUnder(dir), [path]);
    await docs.close();
    assert.deepEqual(openFilesUnder(dir), [], "closed with the collection");
    await docs.upsert({ key: "late" }, { key: "late", n: 4 });
    assert.deepEqual(onDisk(path), { before: 3, after: 2, late: 4 }, "a write after close still lands (opening the file for it)");
  });

  it("a data file replaced or removed by hand: the next write goes to the file the path names", async () => {
    const dir = tempDir();
    const path = join(dir, "c.db");
    const docs = await NedbCollection.open<Doc>(dir, "c");
    await docs.upsert({ key: "a", n: 1 }, { key: "a", n: 1 });
    unlinkSync(path);
    writeFileSync(path, "");
    await docs.upsert({ key: "b" }, { key: "b", n: 2 });
    assert.deepEqual(onDisk(path), { b: 2 }, "appended to the new file, not to the unlinked one");
    unlinkSync(path);
    await docs.upsert({ key: "c" }, { key: "c", n: 3 });
    assert.deepEqual(onDisk(path), { c: 3 }, "a missing file is created, as appendFile did");
    await docs.close();
  });

  it("a write the disk refuses rejects and reaches reports.failed with a repair; the next write opens the file again", async () => {
    const dir = tempDir();
    const path = join(dir, "c.db");
    const failed: { where: string; code: unknown; repair: () => Promise<void> | void }[] = [];
    const ok: string[] = [];
    const reports: WriteReports = {
      ok: (where) => void ok.push(where),
      failed: (where, err, repair) => {
        failed.push({ where, code: typeof err === "object" && err !== null && "code" in err ? err.code : undefined, repair });
        return true;
      },
    };
    const docs = await NedbCollection.open<Doc>(dir, "c", reports);
    await docs.upsert({ key: "a" }, { key: "a", n: 1 });
    assert.deepEqual(ok, ["c"], "positive control: a write that succeeded is reported as such");
    // A full disk, simulated as writeWatch's tests do: the data file becomes a link to /dev/full.
    unlinkSync(path);
    symlinkSync("/dev/full", path);
    await assert.rejects(docs.upsert({ key: "b" }, { key: "b", n: 2 }), { code: "ENOSPC" });
    await assert.rejects(docs.upsert({ key: "c" }, { key: "c", n: 3 }), { code: "ENOSPC" });
    assert.deepEqual(failed.map((f) => [f.where, f.code]), [["c", "ENOSPC"], ["c", "ENOSPC"]]);
    unlinkSync(path);
    writeFileSync(path, "");
    await docs.upsert({ key: "d" }, { key: "d", n: 4 });
    assert.deepEqual(onDisk(path), { d: 4 }, "once the disk takes writes again, they land in the file");
    await failed[0]?.repair();
    assert.deepEqual(onDisk(path), { a: 1, b: 2, c: 3, d: 4 }, "the repair (a compaction) put back what the disk refused");
    await docs.upsert({ key: "e" }, { key: "e", n: 5 });
    assert.deepEqual(onDisk(path), { a: 1, b: 2, c: 3, d: 4, e: 5 });
    await docs.close();
  });

  it("the store's close leaves no data file open, and a reopened store reads every write", async () => {
    const dir = tempDir();
    const store = await openNedbStore(dir);
    const puts: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) puts.push(store.marks.put({ network: "n", folded: `#c${i % 40}`, time: i, msgid: undefined, seenAt: i }));
    await Promise.all(puts);
    assert.ok(openFilesUnder(dir).some((f) => f.endsWith("marks.db")), "positive control: the marks file is held open");
    // The compaction at close cannot write its temporary file (a full disk): the descriptor is
    // not released by a compaction then, the close itself must.
    symlinkSync("/dev/full", join(dir, "marks.db~"));
    await store.close();
    assert.deepEqual(openFilesUnder(dir), []);
    unlinkSync(join(dir, "marks.db~"));
    const reopened = await openNedbStore(dir);
    const marks = await reopened.marks.all("n");
    assert.equal(marks.length, 40);
    assert.ok(marks.every((m) => m.time >= 160), "each mark in its last state");
    await reopened.close();
    assert.ok(!existsSync(join(dir, "marks.db~")), "no temporary file left");
  });
});

describe("NeDB ids without randomBytes per insert", () => {
  it("16 letters and digits, unique, never one the _id index holds", () => {
    const ids = new NedbIds();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(ids.next(() => false));
    assert.equal(seen.size, 1000);
    for (const id of seen) assert.match(id, /^[A-Za-z0-9]{16}$/);
    const fresh = new NedbIds();
    const tried: string[] = [];
    const next = fresh.next((id) => {
      tried.push(id);
      return tried.length <= 3;
    });
    assert.equal(tried.length, 4, "three taken ids skipped");
    assert.equal(next, tried[3]);
  });

  it("a reopened collection gets new ids that do not collide with those in its file", async () => {
    const dir = tempDir();
    const docs = await NedbCollection.open<Doc>(dir, "c");
    for (let i = 0; i < 20; i++) await docs.upsert({ key: `a${i}` }, { key: `a${i}`, n: i });
    await docs.close();
    const again = await NedbCollection.open<Doc>(dir, "c");
    for (let i = 0; i < 20; i++) await again.upsert({ key: `b${i}` }, { key: `b${i}`, n: i });
    const all = readNedbFile(join(dir, "c.db")).docs;
    assert.equal(all.length, 40);
    assert.equal(new Set(all.map((d) => d._id)).size, 40);
    await again.close();
  });
});
