import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
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

  it("leaves to NeDB what it would answer through an $in or a range index, and throws what NeDB's matcher throws", async () => {
    const db = await filled();
    await new Promise<void>((resolve, reject) => db.ensureIndex({ fieldName: "at" }, (err) => (err ? reject(err) : resolve())));
    assert.equal(quietRead(db, { at: { $lt: 5 } }, Infinity), undefined);
    assert.equal(quietRead(db, { userId: { $in: ["@u1:x"] } }, Infinity), undefined);
    assert.deepEqual(quietRead(db, { network: "a", at: { $lt: 5 }, userId: "@u3:x" }, Infinity), await nedbFind(db, { network: "a", at: { $lt: 5 }, userId: "@u3:x" }), "an index on a plain value comes first");
    assert.throws(() => quietRead(db, { at: { $nonsense: 1 } }, Infinity));
  });
});

describe("NedbCollection's reads around its writes", () => {
  it("a read asked while a write is under way sees the write; a read with none under way needs no turn of the event loop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quiet-read-"));
    try {
      const docs = await NedbCollection.open<Doc>(dir, "puppets");
      await docs.index("userId", false);
      const written = docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 1, channels: [] });
      // Not awaited: NeDB has not applied the write yet; the read must wait its turn behind it.
      assert.equal((await docs.findOne({ userId: "@a:x" }))?.at, 1);
      await written;
      const replaced = docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 2, channels: [] });
      assert.deepEqual((await docs.find({ network: "a" })).map((d) => d.at), [2]);
      await replaced;
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a write NeDB refuses (a unique index) still ends its turn: reads after it are answered from memory again", async () => {
    const docs = await NedbCollection.open<Doc>(undefined, "transactions");
    await docs.index("userId", true);
    await docs.upsert({ userId: "@a:x" }, { network: "a", userId: "@a:x", at: 1, channels: [] });
    await docs.upsert({ userId: "@b:x" }, { network: "a", userId: "@b:x", at: 2, channels: [] });
    await assert.rejects(docs.upsert({ userId: "@b:x" }, { network: "a", userId: "@a:x", at: 3, channels: [] }));
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    assert.deepEqual((await docs.find({})).map((d) => d.at).sort(), [1, 2]);
    assert.equal(turned, false);
  });
});
