/**
 * Migrating, as an operator would (the migrate-store command, real Synapse, Ergo and PostgreSQL):
 * - matrix-appservice-irc's NeDB data directory (made by the fixture script) imported into this
 *   bridge's NeDB store, and into its PostgreSQL store: the bridge started on it bridges the mapped
 *   room both ways, and the user speaks with the nick and username they had chosen there; what
 *   cannot be imported (a stored password, a server not in the config) is listed.
 * - Its PostgreSQL database imports into the same records as its NeDB files with the same content.
 * - This bridge's own NeDB store copied into PostgreSQL: the bridge started on PostgreSQL has its
 *   portal room and its user, who reconnects to the channel by itself and is bridged both ways.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Client } from "pg";
import { writeIncumbentNedb, type IncumbentFixture } from "../../scripts/fixtures/incumbentNedb";
import { writeIncumbentPg } from "../../scripts/fixtures/incumbentPg";
import { localBridgeConfig } from "../../scripts/lib/localConfig";
import { migrateStore } from "../../src/cli/migrateStore";
import { openNedbStore } from "../../src/store/nedbStore";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { readNedbFile } from "../../src/store/nedbFile";
import type { PuppetRecord } from "../../src/store/store";
import { TestIrcClient, escape } from "./support/ircClient";
import { postgresDatabase, rowsIn } from "./support/postgresDatabase";
import { RunningBridge } from "./support/localBridge";
import { PortalScene } from "./support/portalScene";
import { csApi, eventually, registerUser, sendText, timeline, uniqueName, type TestUser } from "./support/matrixClient";

const CLI = join(__dirname, "..", "..", "src", "cli", "migrateStore.js");

function migrate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The puppet records of the bridge's store (its NeDB file, read as it is, or its PostgreSQL table). */
async function storedPuppets(bridge: RunningBridge, url: string | undefined): Promise<Pick<PuppetRecord, "userId" | "username" | "channels">[]> {
  const fields = (d: Record<string, unknown>) => ({ userId: String(d.userId), username: String(d.username), channels: Array.isArray(d.channels) ? d.channels.map(String) : [] });
  if (url === undefined) return readNedbFile(join(bridge.config.dir, "data", "puppets.db")).docs.map(fields);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ doc: Record<string, unknown> }>("SELECT doc FROM ircbridge_puppets")).rows.map((r) => fields(r.doc));
  } finally {
    await client.end();
  }
}

for (const engine of ["NeDB", "PostgreSQL"] as const) {
  describe(`matrix-appservice-irc's NeDB data imported into this bridge's ${engine} store`, () => {
    const channel = `#${uniqueName("migr")}`;
    const portalChannel = `#${uniqueName("migp")}`;
    const chosenNick = uniqueName("Chose").slice(0, 14);
    const username = `m${randomBytes(3).toString("hex")}`;
    const database = engine === "PostgreSQL" ? postgresDatabase("ircbridge_migrate") : undefined;
    const incumbentDir = mkdtempSync(join(tmpdir(), "incumbent-"));
    let owner: TestUser;
    let roomId: string;
    let bridge: RunningBridge;
    let ircUser: TestIrcClient;
    let output: { code: number; stdout: string; stderr: string };

    before(async () => {
      await database?.create();
      owner = await registerUser(uniqueName("owner"));
      const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, { preset: "private_chat", name: "a room the old bridge bridged" });
      roomId = created.body.room_id;
      const portal = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, { preset: "private_chat", name: "a portal of the old bridge" });
      bridge = new RunningBridge(bridges.sample, (doc) => {
        if (database !== undefined) doc.datastore = { ...(doc.datastore as Record<string, unknown>), engine: "postgres", connectionString: database.url };
      });
      // The old bridge's bot was in its rooms (the same registration, so the same bot).
      const invite = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, owner.token, { user_id: `@${bridge.registration.sender_localpart}:localhost` });
      assert.equal(invite.status, 200);
      const server = bridge.irc.host;
      await writeIncumbentNedb(incumbentDir, {
        channels: [
          { roomId, server, channel, origin: "config" },
          { roomId: portal.body.room_id, server, channel: portalChannel, origin: "alias" },
          { roomId: "!elsewhere:localhost", server: "irc.elsewhere.example", channel: "#other", origin: "provision" },
        ],
        users: [{ userId: owner.userId, server, nick: chosenNick, username, sealedPassword: "c2VhbGVkIHdpdGggaXRzIGtleQ==" }],
        ircUsers: [{ nick: "someone", server }],
      });
      ircUser = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("ian").slice(0, 12));
      await ircUser.join(channel);
      const dry = await migrate(["-c", bridge.config.path, "--from-appservice-irc", incumbentDir, "--dry-run"]);
      assert.equal(dry.code, 0, dry.stderr);
      if (database !== undefined) assert.equal(await rowsIn(database.url, "pg_tables WHERE tablename LIKE 'ircbridge_%'"), 0, "the dry run made no table");
      output = await migrate(["-c", bridge.config.path, "--from-appservice-irc", incumbentDir]);
      await bridge.start();
    });

    after(async () => {
      await ircUser.quit();
      await bridge.dispose();
      await database?.drop();
      rmSync(incumbentDir, { recursive: true, force: true });
    });

    it("the import says what it imported and what it could not", () => {
      assert.equal(output.code, 0, output.stderr);
      assert.match(output.stdout, /rooms bridged to channels: 2/);
      assert.match(output.stdout, /mapped: 1/);
      assert.match(output.stdout, /portal: 1/);
      assert.match(output.stdout, /users' nicks and usernames: 1/);
      assert.match(output.stdout, /1 stored IRC passwords: sealed with matrix-appservice-irc's key/);
      assert.match(output.stdout, /1 records of IRC users/);
      assert.match(output.stdout, /Servers not in the config: irc\.elsewhere\.example \(1\)/);
      assert.ok(!output.stdout.includes("c2VhbGVk"), "the sealed password is not shown");
    });

    it("the mapped room is bridged both ways, the user with the nick and username chosen on the old bridge", async () => {
      await ircUser.waitOnline(bridge.botNick);
      const bot = `@${bridge.registration.sender_localpart}:localhost`;
      await eventually(async () => (await timeline(owner, roomId)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot to join the imported room");
      await sendText(owner, roomId, "hello from a migrated room");
      const line = await ircUser.waitFor(/PRIVMSG \S+ :hello from a migrated room$/, 20000);
      assert.match(line, new RegExp(`^(?:@\\S+ )?:${escape(chosenNick)}!`, "i"));
      // Ergo shows every user's username as ~u: the bridge's own record of the connection has it.
      const puppet = await eventually(async () => (await storedPuppets(bridge, database?.url)).find((p) => p.userId === owner.userId && p.channels.length > 0), 10000, "the connection's record");
      assert.equal(puppet.username, username);
      assert.deepEqual(puppet.channels, [channel], "the connection is recorded with the channel it joined");
      ircUser.say(channel, "hello back from IRC");
      await eventually(async () => (await timeline(owner, roomId)).some((e) => e.sender === bridge.ghost(ircUser.nick) && e.content.body === "hello back from IRC"), 20000, "the IRC message in the room");
      if (database !== undefined) assert.equal(await rowsIn(database.url, "ircbridge_rooms"), 2, "both rooms are in PostgreSQL");
    });
  });
}

describe("this bridge's NeDB store copied into PostgreSQL, and the bridge started on it", () => {
  const database = postgresDatabase("ircbridge_migrate");
  const onNedb = new RunningBridge(bridges.sample);
  const scene = new PortalScene(onNedb, `#${uniqueName("copy")}`);
  let onPg: RunningBridge | undefined;
  const dirs: string[] = [];

  before(async () => {
    await database.create();
    await scene.setUp();
  });
  after(async () => {
    await onPg?.dispose();
    await scene.tearDown();
    await database.drop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it("the portal room and the user's connection are there: she is back in the channel and bridged both ways", async () => {
    await sendText(scene.alice, scene.roomId, "said on the NeDB store");
    await scene.talker.waitFor(/PRIVMSG \S+ :said on the NeDB store$/, 20000);
    await onNedb.stop();
    const copied = await migrate(["-c", onNedb.config.path, "--to", database.url]);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, /rooms: 1/);
    assert.match(copied.stdout, /puppets: 1/);
    assert.ok(!copied.stdout.includes("postgres@"), "the database's user is not shown");
    const again = await migrate(["-c", onNedb.config.path, "--to", database.url]);
    assert.match(again.stdout, /rooms: 1 \(resumed: 1 done before, 0 now\)/, again.stdout);
    assert.equal(await rowsIn(database.url, "ircbridge_rooms"), 1, "a second copy duplicates nothing");
    const nedbPath = join(onNedb.config.dir, "data");
    onPg = new RunningBridge(bridges.sample, (doc) => {
      doc.datastore = { path: nedbPath, engine: "postgres", connectionString: database.url };
    });
    dirs.push(onPg.config.dir);
    const from = scene.talker.lines.length;
    await onPg.start();
    await scene.talker.waitFor(scene.puppetJoin(), 30000, from);
    await sendText(scene.alice, scene.roomId, "said on the PostgreSQL store");
    await scene.talker.waitFor(/PRIVMSG \S+ :said on the PostgreSQL store$/, 20000, from);
    scene.talker.say(scene.channel, "heard on the PostgreSQL store");
    await eventually(async () => (await scene.bodies("heard on the PostgreSQL store")).length === 1, 20000, "the IRC message in the portal room");
  });
});

describe("matrix-appservice-irc's PostgreSQL database imported", () => {
  const source = postgresDatabase("ircbridge_migrate");
  const server = testenv.ergo.host;
  const fixture: IncumbentFixture = {
    channels: [
      { roomId: "!cfg:localhost", server, channel: "#Mapped", origin: "config" },
      { roomId: "!prov:localhost", server, channel: "#linked", origin: "provision" },
      { roomId: "!made:localhost", server, channel: "#portal", origin: "join" },
      { roomId: "!far:localhost", server: "irc.elsewhere.example", channel: "#far", origin: "alias" },
      // The incumbent types an & channel's room "pm" (only # names are "channel").
      { roomId: "!amp:localhost", server, channel: "&Local", origin: "provision" },
    ],
    adminRooms: [{ userId: "@ann:localhost", roomId: "!admin:localhost" }],
    pmRooms: [{ roomId: "!pm:localhost", server, nick: "Bob", userId: "@ann:localhost", ghostId: "@irc_Bob:localhost" }],
    users: [
      { userId: "@ann:localhost", server, nick: "AnnChose", username: "annie", sealedPassword: "sealed-by-the-old-key", lastSeen: 5 },
      { userId: "@ben:localhost", server, username: "annie" },
    ],
  };
  const dirs: string[] = [];
  const io = (lines: string[]) => ({ out: (t: string) => lines.push(t), progress: { write: () => true } });
  const configFor = (dir: string) => {
    const config = localBridgeConfig(bridges.sample, (doc) => (doc.datastore = { path: dir }));
    dirs.push(config.dir, dir);
    return config.path;
  };
  before(async () => {
    await source.create();
    await writeIncumbentPg(source.url, fixture);
  });
  after(async () => {
    await source.drop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it("the same records, and the same list of what could not come, as from its NeDB files", async () => {
    const nedbSource = mkdtempSync(join(tmpdir(), "incumbent-"));
    await writeIncumbentNedb(nedbSource, fixture);
    const fromPg = join(mkdtempSync(join(tmpdir(), "migrated-")), "data");
    const fromNedb = join(mkdtempSync(join(tmpdir(), "migrated-")), "data");
    const dry: string[] = [];
    await migrateStore(["-c", configFor(fromPg), "--from-appservice-irc", source.url, "--dry-run"], io(dry));
    const pgOut: string[] = [];
    await migrateStore(["-c", configFor(fromPg), "--from-appservice-irc", source.url], io(pgOut));
    const nedbOut: string[] = [];
    await migrateStore(["-c", configFor(fromNedb), "--from-appservice-irc", nedbSource], io(nedbOut));
    dirs.push(nedbSource);
    assert.match(dry.join("\n"), /^Dry run: would import from matrix-appservice-irc PostgreSQL database postgresql:\/\/127\.0\.0\.1:\d+\/ircbridge_migrate_/);
    const report = pgOut.join("\n");
    for (const line of [/rooms bridged to channels: 4/, /mapped: 1/, /linked: 2/, /portal: 1/, /users' nicks and usernames: 2/, /admin rooms: 1/, /private-message rooms: 1/]) assert.match(report, line);
    for (const line of [/1 stored IRC passwords/, /1 last-seen times/, /1 usernames another imported user had/, /Servers not in the config: irc\.elsewhere\.example \(1\)/]) assert.match(report, line);
    assert.ok(!report.includes("sealed-by-the-old-key"));
    const a = await openNedbStore(fromPg);
    const b = await openNedbStore(fromNedb);
    const sorted = (xs: readonly object[]) => xs.map((x) => JSON.stringify(x)).sort();
    const withoutTime = (xs: readonly { createdAt: number }[]) => sorted(xs.map(({ createdAt, ...rest }) => ({ ...rest, at: typeof createdAt })));
    assert.deepEqual(sorted(await a.rooms.all()), sorted(await b.rooms.all()));
    assert.equal((await a.rooms.all()).length, 4);
    assert.ok((await a.rooms.all()).some((r) => r.channel === "&local" && r.origin === "linked"), "the & channel is a room bridged to it");
    assert.deepEqual(sorted(await a.puppets.all("example")), sorted(await b.puppets.all("example")));
    assert.deepEqual(
      (await a.puppets.all("example")).map((p) => [p.userId, p.desiredNick, p.username]).sort(),
      [["@ann:localhost", "AnnChose", "annie"], ["@ben:localhost", undefined, "annie1"]],
    );
    assert.deepEqual(await a.adminRooms.all(), await b.adminRooms.all());
    assert.deepEqual(withoutTime(await a.pmRooms.all()), withoutTime(await b.pmRooms.all()));
    assert.equal((await a.pmRooms.all()).length, 1);
    await a.close();
    await b.close();
  });

  it("an admin_rooms row without its user is counted under a reason", async () => {
    const client = new Client({ connectionString: source.url });
    await client.connect();
    await client.query("INSERT INTO admin_rooms VALUES ('!orphan:localhost', NULL)").finally(() => client.end());
    const out: string[] = [];
    await migrateStore(["-c", configFor(join(mkdtempSync(join(tmpdir(), "migrated-")), "data")), "--from-appservice-irc", source.url, "--dry-run"], io(out));
    assert.match(out.join("\n"), /admin rooms: 1\n/, "the one with its user (positive control)");
    assert.match(out.join("\n"), /\n {2}1 admin rooms without their Matrix user\n/);
  });

  it("an unreachable source database is one line naming it, and nothing is written", async () => {
    const target = join(mkdtempSync(join(tmpdir(), "migrated-")), "data");
    await assert.rejects(migrateStore(["-c", configFor(target), "--from-appservice-irc", "postgresql://old:pw@127.0.0.1:1/appservice"], io([])), /cannot reach matrix-appservice-irc's PostgreSQL database postgresql:\/\/127\.0\.0\.1:1\/appservice/);
    assert.ok(!existsSync(target));
  });
});
