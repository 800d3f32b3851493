import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { foldCase } from "../../src/irc/casemapping";
import { BOT_KEY_OWNER, ChannelKeys, type KeyedChannels } from "../../src/rooms/channelKeys";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { openNedbStore } from "../../src/store/nedbStore";
import type { Logger } from "../../src/observability/logger";
import { silentLogger } from "../support/silentLogger";

const A = "@alice:example.org";
const B = "@bob:example.org";

/** #mapped has a configured mapping key; nothing else has. */
const channels: KeyedChannels = {
  fold: (c) => foldCase(c, "rfc1459"),
  mappingKey: (c) => (foldCase(c, "rfc1459") === "#mapped" ? "mapkey" : undefined),
};

const settled = () => new Promise((r) => setImmediate(r));

/** A logger that records every line (message and fields) as JSON. */
function recordingLogger(lines: string[]): Logger {
  const log = silentLogger();
  for (const level of ["info", "warn", "error"] as const) {
    Object.assign(log, { [level]: (message: string, meta?: unknown) => lines.push(JSON.stringify({ level, message, meta })) });
  }
  return log;
}

describe("channel keys, per connection", () => {
  it("a key one user gave is never another user's", async () => {
    const store = await openNedbStore(undefined);
    const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
    const alice = keys.book("net", A, channels);
    const bob = keys.book("net", B, channels);
    alice.accepted("#Secret", "thekey");
    assert.equal(alice.get("#secret"), "thekey", "the casemapping folds the name");
    assert.equal(bob.get("#secret"), undefined, "B has no key");
    assert.equal(keys.book("net", BOT_KEY_OWNER, channels).get("#secret"), undefined, "nor has the bot");
    assert.equal(keys.book("other", A, channels).get("#secret"), undefined, "nor has A on another network");
  });

  it("a key heard in the channel is the hearer's only; -k forgets it", async () => {
    const store = await openNedbStore(undefined);
    const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
    keys.heard("net", A, channels, "#c", "heard");
    assert.equal(keys.book("net", A, channels).get("#c"), "heard");
    assert.equal(keys.book("net", B, channels).get("#c"), undefined);
    keys.heard("net", A, channels, "#c", undefined);
    assert.equal(keys.book("net", A, channels).get("#c"), undefined);
  });

  it("a refused key is forgotten for that user only", async () => {
    const store = await openNedbStore(undefined);
    const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
    keys.book("net", A, channels).accepted("#c", "old");
    keys.book("net", B, channels).accepted("#c", "old");
    keys.book("net", A, channels).refused("#c");
    assert.equal(keys.book("net", A, channels).get("#c"), undefined);
    assert.equal(keys.book("net", B, channels).get("#c"), "old");
  });

  it("a mapping's key: only for a connection that got in with it from the mapping's room, until it parts; always for the bot", async () => {
    const store = await openNedbStore(undefined);
    const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
    const alice = keys.book("net", A, channels);
    const bob = keys.book("net", B, channels);
    assert.equal(bob.get("#mapped"), undefined, "a join not from the mapping's room (a portal, a !join without key) gets no key");
    assert.equal(keys.book("net", BOT_KEY_OWNER, channels).get("#Mapped"), "mapkey", "the bot joins the mapped channel with it");
    alice.accepted("#mapped", "mapkey");
    assert.equal(alice.get("#mapped"), "mapkey", "rejoined with it");
    assert.equal(bob.get("#mapped"), undefined);
    alice.parted("#mapped");
    assert.equal(alice.get("#mapped"), undefined, "out of the channel on purpose: a later portal join gets no key");
    keys.heard("net", B, channels, "#mapped", "mapkey");
    assert.equal(bob.get("#mapped"), "mapkey", "heard in the channel: rejoins with it");
    bob.parted("#mapped");
    assert.equal(bob.get("#mapped"), undefined, "but the mapping's key is never a user's own");
  });

  it("are stored sealed only (bound to network, user and channel), and open again after a restart", async () => {
    const store = await openNedbStore(undefined);
    const seal = PasswordSeal.fromKey(randomBytes(32));
    const keys = new ChannelKeys(store.channelKeys, seal, silentLogger());
    keys.book("net", A, channels).accepted("#locked", "hunter2 with spaces");
    keys.book("net", B, channels).accepted("#mapped", "mapkey");
    await settled();
    const stored = await store.channelKeys.all();
    assert.equal(stored.length, 2);
    assert.ok(!JSON.stringify(stored).includes("hunter2"), "never in clear at rest");
    assert.ok(!JSON.stringify(stored).includes("mapkey"), "a mapping's key is not stored at all");
    const restarted = new ChannelKeys(store.channelKeys, seal, silentLogger());
    await restarted.load();
    assert.equal(restarted.book("net", A, channels).get("#locked"), "hunter2 with spaces");
    assert.equal(restarted.book("net", B, channels).get("#locked"), undefined);
    assert.equal(restarted.book("net", B, channels).get("#mapped"), "mapkey", "B still rejoins the mapped channel");
    restarted.book("net", A, channels).refused("#locked");
    await settled();
    assert.equal((await store.channelKeys.all()).length, 1);
  });

  it("a sealed key moved to another user does not open", async () => {
    const store = await openNedbStore(undefined);
    const seal = PasswordSeal.fromKey(randomBytes(32));
    new ChannelKeys(store.channelKeys, seal, silentLogger()).book("net", A, channels).accepted("#a", "k");
    await settled();
    const [record] = await store.channelKeys.all();
    assert.ok(record?.user !== undefined);
    await store.channelKeys.remove("net", A, "#a");
    await store.channelKeys.put({ ...record, user: B, network: "net", folded: "#a" });
    const keys = new ChannelKeys(store.channelKeys, seal, silentLogger());
    await keys.load();
    assert.equal(keys.book("net", B, channels).get("#a"), undefined);
  });

  it("network-wide keys of an older version are dropped at load, logged once without the key", async () => {
    const seal = PasswordSeal.fromKey(randomBytes(32));
    // What the previous version stored: one key per network and channel, for every connection.
    const legacy = seal.seal("oldsecret", "ircbridge-channel-key\u0000net\u0000#old");
    const dir = mkdtempSync(join(tmpdir(), "keys-"));
    writeFileSync(join(dir, "channelKeys.db"), `${JSON.stringify({ network: "net", folded: "#old", sealedKey: legacy, _id: "legacy1" })}\n`);
    const store = await openNedbStore(dir);
    const lines: string[] = [];
    const keys = new ChannelKeys(store.channelKeys, seal, recordingLogger(lines));
    await keys.load();
    for (const user of [A, B, BOT_KEY_OWNER]) assert.equal(keys.book("net", user, channels).get("#old"), undefined);
    assert.deepEqual(await store.channelKeys.all(), []);
    assert.equal(lines.length, 1);
    assert.ok(!lines.join("\n").includes("oldsecret"));
    assert.ok(!lines.join("\n").includes(legacy));
  });

  it("without a password key file: keys in memory only", async () => {
    const store = await openNedbStore(undefined);
    const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
    keys.book("net", A, channels).accepted("#locked", "k");
    await settled();
    assert.equal(keys.book("net", A, channels).get("#locked"), "k");
    assert.equal(keys.persistent, false);
    assert.deepEqual(await store.channelKeys.all(), []);
  });
});
