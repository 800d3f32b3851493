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
  return { clock, registry, attached };
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
});
