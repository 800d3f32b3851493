import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { NedbCollection } from "../../src/store/nedbCollection";
import { readNedbFile } from "../../src/store/nedbFile";
import type { WriteReports } from "../../src/store/writeWatch";
import { tempDirs } from "../support/tempDirs";

/**
 * A NeDB file's growth is bounded (nedbCollection.ts, "Growth"): rewritten in the background once
 * the lines appended since its last rewrite pass twice its documents plus `compactAfter`.
 */
const tempDir = tempDirs("nedbgrowth");

interface Doc {
  readonly key: string;
  readonly n: number;
}

const linesOf = (path: string) => readFileSync(path, "utf8").split("\n").filter((l) => l !== "").length;

/**
 * Waits for any rewrite started in the background: a removal of nothing goes through NeDB's
 * executor, behind a compaction under way, and appends no line.
 */
const behindAnyRewrite = (docs: NedbCollection<Doc>) => docs.remove({ key: "no such key" });

describe("NeDB file growth (nedbCollection.ts)", () => {
  it("a document rewritten thousands of times: the file stays within its bound, and holds the last value", async () => {
    const dir = tempDir();
    const path = join(dir, "c.db");
    const docs = await NedbCollection.open<Doc>(dir, "c", undefined, 50);
    for (let k = 0; k < 10; k++) await docs.upsert({ key: `k${k}` }, { key: `k${k}`, n: 0 });
    let largest = 0;
    for (let i = 1; i <= 2000; i++) {
      await docs.upsert({ key: "k0" }, { key: "k0", n: i });
      largest = Math.max(largest, linesOf(path));
    }
    // The bound: 2 x 10 documents + 50 lines past the rewrite, the rewrite itself (10), and the writes
    // that queued behind a compaction under way.
    assert.ok(largest <= 2 * 10 + 50 + 12 + 2, `the file grew to ${largest} lines for 10 documents`);
    assert.deepEqual(readNedbFile(path).docs.find((d) => d.key === "k0")?.n, 2000, "the file the path names has the last write");
    await docs.close();
    const reopened = await NedbCollection.open<Doc>(dir, "c");
    assert.equal((await reopened.find({})).length, 10);
    assert.equal((await reopened.findOne({ key: "k0" }))?.n, 2000);
    await reopened.close();
  });

  it("one background rewrite at a time: many writes that cross the bound together start one", async () => {
    const dir = tempDir();
    const docs = await NedbCollection.open<Doc>(dir, "c", undefined, 5);
    await docs.upsert({ key: "k" }, { key: "k", n: 0 });
    assert.equal(docs.rewrites, 0);
    // Asked together: each is applied at once, and each one's completion sees the file past its bound.
    await Promise.all(Array.from({ length: 30 }, (_, i) => docs.upsert({ key: "k" }, { key: "k", n: i + 1 })));
    await docs.upsert({ key: "k" }, { key: "k", n: 31 });
    assert.equal(docs.rewrites, 1);
    assert.equal((await docs.findOne({ key: "k" }))?.n, 31);
    await docs.close();
  });

  it("below the bound nothing is rewritten: every superseded line is still in the file", async () => {
    const dir = tempDir();
    const path = join(dir, "c.db");
    const docs = await NedbCollection.open<Doc>(dir, "c", undefined, 50);
    for (let i = 1; i <= 50; i++) await docs.upsert({ key: "k" }, { key: "k", n: i });
    await behindAnyRewrite(docs);
    assert.equal(docs.rewrites, 0);
    assert.equal(linesOf(path), 50, "50 appends, no rewrite (the bound is 2 x 0 documents at load + 50)");
    await docs.upsert({ key: "k" }, { key: "k", n: 51 });
    await docs.upsert({ key: "k" }, { key: "k", n: 52 });
    assert.ok(linesOf(path) <= 3, `past the bound the file was rewritten: ${linesOf(path)} lines`);
    await docs.close();
  });

  it("the bound follows the documents held at the last rewrite: more documents, more room", async () => {
    const dir = tempDir();
    const path = join(dir, "c.db");
    const docs = await NedbCollection.open<Doc>(dir, "c", undefined, 50);
    for (let k = 0; k < 200; k++) await docs.upsert({ key: `k${k}` }, { key: `k${k}`, n: 0 });
    await docs.compact();
    const rewritten = linesOf(path);
    const before = docs.rewrites;
    for (let i = 1; i <= 2 * 200 + 50; i++) await docs.upsert({ key: "k0" }, { key: "k0", n: i });
    await behindAnyRewrite(docs);
    assert.equal(docs.rewrites, before);
    assert.equal(linesOf(path), rewritten + 2 * 200 + 50, "up to 2 x 200 + 50 appends, no rewrite");
    await docs.upsert({ key: "k0" }, { key: "k0", n: -1 });
    await docs.upsert({ key: "k0" }, { key: "k0", n: -2 });
    assert.ok(linesOf(path) <= 200 + 3, `then rewritten: ${linesOf(path)} lines`);
    await docs.close();
  });

  it("a rewrite the disk refuses is reported like a failed write, with the compaction as its repair", async () => {
    const dir = tempDir();
    const failures: string[] = [];
    const repairs: (() => Promise<void> | void)[] = [];
    const reports: WriteReports = {
      ok: () => undefined,
      failed: (where, err, repair) => {
        failures.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
        repairs.push(repair);
        return true;
      },
    };
    const docs = await NedbCollection.open<Doc>(dir, "c", reports, 5);
    // NeDB rewrites through a temporary file beside the data file: a directory in its place refuses it.
    mkdirSync(join(dir, "c.db~"));
    for (let i = 1; i <= 5; i++) await docs.upsert({ key: "k" }, { key: "k", n: i });
    assert.deepEqual(failures, [], "positive control: within the bound nothing is rewritten");
    await docs.upsert({ key: "k" }, { key: "k", n: 6 });
    await docs.upsert({ key: "k" }, { key: "k", n: 7 });
    for (let i = 8; i <= 20; i++) await docs.upsert({ key: "k" }, { key: "k", n: i });
    assert.deepEqual(failures, ["c: cannot rewrite the c collection"], "one refusal: not a rewrite tried again at every write");
    assert.ok(linesOf(join(dir, "c.db")) >= 20, "the writes are still appended");
    rmSync(join(dir, "c.db~"), { recursive: true });
    await repairs[0]?.();
    assert.equal(linesOf(join(dir, "c.db")), 1, "the repair rewrote it: the one document");
    for (let i = 21; i <= 29; i++) await docs.upsert({ key: "k" }, { key: "k", n: i });
    assert.ok(linesOf(join(dir, "c.db")) <= 3, "after a rewrite that succeeded, growth is bounded again (rewritten past 2 x 1 + 5 appends)");
    assert.equal(readNedbFile(join(dir, "c.db")).docs[0]?.n, 29);
    await docs.close();
  });
});
