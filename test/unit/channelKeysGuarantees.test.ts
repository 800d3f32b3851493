import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { foldCase } from "../../src/irc/casemapping";
import type { Logger } from "../../src/observability/logger";
import { BOT_KEY_OWNER, ChannelKeys, type KeyedChannels } from "../../src/rooms/channelKeys";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import type { ChannelKeyRecord, ChannelKeyStore, StoredChannelKeyRecord } from "../../src/store/store";
import { silentLogger } from "../support/silentLogger";

const A = "@alice:example.org";
const B = "@bob:example.org";

const channels: KeyedChannels = {
  fold: (c) => foldCase(c, "rfc1459"),
  mappingKey: (c) => (foldCase(c, "rfc1459") === "#mapped" ? "mapkey" : undefined),
};

const settled = () => new Promise((r) => setImmediate(r));

/** An in-memory store that records every write; `failing` makes every write fail. */
function recordingStore(initial: StoredChannelKeyRecord[] = [], legacy = 0, failing = false) {
  const records = new Map<string, StoredChannelKeyRecord>(initial.map((r) => [`${r.network} ${r.user ?? ""} ${r.folded}`, r]));
  const writes: string[] = [];
  const store: ChannelKeyStore = {
    all: () => Promise.resolve([...records.values()]),
    put: (record: ChannelKeyRecord) => {
      writes.push(`put ${JSON.stringify(record)}`);
      if (failing) return Promise.reject(new Error("disk full"));
      records.set(`${record.network} ${record.user} ${record.folded}`, record);
      return Promise.resolve();
    },
    remove: (network, user, folded) => {
      writes.push(`remove ${network} ${user} ${folded}`);
      if (failing) return Promise.reject(new Error("disk full"));
      records.delete(`${network} ${user} ${folded}`);
      return Promise.resolve();
    },
    removeNetworkWide: () => Promise.resolve(legacy),
  };
  return { store, records, writes };
}

function recordingLogger(lines: { level: string; message: string; meta: unknown }[]): Logger {
  const log = silentLogger();
  for (const level of ["info", "warn", "error"] as const) {
    Object.assign(log, { [level]: (message: string, meta?: unknown) => lines.push({ level, message, meta }) });
  }
  return log;
}

describe("channel keys: what is stored, logged and told", () => {
  it("anyKnown: yes when a connection of that network knows a key of that channel; a mapping mark is no key", () => {
    const keys = new ChannelKeys(recordingStore().store, undefined, silentLogger());
    assert.equal(keys.anyKnown("net", "#c"), false, "nothing known yet");
    keys.book("net", A, channels).accepted("#C", "k");
    keys.heard("net", B, channels, "#mapped", "mapkey");
    assert.equal(keys.anyKnown("net", "#c"), true);
    assert.equal(keys.anyKnown("other", "#c"), false, "another network");
    assert.equal(keys.anyKnown("net", "#d"), false, "another channel");
    assert.equal(keys.anyKnown("net", "#mapped"), false, "B is marked for the mapping, with no key of its own");
    assert.equal(keys.entry("net", B, "#mapped").viaMapping, true);
  });

  it("-k on a channel without a mapping key marks nothing; the bot hearing a mapping's key is not marked", () => {
    const keys = new ChannelKeys(recordingStore().store, undefined, silentLogger());
    keys.heard("net", A, channels, "#c", undefined);
    assert.deepEqual(keys.entry("net", A, "#c"), { own: undefined, viaMapping: false });
    keys.heard("net", BOT_KEY_OWNER, channels, "#mapped", "mapkey");
    assert.deepEqual(keys.entry("net", BOT_KEY_OWNER, "#mapped"), { own: undefined, viaMapping: false });
    assert.equal(keys.book("net", BOT_KEY_OWNER, channels).get("#mapped"), "mapkey", "the bot joins mapped channels with it anyway");
  });

  it("with a key file: written once per change, sealed; nothing written when nothing changed; the bot's records are stored as the user \"bot\"", async () => {
    const { store, writes } = recordingStore();
    const keys = new ChannelKeys(store, PasswordSeal.fromKey(randomBytes(32)), silentLogger());
    assert.equal(keys.persistent, true);
    keys.book("net", A, channels).accepted("#c", "k");
    keys.book("net", A, channels).accepted("#c", "k");
    keys.book("net", A, channels).parted("#never");
    keys.book("net", BOT_KEY_OWNER, channels).accepted("#b", "botkey");
    await settled();
    assert.equal(writes.length, 2, writes.join("\n"));
    assert.match(writes[0] ?? "", /^put .*"user":"@alice:example.org".*"sealedKey"/);
    assert.match(writes[1] ?? "", /^put .*"user":"bot"/);
    assert.ok(!writes.join("\n").includes("botkey") && !writes.join("\n").includes('"k"'), "never in clear");
  });

  it("without a key file: a key is never written; a mapping mark is, without any key field, and survives a restart", async () => {
    const { store, writes, records } = recordingStore();
    const keys = new ChannelKeys(store, undefined, silentLogger());
    keys.book("net", A, channels).accepted("#c", "k");
    keys.update("net", A, "#d", { own: "k2", viaMapping: true });
    keys.heard("net", B, channels, "#mapped", "mapkey");
    await settled();
    assert.deepEqual(writes, [
      `put ${JSON.stringify({ network: "net", user: A, folded: "#d", viaMapping: true })}`,
      `put ${JSON.stringify({ network: "net", user: B, folded: "#mapped", viaMapping: true })}`,
    ]);
    assert.ok([...records.values()].every((r) => !("sealedKey" in r)), "not even an empty sealedKey field");
    const restarted = new ChannelKeys(store, undefined, silentLogger());
    await restarted.load();
    assert.equal(restarted.book("net", B, channels).get("#mapped"), "mapkey");
    assert.deepEqual(restarted.entry("net", A, "#d"), { own: undefined, viaMapping: true });
    assert.equal(restarted.book("net", A, channels).get("#c"), undefined);
  });

  it("a write that fails is logged with where, never with the key", async () => {
    const lines: { level: string; message: string; meta: unknown }[] = [];
    const keys = new ChannelKeys(recordingStore([], 0, true).store, PasswordSeal.fromKey(randomBytes(32)), recordingLogger(lines));
    keys.book("net", A, channels).accepted("#c", "sekrit");
    await settled();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, "error");
    assert.match(lines[0].message, /cannot save a channel key/);
    assert.deepEqual(lines[0].meta, { network: "net", user: A, channel: "#c", error: "disk full" });
    assert.ok(!JSON.stringify(lines).includes("sekrit"));
  });

  it("load: logs nothing when all is well, says how many older records it dropped, warns about a key it cannot open", async () => {
    const seal = PasswordSeal.fromKey(randomBytes(32));
    const other = PasswordSeal.fromKey(randomBytes(32));
    const { store } = recordingStore();
    const writer = new ChannelKeys(store, seal, silentLogger());
    writer.book("net", A, channels).accepted("#c", "k");
    writer.heard("net", B, channels, "#mapped", "mapkey");
    await settled();

    const quiet: { level: string; message: string; meta: unknown }[] = [];
    const same = new ChannelKeys(store, seal, recordingLogger(quiet));
    await same.load();
    assert.deepEqual(quiet, [], "a mark without a key is no key to open");
    assert.equal(same.book("net", A, channels).get("#c"), "k");

    const noFile: { level: string; message: string; meta: unknown }[] = [];
    const memoryOnly = new ChannelKeys(store, undefined, recordingLogger(noFile));
    await memoryOnly.load();
    assert.deepEqual(noFile, [], "without a key file sealed keys are not tried");
    assert.equal(memoryOnly.book("net", A, channels).get("#c"), undefined);
    assert.equal(memoryOnly.book("net", B, channels).get("#mapped"), "mapkey", "the marks are loaded");

    const changed: { level: string; message: string; meta: unknown }[] = [];
    const wrongKey = new ChannelKeys(store, other, recordingLogger(changed));
    await wrongKey.load();
    assert.deepEqual(changed.map((l) => [l.level, l.meta]), [["warn", { network: "net", user: A, channel: "#c" }]]);
    assert.match(changed[0]?.message ?? "", /cannot be opened/);
    assert.equal(wrongKey.book("net", A, channels).get("#c"), undefined);

    const dropped: { level: string; message: string; meta: unknown }[] = [];
    await new ChannelKeys(recordingStore([], 3).store, seal, recordingLogger(dropped)).load();
    assert.deepEqual(dropped.map((l) => [l.level, l.meta]), [["warn", { dropped: 3 }]]);
    assert.match(dropped[0]?.message ?? "", /older version/);
  });
});
