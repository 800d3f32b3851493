import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Datastore from "nedb";
import { NedbCollection } from "../../src/store/nedbCollection";
import { quietRead } from "../../src/store/nedbQuietRead";

interface Doc {
  network: string;
  userId: string;
  username?: string;
  at: number;
  channels: string[];
}

/** Runs `work` with a fresh directory, removed afterwards. */
async function inTempDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "quiet-nedb-"));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** NeDB's own answer, through its executor. */
const nedbFind = (db: Datastore<Doc>, query: object) => new Promise<Doc[]>((resolve, reject) => db.find<Doc>(query, (err: Error | null, docs: Doc[]) => (err ? reject(err) : resolve(docs))));

async function filled(): Promise<Datastore<Doc>> {
  const db = new Datastore<Doc>({ inMemoryOnly: true });
  await new Promise<void>((resolve, reject) => db.ensureIndex({ fieldName: "userId" }, (err) => (err ? reject(err) : resolve())));
  const docs: Doc[] = [];
  for (let i = 0; i < 40; i++) docs.push({ network: i % 3 === 0 ? "a" : "b", userId: `@u${i % 17}:x`, ...(i % 4 === 0 ? {} : { username: `n${i % 5}` }), at: i, channels: [`#c${i}`] });
  await new Promise<void>((resolve, reject) => db.insert(docs, (err) => (err ? reject(err) : resolve())));
  return db;
}

describe("a NeDB read answered from memory (nedbQuietRead.ts)", () => {
  it("gives NeDB's documents in NeDB's order, as copies, for every kind of query the store asks", async () => {
    const db = await filled();
    const queries: Record<string, unknown>[] = [
      {},
      { network: "a" },
      { userId: "@u3:x" },
      { network: "b", userId: "@u5:x" },
      { userId: "@u5:x", network: "b" },
      { network: "b", username: "n1", userId: { $ne: "@u1:x" } },
      { username: { $exists: false } },
      { userId: "@u2:x", $not: { network: "a" } },
      { userId: "@nobody:x" },
    ];
    for (const query of queries) {
      const quiet = quietRead(db, query, Infinity);
      assert.deepEqual(quiet, await nedbFind(db, query), JSON.stringify(query));
      const first = quietRead(db, query, 1);
      assert.deepEqual(first, (await nedbFind(db, query)).slice(0, 1), `limit 1: ${JSON.stringify(query)}`);
    }
    const [doc] = quietRead(db, { userId: "@u3:x" }, 1) ?? [];
    doc?.channels.push("#changed");
    assert.equal((await nedbFind(db, { userId: "@u3:x" }))[0]?.channels.includes("#changed"), false, "a copy, not NeDB's document");
  });

  it("leaves to NeDB what it would answer through an $in or a range index or with a TTL index, and throws what NeDB's matcher throws", async () => {
    const db = await filled();
    await new Promise<void>((resolve, reject) => db.ensureIndex({ fieldName: "at" }, (err) => (err ? reject(err) : resolve())));
    assert.equal(quietRead(db, { at: { $lt: 5 } }, Infinity), undefined);
    assert.equal(quietRead(db, { userId: { $in: ["@u1:x"] } }, Infinity), undefined);
    assert.deepEqual(quietRead(db, { network: "a", at: { $lt: 5 }, userId: "@u3:x" }, Infinity), await nedbFind(db, { network: "a", at: { $lt: 5 }, userId: "@u3:x" }), "an index on a plain value comes first");
    assert.throws(() => quietRead(db, { at: { $nonsense: 1 } }, Infinity));
    const expiring = await filled();
    await new Promise<void>((resolve, reject) => expiring.ensureIndex({ fieldName: "seenAt", expireAfterSeconds: 60 }, (err) => (err ? reject(err) : resolve())));
    assert.equal(quietRead(expiring, { userId: "@u3:x" }, Infinity), undefined, "a TTL index: NeDB removes expired documents as it reads");
    assert.notEqual(quietRead(db, { userId: "@u3:x" }, Infinity), undefined);
  });
});

describe("NedbCollection's reads around its writes", () => {
  it("a read asked while a write is under way sees the write; a read with none under way needs no turn of the event loop", async () => {
    await inTempDir(async (dir) => {
      const docs = await NedbCollection.open<Doc>(dir, "puppets");
      await docs.index("userId", false);
      await docs.index("at", false);
      await docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 1, channels: [] });
      // A range read on an index is NeDB's to answer: queued behind it, the upsert goes through NeDB too.
      const ranged = docs.find({ at: { $lt: 10 } });
      const replaced = docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 2, channels: [] });
      // Not awaited: NeDB has not applied the write yet; the read must wait its turn behind it.
      assert.deepEqual((await docs.find({ network: "a" })).map((d) => d.at), [2]);
      assert.deepEqual((await ranged).map((d) => d.at), [1]);
      await replaced;
      // A remove always goes through NeDB.
      const removed = docs.remove({ userId: "@a:x" });
      assert.equal(await docs.findOne({ userId: "@a:x" }), null);
      assert.equal(await removed, 1);

      await docs.upsert({ userId: "@b:x" }, { network: "a", userId: "@b:x", at: 3, channels: [] });
      let turned = false;
      setImmediate(() => {
        turned = true;
      });
      assert.equal((await docs.findOne({ userId: "@b:x" }))?.at, 3);
      assert.equal(turned, false, "answered from memory, not through NeDB's executor");
      await docs.close();
    });
  });

  it("a write NeDB refuses (a unique index) still ends its turn: reads and writes after it are done at once again", async () => {
    const docs = await NedbCollection.open<Doc>(undefined, "transactions");
    await docs.index("userId", true);
    await docs.index("at", false);
    await docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 1, channels: [] });
    await docs.upsert({ userId: "@b:x" }, { network: "a", userId: "@b:x", at: 2, channels: [] });
    // Behind a range read NeDB answers, the refused upsert goes through NeDB's own update.
    const ranged = docs.find({ at: { $lt: 10 } });
    await assert.rejects(docs.upsert({ userId: "@b:x" }, { network: "a", userId: "@a:x", at: 3, channels: [] }));
    assert.equal((await ranged).length, 2);
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    assert.deepEqual((await docs.find({})).map((d) => d.at).sort(), [1, 2]);
    await docs.upsert({ userId: "@c:x" }, { network: "a", userId: "@c:x", at: 4, channels: [] });
    assert.equal(turned, false, "the read and the write after it took no turn of the event loop");
  });
});

/** Every document of a collection's file as NeDB loads it, without the _id. */
async function reloaded(dir: string, name: string): Promise<Omit<Doc, "_id">[]> {
  const again = await NedbCollection.open<Doc & { _id?: string }>(dir, name);
  const docs = (await again.find({})).map(({ _id, ...rest }) => rest);
  await again.close();
  return docs.sort((a, b) => a.userId.localeCompare(b.userId));
}

describe("NedbCollection's upserts done at once (nedbQuietWrite.ts)", () => {
  it("make the same documents, in memory and in the file, with the same refusals, as NeDB's own update", async () => {
    await inTempDir(async (dir) => {
      const docs = await NedbCollection.open<Doc>(dir, "puppets");
      await docs.index("userId", true);
      const plain = new Datastore<Doc>({ inMemoryOnly: true });
      await new Promise<void>((resolve, reject) => plain.ensureIndex({ fieldName: "userId", unique: true }, (err) => (err ? reject(err) : resolve())));
      const nedbUpsert = (query: object, doc: Doc) => new Promise<void>((resolve, reject) => plain.update(query, doc, { upsert: true }, (err) => (err ? reject(err) : resolve())));
      const steps: [Record<string, unknown>, Doc][] = [
        [{ network: "a", userId: "@a:x" }, { network: "a", userId: "@a:x", at: 1, channels: ["#one"] }],
        [{ network: "a", userId: "@b:x" }, { network: "a", userId: "@b:x", at: 2, channels: [] }],
        [{ network: "a", userId: "@a:x" }, { network: "a", userId: "@a:x", username: "alice", at: 3, channels: ["#one", "#two"] }],
        // Refused by the unique index: @b:x would become a second @a:x.
        [{ network: "a", userId: "@b:x" }, { network: "a", userId: "@a:x", at: 4, channels: [] }],
        [{ network: "b", userId: "@a:x" }, { network: "b", userId: "@c:x", at: 5, channels: [] }],
      ];
      const outcomes: string[] = [];
      for (const [query, doc] of steps) {
        let turned = false;
        setImmediate(() => {
          turned = true;
        });
        const [ours] = await Promise.allSettled([docs.upsert(query, { ...doc, channels: [...doc.channels] })]);
        assert.equal(turned, false, "done without a turn of the event loop");
        const [theirs] = await Promise.allSettled([nedbUpsert(query, { ...doc, channels: [...doc.channels] })]);
        assert.equal(ours.status, theirs.status, JSON.stringify(doc));
        outcomes.push(ours.status);
      }
      assert.deepEqual(outcomes, ["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
      const strip = (list: (Doc & { _id?: string })[]) => list.map(({ _id, ...rest }) => rest).sort((a, b) => a.userId.localeCompare(b.userId));
      assert.deepEqual(strip(await docs.find({})), strip(await nedbFind(plain, {})));
      await docs.close();
      assert.deepEqual(await reloaded(dir, "puppets"), strip(await nedbFind(plain, {})), "the file holds the same");
    });
  });

  it("waits its turn behind a read NeDB answers, and behind a compaction: neither sees it early, none of it is lost", async () => {
    await inTempDir(async (dir) => {
      const docs = await NedbCollection.open<Doc>(dir, "transactions");
      await docs.index("at", false);
      await docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 1, channels: [] });
      // A range query on an index is NeDB's to answer: it is queued, and the upsert asked after it must not be seen by it.
      const before = docs.find({ at: { $lt: 10 } });
      const written = docs.upsert({ userId: "@b:x" }, { network: "a", userId: "@b:x", at: 2, channels: [] });
      assert.deepEqual((await before).map((d) => d.userId), ["@a:x"]);
      await written;
      // A compaction rewrites the file from memory; an append made while it writes would go to the file it replaces.
      const compacted = docs.compact();
      const temp = join(dir, "transactions.db~");
      for (let i = 0; i < 10000 && !existsSync(temp); i++) await new Promise((r) => setImmediate(r));
      assert.ok(existsSync(temp), "the compaction is writing its new file (positive control)");
      const during = docs.upsert({ userId: "@c:x" }, { network: "a", userId: "@c:x", at: 3, channels: [] });
      await Promise.all([compacted, during]);
      await docs.close();
      assert.deepEqual((await reloaded(dir, "transactions")).map((d) => d.userId), ["@a:x", "@b:x", "@c:x"]);
    });
  });
});
