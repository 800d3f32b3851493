import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionNews } from "../../src/bridge/connectionNews";
import { NetworkTrouble } from "../../src/bridge/networkTrouble";
import { IrcConnection } from "../../src/irc/connection";
import { createMetrics } from "../../src/observability/metrics";
import { FakeClock } from "../support/fakeClock";
import { HeardConnection } from "../support/heardConnection";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";

/** A connection that never gets a turn to connect (it waits, as connections do while the network is down). */
function waiting(network: ReturnType<typeof fakeNetwork>, id: string): IrcConnection {
  return new IrcConnection({
    id,
    server: network.server,
    realname: id,
    pacing: network.pacing,
    keepalive: network.keepalive,
    reconnect: network.reconnect,
    gate: { request: () => undefined, cancel: () => undefined, report: () => undefined, holdReason: undefined },
    priority: () => 0,
  });
}

describe("network trouble: a TLS refusal is the network's, told to everyone who waits", () => {
  it("the bot's TLS refusal is told at once to each waiting user, once however often it repeats; a closed connection's user is not told", () => {
    const network = fakeNetwork();
    const clock = new FakeClock();
    const told: string[] = [];
    const notify = (userId: string, text: string) => told.push(`${userId}: ${text}`);
    const news = new ConnectionNews(network.name, notify, clock);
    const users = new Map([
      ["@a:x", waiting(network, "a")],
      ["@b:x", waiting(network, "b")],
      ["@c:x", waiting(network, "c")],
    ]);
    users.get("@c:x")?.close("the user quit");
    const trouble = new NetworkTrouble({ network, news, notify, log: silentLogger(), metrics: createMetrics(), connections: () => users.entries() });
    const bot = new HeardConnection("bot", "matrixbridge");
    trouble.watch(bot);
    const reason = "the server's TLS certificate is self-signed and not pinned (SHA-256 fingerprint AA:BB)";
    bot.hear("closed", { reason: "connect ECONNREFUSED", fatal: false, willReconnect: true, throttled: false, tlsRefused: false });
    assert.equal(told.length, 0, "an unreachable server is the quiet time's business (ConnectionNews)");
    for (let i = 0; i < 3; i++) bot.hear("closed", { reason, fatal: false, willReconnect: true, throttled: false, tlsRefused: true });
    assert.deepEqual(told.map((t) => t.slice(0, t.indexOf(":", 4))), ["@a:x", "@b:x"]);
    assert.ok(told.every((t) => t.includes(`Cannot connect to ${network.name}: ${reason}.`)), told.join("\n"));
    for (const c of users.values()) c.close("test over");
    bot.close("test over");
  });
});
