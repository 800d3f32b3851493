import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectionOptions } from "../../src/irc/connection";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { testPuppets } from "../support/testPuppets";

/** A registry whose identities never resolve, so no connection ever opens a socket. */
async function setup(extra: string) {
  const clock = new FakeClock();
  const store = await openNedbStore(undefined);
  const attached: string[] = [];
  const dropped: string[] = [];
  const network = fakeNetwork(extra);
  const registry = testPuppets(network, store.puppets, clock, { attach: (_connection, userId) => attached.push(userId), dropped: (userId: string, text: string) => dropped.push(`${userId}: ${text}`) });
  return { clock, registry, attached, dropped, store, network };
}

describe("the users' connections", () => {
  it("one connection per user, reused", async () => {
    const { registry, attached } = await setup("");
    const first = registry.ensure("@alice:example.org");
    const again = registry.ensure("@alice:example.org");
    assert.ok(first.ok && again.ok);
    assert.equal(first.connection, again.connection);
    assert.deepEqual(attached, ["@alice:example.org"]);
  });

  it("at the connection limit a new user is told the bridge is full; no one connected is disconnected", async () => {
    const { registry, clock, dropped } = await setup(", connections: { max: 2 }");
    const a = registry.ensure("@a:example.org");
    clock.advance(1000);
    const b = registry.ensure("@b:example.org");
    clock.advance(1000);
    registry.touch("@a:example.org");
    const c = registry.ensure("@c:example.org");
    assert.ok(a.ok && b.ok);
    assert.ok(!c.ok);
    assert.equal(c.why, "limit");
    assert.match(c.reason, /^the bridge is full: it already has 2 connections to TestNet, its limit\. No one is disconnected/);
    assert.equal(b.connection.isClosed, false, "the least recently active user keeps their connection");
    assert.equal(a.connection.isClosed, false);
    assert.equal(registry.size, 2);
    assert.deepEqual(dropped, []);
    assert.equal(registry.ensure("@a:example.org").ok, true, "a connected user still gets their own connection");
    // Once a connection closes (here: its user quit), the next new user gets in.
    await registry.quit("@b:example.org");
    assert.equal(registry.ensure("@c:example.org").ok, true);
  });

  it("closes the connections of users inactive beyond the limit, oldest first, and says so", async () => {
    const { registry, clock, dropped } = await setup(", connections: { inactiveHours: 1, idleTimeoutSeconds: 0 }");
    const old = registry.ensure("@old:example.org");
    clock.advance(1800000);
    const recent = registry.ensure("@recent:example.org");
    assert.ok(old.ok && recent.ok);
    old.connection.join("#chan");
    recent.connection.join("#chan");
    clock.advance(1800000);
    registry.sweep();
    assert.equal(old.connection.isClosed, true);
    assert.equal(recent.connection.isClosed, false);
    assert.match(dropped.join("\n"), /@old:example\.org: .*sent nothing through the bridge for 1 h/);
    registry.touch("@recent:example.org");
    clock.advance(1800000);
    registry.sweep();
    assert.equal(recent.connection.isClosed, false, "activity resets the clock");
  });

  it("closes a connection that stayed in no channel for the idle time, not before", async () => {
    const { registry, clock } = await setup(", connections: { idleTimeoutSeconds: 60 }");
    const idle = registry.ensure("@idle:example.org");
    const busy = registry.ensure("@busy:example.org");
    assert.ok(idle.ok && busy.ok);
    busy.connection.join("#chan");
    registry.sweep();
    clock.advance(59000);
    registry.sweep();
    assert.equal(idle.connection.isClosed, false, "not idle long enough yet");
    clock.advance(2000);
    registry.sweep();
    assert.equal(idle.connection.isClosed, true);
    assert.equal(registry.get("@idle:example.org"), undefined);
    assert.equal(busy.connection.isClosed, false, "a connection in a channel stays");
  });

  it("a connection in no channel used for private messages is not idle while they go on", async () => {
    const { registry, clock } = await setup(", connections: { idleTimeoutSeconds: 60 }");
    const pm = registry.ensure("@pm:example.org");
    assert.ok(pm.ok);
    registry.sweep();
    clock.advance(50000);
    registry.busy("@pm:example.org");
    registry.sweep();
    clock.advance(50000);
    registry.sweep();
    assert.equal(pm.connection.isClosed, false, "its idle time started again with the private message");
    clock.advance(11000);
    registry.sweep();
    assert.equal(pm.connection.isClosed, true, "closed 60 s after the last private message");
  });

  it("reconnect: a live connection is replaced by one that joins the same channels", async () => {
    const { registry, attached } = await setup("");
    const first = registry.ensure("@alice:example.org");
    assert.ok(first.ok);
    first.connection.join("#a");
    first.connection.join("#b", "key");
    assert.equal(await registry.reconnect("@alice:example.org"), "Reconnecting you to TestNet, rejoining 2 channels.");
    assert.equal(first.connection.isClosed, true);
    const second = registry.get("@alice:example.org");
    assert.ok(second !== undefined && second !== first.connection);
    assert.deepEqual(second.channelEntries, [
      { name: "#a", key: undefined },
      { name: "#b", key: "key" },
    ], "channel keys are kept");
    assert.equal(second.queued, 2, "both JOINs queued");
    assert.deepEqual(attached, ["@alice:example.org", "@alice:example.org"]);
  });

  it("reconnect: without a connection, the stored channels are joined; with neither, nothing happens", async () => {
    const { registry, store } = await setup("");
    await store.puppets.put({ userId: "@bob:example.org", network: "testnet", nick: "bob", username: "bob", channels: ["#c"], nickNote: undefined });
    assert.equal(await registry.reconnect("@bob:example.org"), "Reconnecting you to TestNet, rejoining 1 channel.");
    assert.deepEqual(registry.get("@bob:example.org")?.channelNames, ["#c"]);
    assert.equal(await registry.reconnect("@carol:example.org"), "You have no connection to TestNet to reconnect.");
    assert.equal(registry.get("@carol:example.org"), undefined);
  });

  it("reconnect at the connection limit is refused, saying the bridge is full; the connected user stays", async () => {
    const { registry, store, dropped } = await setup(", connections: { max: 1 }");
    const a = registry.ensure("@a:example.org");
    assert.ok(a.ok);
    await store.puppets.put({ userId: "@bob:example.org", network: "testnet", nick: "bob", username: "bob", channels: ["#c"], nickNote: undefined });
    assert.match(await registry.reconnect("@bob:example.org"), /^Cannot reconnect you to TestNet: the bridge is full: it already has 1 connections to TestNet/);
    assert.equal(a.connection.isClosed, false);
    assert.equal(registry.get("@bob:example.org"), undefined);
    assert.deepEqual(dropped, []);
    assert.match(await registry.reconnect("@a:example.org"), /^Reconnecting you to TestNet/, "a connected user's own reconnect frees and retakes their place");
  });

  it("!quit: the connection closes, ensure refuses with how to come back, and a restart keeps it so", async () => {
    const { registry, store, network, clock } = await setup("");
    await store.puppets.put({ userId: "@alice:example.org", network: "testnet", nick: "alice", username: "alice", channels: [], nickNote: undefined });
    const first = registry.ensure("@alice:example.org");
    assert.ok(first.ok);
    first.connection.join("#a");
    assert.equal(
      await registry.quit("@alice:example.org"),
      "You are disconnected and will stay so, even after a bridge restart, until you send !reconnect testnet to connect again; meanwhile your messages in TestNet's rooms are not sent to IRC. Your channel is kept for then.",
    );
    assert.equal(first.connection.isClosed, true);
    assert.equal(registry.get("@alice:example.org"), undefined);
    const refused = registry.ensure("@alice:example.org");
    assert.deepEqual(refused, {
      ok: false,
      reason: "you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again",
      why: "quit",
    });
    assert.match(await registry.quit("@alice:example.org"), /^You already left TestNet with !quit/);
    const stored = await store.puppets.get("testnet", "@alice:example.org");
    assert.equal(stored?.quit, true);
    assert.deepEqual(stored.channels, ["#a"], "the channels are kept for !reconnect");

    // A restart: a new registry on the same store.
    const again = testPuppets(network, store.puppets, clock);
    await again.load();
    assert.equal(again.ensure("@alice:example.org").ok, false, "still quit after a restart");
    assert.equal(await again.reconnect("@alice:example.org"), "Reconnecting you to TestNet, rejoining 1 channel.");
    assert.deepEqual(again.get("@alice:example.org")?.channelNames, ["#a"]);
    assert.equal((await store.puppets.get("testnet", "@alice:example.org"))?.quit, false);
    assert.equal(again.ensure("@alice:example.org").ok, true);
  });

  it("!quit without a connection: kept quit if the user has a record, else nothing to do", async () => {
    const { registry, store } = await setup("");
    assert.equal(await registry.quit("@nobody:example.org"), "You have no connection to TestNet.");
    assert.equal(registry.ensure("@nobody:example.org").ok, true, "nothing was recorded");
    await store.puppets.put({ userId: "@bob:example.org", network: "testnet", nick: "bob", username: "bob", channels: [], nickNote: undefined });
    assert.match(await registry.quit("@bob:example.org"), /^You were not connected; you will stay so, even after a bridge restart, until you send !reconnect testnet/);
    assert.equal(registry.ensure("@bob:example.org").ok, false);
    assert.equal(await registry.reconnect("@bob:example.org"), "You are no longer quit from TestNet. You were in no channel: a message in one of its rooms, or !join, connects you.");
    assert.equal(registry.ensure("@bob:example.org").ok, true);
  });
  it("each connection asks the feed about its copies and its NAMES under its own id (what the broker knows it by)", async () => {
    const clock = new FakeClock();
    const store = await openNedbStore(undefined);
    const asked: string[] = [];
    const registry = testPuppets(fakeNetwork(""), store.puppets, clock, {
      heardElsewhere: (id, channel, msgid) => (asked.push(`${id} ${channel} ${msgid}`), true),
      namesElsewhere: (id, channel) => (asked.push(`${id} ${channel}`), true),
    });
    const ensured = registry.ensure("@alice:example.org");
    assert.ok(ensured.ok);
    const options = Reflect.get(ensured.connection, "options") as ConnectionOptions;
    assert.equal(options.namesElsewhere?.("#chan"), true);
    assert.equal(options.heardElsewhere?.("#chan", "m1"), true);
    const id = ensured.connection.id;
    assert.deepEqual(asked, [`${id} #chan`, `${id} #chan m1`]);
  });
});
