import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type Datastore from "nedb";
import { NedbCollection } from "../../src/store/nedbCollection";
import { tempDirs } from "../support/tempDirs";

/**
 * The collection's own promises around NeDB (nedbCollection.ts), apart from its growth bound
 * (nedbGrowth.test.ts) and the quiet paths' answers (nedbQuietRead.test.ts): removals, compaction
 * and closing, on disk and in memory.
 */
const tempDir = tempDirs("nedbcollection");

interface Doc {
  readonly key: string;
  readonly group: string;
}

/** The NeDB datastore under a collection (private: what it holds and who listens to it). */
function datastoreOf(docs: NedbCollection<Doc>): Datastore<Doc> {
  const db: unknown = Reflect.get(docs, "db");
  assert.ok(typeof db === "object" && db !== null && "getAllData" in db && "listenerCount" in db, "the collection's NeDB datastore");
  return db as Datastore<Doc>;
}

describe("NeDB collection (nedbCollection.ts)", () => {
  it("remove takes every document the query matches and says how many", async () => {
    const docs = await NedbCollection.open<Doc>(tempDir(), "c");
    for (const key of ["a", "b", "c"]) await docs.upsert({ key }, { key, group: key === "c" ? "other" : "same" });
    assert.equal(await docs.remove({ group: "same" }), 2);
    assert.deepEqual((await docs.find({})).map((d) => d.key), ["c"]);
    await docs.close();
  });

  it("in memory: a compaction and a close are nothing to do, and nothing listens to the datastore", async () => {
    const docs = await NedbCollection.open<Doc>(undefined, "m");
    await docs.upsert({ key: "a" }, { key: "a", group: "g" });
    assert.equal(datastoreOf(docs).listenerCount("compaction.done"), 0, "no rewrite to count in memory");
    await docs.compact();
    assert.equal(docs.rewrites, 0);
    const closing = docs.close();
    assert.ok(closing instanceof Promise, "close() gives a promise in memory too");
    await closing;
    assert.equal((await docs.findOne({ key: "a" }))?.group, "g");
  });

  it("on disk: the collection counts its rewrites (a positive control for the in-memory case)", async () => {
    const docs = await NedbCollection.open<Doc>(tempDir(), "c");
    assert.ok(datastoreOf(docs).listenerCount("compaction.done") > 0, "the rewrites are counted (and the appender follows them)");
    await docs.compact();
    assert.equal(docs.rewrites, 1);
    await docs.close();
  });

  it("after a compaction an upsert is done at once again: nothing is left counted as asked of NeDB", async () => {
    const docs = await NedbCollection.open<Doc>(tempDir(), "c");
    await docs.compact();
    const write = docs.upsert({ key: "a" }, { key: "a", group: "g" });
    // The quiet path changes NeDB's memory before it returns; through NeDB's executor it would not have yet.
    assert.deepEqual(
      datastoreOf(docs)
        .getAllData()
        .map((d: Doc) => d.key),
      ["a"],
    );
    await write;
    await docs.close();
  });

  it("while a compaction runs, an upsert waits its turn in NeDB (a positive control for the test above)", async () => {
    const docs = await NedbCollection.open<Doc>(tempDir(), "c");
    const rewrite = docs.compact();
    const write = docs.upsert({ key: "a" }, { key: "a", group: "g" });
    assert.deepEqual(datastoreOf(docs).getAllData(), [], "not written before the rewrite");
    await rewrite;
    await write;
    assert.equal((await docs.findOne({ key: "a" }))?.group, "g");
    await docs.close();
  });

  it("a refused compaction rejects with EIO naming the collection, and leaves no listener behind", async () => {
    const dir = tempDir();
    const docs = await NedbCollection.open<Doc>(dir, "refused");
    await docs.upsert({ key: "a" }, { key: "a", group: "g" });
    const listening = datastoreOf(docs).listenerCount("compaction.done");
    // NeDB rewrites through a temporary file beside the data file: a directory in its place refuses it.
    mkdirSync(join(dir, "refused.db~"));
    await assert.rejects(docs.compact(), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal(err.message, "cannot rewrite the refused collection");
      assert.equal(Reflect.get(err, "code"), "EIO");
      return true;
    });
    assert.equal(datastoreOf(docs).listenerCount("compaction.done"), listening, "the compaction's own listener is gone");
    assert.equal(docs.rewrites, 0);
    rmSync(join(dir, "refused.db~"), { recursive: true });
    await docs.compact();
    assert.equal(docs.rewrites, 1, "the next compaction counts once");
    await docs.close();
  });
});
