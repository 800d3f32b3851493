import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ChannelKeys } from "../../src/rooms/channelKeys";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { openNedbStore } from "../../src/store/nedbStore";
import { silentLogger } from "../support/silentLogger";

describe("channel keys", () => {
  it("are stored sealed only, and open again after a restart with the same key file", async () => {
    const store = await openNedbStore(undefined);
    const seal = PasswordSeal.fromKey(randomBytes(32));
    const keys = new ChannelKeys(store.channelKeys, seal, silentLogger());
    keys.set("net", "#locked", "hunter2 with spaces");
    await new Promise((r) => setImmediate(r));
    const stored = await store.channelKeys.all();
    assert.equal(stored.length, 1);
    assert.ok(!JSON.stringify(stored).includes("hunter2"), "never in clear at rest");
    const restarted = new ChannelKeys(store.channelKeys, seal, silentLogger());
    await restarted.load();
    assert.equal(restarted.get("net", "#locked"), "hunter2 with spaces");
    assert.equal(restarted.get("other", "#locked"), undefined);
    restarted.remove("net", "#locked");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(await store.channelKeys.all(), []);
  });

  it("a sealed key moved to another channel does not open", async () => {
    const store = await openNedbStore(undefined);
    const seal = PasswordSeal.fromKey(randomBytes(32));
    new ChannelKeys(store.channelKeys, seal, silentLogger()).set("net", "#a", "k");
    await new Promise((r) => setImmediate(r));
    const [record] = await store.channelKeys.all();
    assert.ok(record);
    await store.channelKeys.put({ ...record, folded: "#b" });
    const keys = new ChannelKeys(store.channelKeys, seal, silentLogger());
    await keys.load();
    assert.equal(keys.get("net", "#b"), undefined);
  });

  it("without a password key file: kept in memory only", async () => {
    const store = await openNedbStore(undefined);
    const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
    keys.set("net", "#locked", "k");
    assert.equal(keys.get("net", "#locked"), "k");
    assert.equal(keys.persistent, false);
    assert.deepEqual(await store.channelKeys.all(), []);
  });
});
