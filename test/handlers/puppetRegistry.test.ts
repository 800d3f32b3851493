import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PuppetRegistry } from "../../src/puppets/puppetRegistry";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";

/** A registry whose identities never resolve, so no connection ever opens a socket. */
async function setup(extra: string) {
  const clock = new FakeClock();
  const store = await openNedbStore(undefined);
  const attached: string[] = [];
  const registry = new PuppetRegistry({
    network: fakeNetwork(extra),
    store: store.puppets,
    identity: () => new Promise(() => undefined),
    attach: (_connection, userId) => attached.push(userId),
    clock,
    log: silentLogger(),
    keepalive: { pingIntervalS: 30, pingTimeoutS: 90 },
    reconnect: { minMs: 1000, maxMs: 60000 },
  });
  return { clock, registry, attached, store };
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

  it("refuses beyond the network's connection limit, saying why", async () => {
    const { registry } = await setup(", connections: { max: 1 }");
    assert.ok(registry.ensure("@a:example.org").ok);
    const refused = registry.ensure("@b:example.org");
    if (refused.ok) assert.fail("a second connection was accepted beyond the limit");
    assert.match(refused.reason, /limit/);
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

  it("reconnect: a live connection is replaced by one that joins the same channels", async () => {
    const { registry, attached } = await setup("");
    const first = registry.ensure("@alice:example.org");
    assert.ok(first.ok);
    first.connection.join("#a");
    first.connection.join("#b");
    assert.equal(await registry.reconnect("@alice:example.org"), "Reconnecting you to TestNet, rejoining 2 channels.");
    assert.equal(first.connection.isClosed, true);
    const second = registry.get("@alice:example.org");
    assert.ok(second !== undefined && second !== first.connection);
    assert.deepEqual(second.channelNames, ["#a", "#b"]);
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

  it("reconnect: refused at the connection limit, saying why", async () => {
    const { registry, store } = await setup(", connections: { max: 1 }");
    assert.ok(registry.ensure("@a:example.org").ok);
    await store.puppets.put({ userId: "@bob:example.org", network: "testnet", nick: "bob", username: "bob", channels: ["#c"], nickNote: undefined });
    assert.match(await registry.reconnect("@bob:example.org"), /^Cannot reconnect you to TestNet: .*limit\.$/);
  });
});
