/**
 * migrate-store's runs on NeDB files in temporary directories: a dry run writes nothing; an import
 * or a copy interrupted after K entries (an injected failure) and run again writes every entry once
 * and duplicates nothing; bad input is refused before anything is written; the sources are only read.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { bulkFixture, writeIncumbentNedb } from "../../scripts/fixtures/incumbentNedb";
import { localBridgeConfig } from "../../scripts/lib/localConfig";
import { bridges } from "../../scripts/lib/testenv";
import { foldCase } from "../../src/irc/casemapping";
import { KEPT } from "../../src/cli/migrate/importWrites";
import { redactUrls } from "../../src/cli/migrate/migrateArgs";
import { readIncumbentNedb } from "../../src/cli/migrate/incumbentEntries";
import { REASONS, type TargetNetwork } from "../../src/cli/migrate/incumbentMapping";
import { runCopy } from "../../src/cli/migrate/runCopy";
import { runImport } from "../../src/cli/migrate/runImport";
import { readStoreFiles } from "../../src/cli/migrate/storeCopy";
import { migrateStore } from "../../src/cli/migrateStore";
import type { DocCollection } from "../../src/store/docCollection";
import { openMigrationTarget, type MigrationTarget } from "../../src/store/migrationTarget";
import { openNedbStore } from "../../src/store/nedbStore";
import type { Store } from "../../src/store/store";

const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "migrate-"));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SERVER = "irc.example.org";
const network: TargetNetwork = { id: "example", servers: [SERVER], nickTemplate: "{displayname}[m]", userTemplate: "{localpart}", ghostUserId: (n) => `@irc_${n}:localhost` };

/** The files of a directory with their contents (to see that nothing changed). */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

/**
 * The target with its store's record writes counted (what each put was for), failing with an
 * injected error once `failAfter` writes were made.
 */
function counted(target: MigrationTarget, writes: string[], failAfter = Infinity): MigrationTarget {
  const s = target.store;
  const write = async (what: string, run: () => Promise<void>) => {
    if (writes.length >= failAfter) throw new Error("injected failure");
    await run();
    writes.push(what);
  };
  const store: Store = {
    ...s,
    rooms: { all: () => s.rooms.all(), put: (r) => write(`room ${r.roomId}`, () => s.rooms.put(r)), remove: (id) => s.rooms.remove(id) },
    puppets: {
      all: (n) => s.puppets.all(n),
      get: (n, u) => s.puppets.get(n, u),
      put: (r) => write(`puppet ${r.userId}`, () => s.puppets.put(r)),
      remove: (n, u) => s.puppets.remove(n, u),
      usernameTaken: (n, u, e) => s.puppets.usernameTaken(n, u, e),
    },
  };
  return { ...target, store };
}

async function incumbent(n: number): Promise<string> {
  const dir = join(scratch(), "incumbent");
  await writeIncumbentNedb(dir, bulkFixture(n, SERVER));
  return dir;
}

describe("importing the incumbent's NeDB data", () => {
  it("a dry run writes nothing, and no run changes the incumbent's files", async () => {
    const source = await incumbent(5);
    const before = snapshot(source);
    const report = await runImport({ source: readIncumbentNedb(source), networks: [network], options: { adminRooms: true, now: 0 }, target: undefined, batch: 10 });
    assert.equal(report.planned.get("rooms bridged to channels"), 5);
    assert.equal(report.applied, 0);
    const dir = join(scratch(), "target");
    const config = localBridgeConfig(bridges.sample, (doc) => {
      doc.datastore = { path: dir };
      (doc.ircNetworks as Record<string, unknown>[]).forEach((n) => {
        n.address = SERVER;
        n.mappings = { "#BULK0": { roomIds: ["!bulk0:localhost"] } };
      });
    });
    dirs.push(config.dir);
    const out: string[] = [];
    await migrateStore(["-c", config.path, "--from-appservice-irc", source, "--dry-run"], { out: (t) => out.push(t), progress: { write: () => true } });
    assert.match(out.join("\n"), /Dry run: would import .*\(10 entries\)/);
    // The fixture's config mappings are #bulk0, #bulk2, #bulk4; the config lists #bulk0 already.
    assert.match(out.join("\n"), /2 mapped rooms \(the incumbent's config mappings\) are not in ircNetworks\[\]\.mappings; add them there:\n {2}network example: "#bulk2": \{ roomIds: \["!bulk2:localhost"\] \}\n {2}network example: "#bulk4"/);
    assert.ok(!existsSync(dir), "the dry run made no target directory");
    await migrateStore(["-c", config.path, "--from-appservice-irc", source], { out: () => undefined, progress: { write: () => true } });
    assert.ok(existsSync(join(dir, "rooms.db")), "a real run writes (positive control)");
    assert.deepEqual(snapshot(source), before, "the incumbent's files are unchanged");
  });

  for (const batch of [1, 4]) {
    it(`interrupted after 7 writes and run again (batch ${batch}): every entry stored once, written once`, async () => {
      const source = readIncumbentNedb(await incumbent(10));
      const spec = { kind: "nedb", dir: join(scratch(), "target") } as const;
      const writes: string[] = [];
      const first = await openMigrationTarget(spec);
      await assert.rejects(runImport({ source, networks: [network], options: { adminRooms: true, now: 0 }, target: counted(first, writes, 7), batch }), /injected failure/);
      await first.close();
      assert.equal(writes.length, 7);
      const second = await openMigrationTarget(spec);
      const report = await runImport({ source, networks: [network], options: { adminRooms: true, now: 0 }, target: counted(second, writes), batch });
      await second.close();
      assert.equal(report.resumedAt, batch === 1 ? 7 : 4, "the second run starts at the last recorded position");
      const store = await openNedbStore(spec.dir);
      assert.equal((await store.rooms.all()).length, 10);
      assert.equal((await store.puppets.all("example")).length, 10);
      assert.deepEqual([...new Set((await store.puppets.all("example")).map((p) => p.username))].length, 10, "no user got a second username");
      await store.close();
      // Entries of the interrupted batch are applied again, and find their records there.
      assert.equal(writes.length, 20);
      assert.deepEqual([...writes].sort(), [...new Set(writes)].sort(), "no record was written twice");
      const third = await openMigrationTarget(spec);
      const again = await runImport({ source, networks: [network], options: { adminRooms: true, now: 0 }, target: counted(third, writes), batch });
      await third.close();
      assert.equal(again.applied, 0, "a finished import has nothing left to do");
    });
  }
});

describe("names as the incumbent stores them", () => {
  it("a channel with [ ^ ~ (stored folded, ^ as ~), an & channel (typed pm) and a PM room with a capitalised nick: imported, found by the bridge's folding", async () => {
    const dir = join(scratch(), "incumbent");
    const name = "#Ab[c]^d~e";
    await writeIncumbentNedb(dir, {
      channels: [
        { roomId: "!odd:localhost", server: SERVER, channel: name, origin: "config" },
        { roomId: "!amp:localhost", server: SERVER, channel: "&Local", origin: "provision" },
      ],
      pmRooms: [{ roomId: "!pm:localhost", server: SERVER, nick: "Bob", userId: "@ann:localhost", ghostId: "@irc_Bob:localhost" }],
    });
    const raw = readFileSync(join(dir, "rooms.db"), "utf8");
    assert.ok(raw.includes('"channel":"#ab{c}~d~e"'), `stored as the incumbent folds it: ${raw}`);
    assert.ok(raw.includes('"channel":"bob"') && raw.includes('"virtual_user_id":"@irc_Bob:localhost"'), "the nick folded, the ghost id in its case");
    const target = await openMigrationTarget({ kind: "nedb", dir: join(scratch(), "target") });
    const report = await runImport({ source: readIncumbentNedb(dir), networks: [network], options: { adminRooms: true, now: 0 }, target, batch: 1 });
    const rooms = await target.store.rooms.all();
    const pms = await target.store.pmRooms.all();
    await target.close();
    assert.ok(raw.includes('"channel":"&local","type":"pm"'), "an & channel's room typed pm, as the incumbent does");
    assert.deepEqual(rooms.map((r) => [r.channel, r.folded]).sort(), [["#ab{c}~d~e", foldCase(name, "rfc1459")], ["&local", "&local"]]);
    assert.equal(report.skipped.get(REASONS.pmIncomplete), undefined, "the & channel is not taken for a private-message room");
    assert.equal(report.skipped.get(REASONS.foldedName), 1, "the folded name is told");
    assert.deepEqual(pms.map((p) => [p.roomId, p.nick, p.folded]), [["!pm:localhost", "bob", "bob"]]);
  });
});

describe("what the target store has", () => {
  it("a bridge-made room of a channel that has a portal here: imported as linked, counted as kept", async () => {
    const dir = join(scratch(), "incumbent");
    await writeIncumbentNedb(dir, { channels: [{ roomId: "!theirs:localhost", server: SERVER, channel: "#Here", origin: "join" }, { roomId: "!new:localhost", server: SERVER, channel: "#fresh", origin: "alias" }] });
    const spec = { kind: "nedb", dir: join(scratch(), "target") } as const;
    const mine = await openNedbStore(spec.dir);
    await mine.rooms.put({ roomId: "!mine:localhost", network: "example", channel: "#here", folded: "#here", origin: "portal" });
    await mine.close();
    const target = await openMigrationTarget(spec);
    const report = await runImport({ source: readIncumbentNedb(dir), networks: [network], options: { adminRooms: true, now: 0 }, target, batch: 1 });
    const rooms = await target.store.rooms.all();
    await target.close();
    const origins = Object.fromEntries(rooms.map((r) => [r.roomId, r.origin]));
    assert.deepEqual(origins, { "!mine:localhost": "portal", "!theirs:localhost": "linked", "!new:localhost": "portal" });
    assert.equal(report.kept.get(KEPT.portalHere), 1);
  });
});

describe("a run with another plan", () => {
  it("a network added (as --map-server does) after a run that imported nothing: the second run imports", async () => {
    const source = readIncumbentNedb(await incumbent(4));
    const spec = { kind: "nedb", dir: join(scratch(), "target") } as const;
    const first = await openMigrationTarget(spec);
    const none = await runImport({ source, networks: [{ ...network, servers: ["irc.elsewhere.org"] }], options: { adminRooms: true, now: 0 }, target: first, batch: 2 });
    await first.close();
    assert.equal(none.skipped.get(REASONS.unknownServer), 8, "the first plan has no network for the server");
    const second = await openMigrationTarget(spec);
    const report = await runImport({ source, networks: [network], options: { adminRooms: true, now: 1 }, target: second, batch: 2 });
    await second.close();
    assert.equal(report.resumedAt, 0, "another plan starts over");
    const store = await openNedbStore(spec.dir);
    assert.equal((await store.rooms.all()).length, 4);
    await store.close();
    const third = await openMigrationTarget(spec);
    const again = await runImport({ source, networks: [network], options: { adminRooms: true, now: 2 }, target: third, batch: 2 });
    await third.close();
    assert.equal(again.applied, 0, "the same plan at another time resumes (finished)");
  });
});

describe("copying this bridge's NeDB store", () => {
  async function bridgeStore(): Promise<string> {
    const dir = join(scratch(), "data");
    const store = await openNedbStore(dir);
    for (let i = 0; i < 6; i++) {
      await store.rooms.put({ roomId: `!r${i}:x`, network: "example", channel: `#c${i}`, folded: `#c${i}`, origin: "portal" });
      await store.puppets.put({ userId: `@u${i}:x`, network: "example", nick: `u${i}`, username: `u${i}`, channels: [`#c${i}`], nickNote: undefined, sealedPassword: `sealed-${i}` });
    }
    await store.adminRooms.put("@u0:x", "!admin:x");
    await store.marks.put({ network: "example", folded: "#c0", time: 5, msgid: "m", seenAt: 6 });
    await store.transactions.add("txn1", 1);
    await store.channelKeys.put({ network: "example", user: "@u1:x", folded: "#c1", sealedKey: "sealed-key" });
    await store.rooms.remove("!r5:x");
    await store.close();
    return dir;
  }

  it("interrupted after 5 documents and run again: every document once, as the bridge wrote it", async () => {
    const from = await bridgeStore();
    const before = snapshot(from);
    const spec = { kind: "nedb", dir: join(scratch(), "copy") } as const;
    const first = await openMigrationTarget(spec);
    let upserts = 0;
    const failing = new Map([...first.collections].map(([name, docs]): [typeof name, DocCollection<object>] => [
      name,
      {
        findOne: (q) => docs.findOne(q),
        find: (q) => docs.find(q),
        remove: (q) => docs.remove(q),
        compact: () => docs.compact(),
        close: () => docs.close(),
        upsert: async (q, d) => {
          if (++upserts > 5) throw new Error("injected failure");
          await docs.upsert(q, d);
        },
      },
    ]));
    await assert.rejects(runCopy(readStoreFiles(from), { ...first, collections: failing }, 2), /injected failure/);
    await first.close();
    const second = await openMigrationTarget(spec);
    const report = await runCopy(readStoreFiles(from), second, 2);
    await second.close();
    assert.equal(report.collections.find((c) => c.name === "puppets")?.resumedAt, 0, "puppets were not reached by the first run");
    assert.ok((report.collections.find((c) => c.name === "rooms")?.resumedAt ?? 0) >= 4, "rooms resumed");
    const copy = await openNedbStore(spec.dir);
    const original = await openNedbStore(from);
    for (const store of [copy, original]) {
      assert.equal((await store.rooms.all()).length, 5);
    }
    const sorted = (xs: readonly object[]) => xs.map((x) => JSON.stringify(x)).sort();
    assert.deepEqual(sorted(await copy.rooms.all()), sorted(await original.rooms.all()));
    assert.deepEqual(sorted(await copy.puppets.all("example")), sorted(await original.puppets.all("example")));
    assert.deepEqual(await copy.adminRooms.all(), await original.adminRooms.all());
    assert.deepEqual(await copy.marks.all("example"), await original.marks.all("example"));
    assert.deepEqual(await copy.channelKeys.all(), await original.channelKeys.all());
    assert.ok(await copy.transactions.has("txn1"));
    await copy.close();
    await original.close();
    assert.ok(before["rooms.db"] !== undefined, "the snapshot has the store's files");
    assert.deepEqual(snapshot(from), before, "the copied store's files are unchanged");
  });
});

describe("a copy run again after the bridge ran on", () => {
  it("a private-message room id now of another conversation: copied again without a unique-index clash", async () => {
    const from = join(scratch(), "data");
    const source = await openNedbStore(from);
    await source.pmRooms.put({ roomId: "!pm:x", network: "example", userId: "@u:x", nick: "bob", folded: "bob", createdAt: 1 });
    await source.close();
    const spec = { kind: "nedb", dir: join(scratch(), "copy") } as const;
    const first = await openMigrationTarget(spec);
    await runCopy(readStoreFiles(from), first, 10);
    await first.close();
    const again = await openNedbStore(from);
    await again.pmRooms.put({ roomId: "!pm:x", network: "example", userId: "@u:x", nick: "bobby", folded: "bobby", createdAt: 2 });
    await again.close();
    const second = await openMigrationTarget(spec);
    await runCopy(readStoreFiles(from), second, 10);
    const copied = await second.store.pmRooms.all();
    await second.close();
    assert.deepEqual(copied.map((p) => [p.roomId, p.nick]), [["!pm:x", "bobby"]]);
  });
});

describe("bad input changes nothing", () => {
  const config = (dir: string) => {
    const c = localBridgeConfig(bridges.sample, (doc) => (doc.datastore = { path: dir }));
    dirs.push(c.dir);
    return c.path;
  };
  const io = { out: () => undefined, progress: { write: () => true } };

  it("no incumbent data directory, a --map-server network the config lacks, an unreachable database: refused, the target untouched", async () => {
    const target = join(scratch(), "target");
    await assert.rejects(migrateStore(["-c", config(target), "--from-appservice-irc", join(target, "nope")], io), /no matrix-appservice-irc data directory at .*nope/);
    await assert.rejects(migrateStore(["-c", config(target), "--from-appservice-irc", await incumbent(1), "--map-server", `${SERVER}=nowhere`], io), /the config has no network nowhere/);
    await assert.rejects(migrateStore(["-c", config(target), "--from-appservice-irc", await incumbent(1), "--to", "postgresql://u:secretpw@127.0.0.1:1/db"], io), (err: Error) => {
      assert.match(err.message, /cannot reach the PostgreSQL database postgresql:\/\/127\.0\.0\.1:1\/db/);
      assert.ok(!err.message.includes("secretpw"), "the password is not shown");
      return true;
    });
    await assert.rejects(migrateStore(["-c", config(target), "--to", "postgresql://127.0.0.1:1/db"], io), /no NeDB store at/);
    await assert.rejects(migrateStore(["-c", config(target)], io), /the copy needs a PostgreSQL database/);
    assert.ok(!existsSync(target), "nothing was written");
  });
  it("a mistyped URL with a password (--to, --from-appservice-irc): refused without the password, no directory of that name", async () => {
    const target = join(scratch(), "target");
    for (const args of [
      ["--from-appservice-irc", await incumbent(1), "--to", "postgress://u:secretpw@127.0.0.1:1/db"],
      ["--from-appservice-irc", "postgress://old:secretpw@127.0.0.1:1/appservice"],
      ["--to", "mysql://u:secretpw@127.0.0.1:1/db"],
    ]) {
      await assert.rejects(migrateStore(["-c", config(target), ...args], io), (err: Error) => {
        assert.match(err.message, /takes a directory or a postgresql:\/\/ URL, got \w+:\/\/\w+:\*\*\*@127\.0\.0\.1:1\//);
        assert.ok(!err.message.includes("secretpw"), `the password is not shown: ${err.message}`);
        return true;
      });
    }
    assert.ok(!existsSync("postgress:") && !existsSync(target), "no directory was made");
    assert.equal(redactUrls("at postgresql://u:pw@h/db and redis://:pw2@h:1 or https://h/x"), "at postgresql://u:***@h/db and redis://:***@h:1 or https://h/x");
  });

  it("a target that is the incumbent's data directory (--to, or datastore.path): refused, its files unchanged", async () => {
    const source = await incumbent(3);
    const before = snapshot(source);
    const refused = /is matrix-appservice-irc's data directory/;
    await assert.rejects(migrateStore(["-c", config(source), "--from-appservice-irc", source], io), refused);
    await assert.rejects(migrateStore(["-c", config(scratch()), "--from-appservice-irc", source, "--to", `${source}/`], io), refused);
    const copy = join(scratch(), "copy");
    await writeIncumbentNedb(copy, bulkFixture(1, SERVER));
    await assert.rejects(migrateStore(["-c", config(copy), "--from-appservice-irc", source], io), refused, "another incumbent directory (users.db) too");
    assert.deepEqual(snapshot(source), before, "the incumbent's files are unchanged");
    const own = join(scratch(), "own");
    await migrateStore(["-c", config(own), "--from-appservice-irc", source], io);
    assert.ok(existsSync(join(own, "rooms.db")), "a directory of its own is written (positive control)");
  });
});
