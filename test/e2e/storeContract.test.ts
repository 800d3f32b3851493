/**
 * The store's contract, run against every engine: NeDB in memory, NeDB on disk, and PostgreSQL
 * (the test environment's real server, a database of its own per run). Each behaviour the bridge
 * relies on, including what survives closing and opening again (a restart).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Client } from "pg";
import { testenv } from "../../scripts/lib/testenv";
import { openNedbStore } from "../../src/store/nedbStore";
import { openPgStore } from "../../src/store/pgStore";
import type { PuppetRecord, Store } from "../../src/store/store";

interface Engine {
  readonly name: string;
  /** Opens the store; a second call opens the same data (a restart). */
  open(): Promise<Store>;
  readonly persistent: boolean;
}

const dirs: string[] = [];
const databases: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "ircbridge-store-"));
  dirs.push(dir);
  return dir;
}

function urlOf(database: string): string {
  const url = new URL(testenv.postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(run: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testenv.postgresUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const engines: (readonly [string, () => Promise<Engine>])[] = [
  ["NeDB in memory", () => Promise.resolve({ name: "NeDB in memory", persistent: false, open: () => openNedbStore(undefined) })],
  ["NeDB on disk", () => {
    const dir = scratch();
    return Promise.resolve({ name: "NeDB on disk", persistent: true, open: () => openNedbStore(dir) });
  }],
  ["PostgreSQL", async () => {
    const database = `ircbridge_contract_${randomBytes(4).toString("hex")}`;
    await admin((c) => c.query(`CREATE DATABASE ${database}`));
    databases.push(database);
    const dir = scratch();
    return { name: "PostgreSQL", persistent: true, open: () => openPgStore(urlOf(database), dir) };
  }],
];

const puppet = (over: Partial<PuppetRecord> = {}): PuppetRecord => ({ userId: "@alice:x", network: "net", nick: "alice", username: "alice", channels: ["#a"], nickNote: undefined, ...over });

after(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const database of databases) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

for (const [name, makeEngine] of engines) {
  describe(`the store's contract: ${name}`, () => {
    let engine: Engine;
    let store: Store;
    before(async () => {
      engine = await makeEngine();
      store = await engine.open();
    });
    after(async () => store.close());

    it("transactions: a processed txnId is known; pruning forgets the old ones only", async () => {
      assert.equal(await store.transactions.has("t1"), false);
      await store.transactions.add("t1", 1000);
      await store.transactions.add("t2", 5000);
      await store.transactions.add("t1", 1000);
      assert.equal(await store.transactions.has("t1"), true);
      assert.equal(await store.transactions.prune(2000), 1, engine.name);
      assert.deepEqual([await store.transactions.has("t1"), await store.transactions.has("t2")], [false, true]);
    });

    it("rooms: put replaces the record of the same room; remove forgets it", async () => {
      await store.rooms.put({ roomId: "!r1:x", network: "net", channel: "#A", folded: "#a", origin: "portal" });
      await store.rooms.put({ roomId: "!r1:x", network: "net", channel: "#A", folded: "#a", origin: "linked" });
      await store.rooms.put({ roomId: "!r2:x", network: "net", channel: "#b", folded: "#b", origin: "mapped" });
      const all = (await store.rooms.all()).sort((a, b) => a.roomId.localeCompare(b.roomId));
      assert.deepEqual(all.map((r) => [r.roomId, r.origin]), [["!r1:x", "linked"], ["!r2:x", "mapped"]]);
      await store.rooms.remove("!r2:x");
      assert.deepEqual((await store.rooms.all()).map((r) => r.roomId), ["!r1:x"]);
    });

    it("puppets: per network and user; a username is taken by someone else only", async () => {
      await store.puppets.put(puppet());
      await store.puppets.put(puppet({ nick: "alice2", channels: ["#a", "#b"] }));
      await store.puppets.put(puppet({ userId: "@bob:x", nick: "bob", username: "bob" }));
      await store.puppets.put(puppet({ network: "other", username: "bob" }));
      assert.equal((await store.puppets.get("net", "@alice:x"))?.nick, "alice2");
      assert.deepEqual((await store.puppets.get("net", "@alice:x"))?.channels, ["#a", "#b"]);
      assert.equal((await store.puppets.all("net")).length, 2);
      assert.equal(await store.puppets.usernameTaken("net", "bob", "@alice:x"), true);
      assert.equal(await store.puppets.usernameTaken("net", "bob", "@bob:x"), false, "one's own username is not taken");
      assert.equal(await store.puppets.usernameTaken("net", "carol", "@alice:x"), false);
      await store.puppets.remove("net", "@bob:x");
      assert.equal(await store.puppets.get("net", "@bob:x"), undefined);
    });

    it("marks, admin rooms, bans (moved with a room upgrade), channel keys of older versions", async () => {
      await store.marks.put({ network: "net", folded: "#a", time: 10, msgid: "m1", seenAt: 11 });
      await store.marks.put({ network: "net", folded: "#a", time: 20, msgid: undefined, seenAt: 21 });
      assert.deepEqual((await store.marks.all("net")).map((m) => m.time), [20]);
      await store.adminRooms.put("@alice:x", "!admin1:x");
      await store.adminRooms.put("@alice:x", "!admin2:x");
      assert.equal(await store.adminRooms.get("@alice:x"), "!admin2:x");
      await store.bans.put({ roomId: "!old:x", userId: "@irc_bob:x", network: "net", channel: "#a", mask: "*!*@bob", by: "@mod:x", at: 1 });
      await store.bans.moveRoom("!old:x", "!new:x");
      assert.equal(await store.bans.get("!old:x", "@irc_bob:x"), undefined);
      assert.equal((await store.bans.get("!new:x", "@irc_bob:x"))?.mask, "*!*@bob");
      await store.channelKeys.put({ network: "net", user: "@alice:x", folded: "#k", sealedKey: "s" });
      assert.equal(await store.channelKeys.removeNetworkWide(), 0);
      assert.equal((await store.channelKeys.all()).length, 1);
    });

    it("private chat rooms: one room per conversation; putting a room for another conversation replaces the old record of that room", async () => {
      await store.pmRooms.put({ roomId: "!pm:x", network: "net", userId: "@alice:x", nick: "Bob", folded: "bob", createdAt: 1 });
      await store.pmRooms.put({ roomId: "!pm:x", network: "net", userId: "@alice:x", nick: "Carol", folded: "carol", createdAt: 2 });
      await store.pmRooms.put({ roomId: "!pm2:x", network: "net", userId: "@alice:x", nick: "Dan", folded: "dan", createdAt: 3 });
      const all = (await store.pmRooms.all()).map((r) => `${r.roomId} ${r.folded}`).sort();
      assert.deepEqual(all, ["!pm2:x dan", "!pm:x carol"], engine.name);
    });

    it("the outbox: pending after a restart, oldest first, with what was handed and not confirmed", async () => {
      const entry = (eventId: string, seq: number) => ({ eventId, roomId: "!r1:x", sender: "@alice:x", kind: "privmsg" as const, body: `body ${eventId}`, seq });
      await store.outbox.add(entry("$2", 2));
      await store.outbox.add(entry("$1", 1));
      await store.outbox.add(entry("$3", 3));
      store.outbox.handed("$1");
      store.outbox.handed("$3");
      await store.outbox.confirm("$3");
      if (!engine.persistent) {
        // In memory there is no restart to survive: what is pending now is the same answer.
        assert.deepEqual((await store.outbox.pending()).map((p) => [p.entry.eventId, p.handed]), [["$1", true], ["$2", false]], engine.name);
        return;
      }
      await store.close();
      store = await engine.open();
      const pending = await store.outbox.pending();
      assert.deepEqual(pending.map((p) => [p.entry.eventId, p.handed]), [["$1", true], ["$2", false]], engine.name);
      // And everything else came back too.
      assert.equal(await store.transactions.has("t2"), true);
      assert.deepEqual((await store.rooms.all()).map((r) => r.roomId), ["!r1:x"]);
      assert.equal(await store.adminRooms.get("@alice:x"), "!admin2:x");
    });
  });
}
