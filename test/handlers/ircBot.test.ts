import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BOT_USERNAME, IrcBot } from "../../src/bridge/ircBot";
import { IrcConnection, type ConnectGate } from "../../src/irc/connection";
import type { ConnectRequest } from "../../src/irc/connectScheduler";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";
const BOT = "@ircbridge:example.org";

/** A gate that records who asked for a turn and never gives one (nothing connects in these tests). */
class HoldingGate implements ConnectGate {
  readonly requests = new Map<string, ConnectRequest>();
  readonly holdReason = undefined;
  request(id: string, request: ConnectRequest): void {
    this.requests.set(id, request);
  }
  cancel(id: string): void {
    this.requests.delete(id);
  }
  report(): void {
    return undefined;
  }
}

async function rooms() {
  const index = new RoomIndex((await openNedbStore(undefined)).rooms);
  await index.add({ roomId: "!a:example.org", network: "testnet", channel: "#chan", folded: "#chan", origin: "portal" });
  await index.add({ roomId: "!b:example.org", network: "testnet", channel: "#Chan", folded: "#chan", origin: "mapped" });
  await index.add({ roomId: "!c:example.org", network: "testnet", channel: "#other", folded: "#other", origin: "mapped" });
  await index.add({ roomId: "!d:example.org", network: "elsewhere", channel: "#theirs", folded: "#theirs", origin: "portal" });
  return index;
}

describe("the IRC bot connection", () => {
  it("is wired before it connects, asks the connect scheduler for a turn ahead of everyone, and joins each bridged channel once", async () => {
    const network = fakeNetwork(", bot: { enabled: true, nick: custodian }");
    const index = await rooms();
    const gate = new HoldingGate();
    const attached: IrcConnection[] = [];
    const bot = new IrcBot({
      network,
      botUserId: BOT,
      gate,
      keys: { get: (channel) => (channel.toLowerCase() === "#other" ? "sesame" : undefined), accepted: () => undefined, refused: () => undefined, parted: () => undefined },
      clock: new FakeClock(),
      log: silentLogger(),
      channels: () => index.all().filter((r) => r.network === network.id).map((r) => r.channel),
      attach: (connection) => attached.push(connection),
    });
    assert.deepEqual(attached, [bot.connection], "attached at construction, before any turn to connect");
    assert.equal(gate.requests.size, 0);
    bot.start();
    assert.equal(bot.connection.id, "testnet/bot");
    assert.equal(bot.connection.nick, "custodian");
    assert.equal(gate.requests.get("testnet/bot")?.priority(), Number.MAX_SAFE_INTEGER);
    assert.deepEqual(bot.connection.channelNames, ["#chan", "#other"], "#Chan is #chan; the other network's channel is not joined");
    assert.equal(bot.connection.channelEntries[1]?.key, "sesame", "a keyed channel is joined with the key the bridge knows");
    bot.join("#CHAN");
    bot.join("#new");
    assert.deepEqual(bot.connection.channelNames, ["#chan", "#other", "#new"]);
    assert.equal(bot.connection.queued, 3, "one JOIN per channel, waiting for the connection");
    assert.match(BOT_USERNAME, /^[a-z]{1,10}$/, "an ident every server accepts");
    void bot.stop("test over");
  });

  it("in a network bridge: made only when enabled; connects with its nick, ident and Matrix id; joins mapped rooms' channels, also those mapped later, not portals'; reads their traffic ahead of users", async () => {
    const server = new FakeIrcServer([]);
    const port = await server.listen();
    // The server confirms every JOIN, as a server does.
    server.onLine = (line, send, socket) => {
      const channel = /^JOIN (\S+)$/.exec(line)?.[1];
      if (channel !== undefined) send(`:${server.nicks.get(socket) ?? "?"}!u@h JOIN ${channel}`);
    };
    const api = new FakeMatrixApi();
    const store = await openNedbStore(undefined);
    const make = (extra: string) => {
      const network = testNetworkContext(port, extra);
      const { bridge, rooms: index } = testNetworkBridge({ network, store, api, botUserId: BOT });
      return { bridge, index };
    };
    assert.equal(make("").bridge.bot, undefined, "bot.enabled is off by default");
    assert.equal(make("").bridge.actors.bot(), undefined);

    const { bridge, index } = make(", bot: { enabled: true, nick: custodian }");
    const bot = bridge.bot;
    assert.ok(bot !== undefined);
    assert.equal(bridge.actors.bot(), bot.connection);
    try {
      await index.add({ roomId: "!a:example.org", network: "testnet", channel: "#early", folded: "#early", origin: "mapped" });
      await index.add({ roomId: "!p:example.org", network: "testnet", channel: "#aportal", folded: "#aportal", origin: "portal" });
      await bridge.start();
      await until(() => bridge.feed.broker.readerOf("#early") === bot.connection.id);
      assert.ok(server.received.includes(`USER ${BOT_USERNAME} 0 * ${BOT}`), "its ident, and its Matrix id as realname");
      assert.ok(server.received.includes("NICK custodian"));

      // A user's connection is in #new first and reads it; the bot, joining when the room is bridged, takes reading over.
      const alice = new IrcConnection({
        id: "testnet/@alice:example.org",
        server: bridge.network.server,
        realname: "@alice:example.org",
        pacing: bridge.network.pacing,
        keepalive: bridge.network.keepalive,
        reconnect: bridge.network.reconnect,
        gate: bridge.scheduler,
        priority: () => 0,
      });
      bridge.feed.attach(alice, false);
      alice.start({ nick: "alice", username: "alice" });
      alice.join("#new");
      await until(() => bridge.feed.broker.readerOf("#new") === alice.id);
      await index.add({ roomId: "!later:example.org", network: "testnet", channel: "#later", folded: "#later", origin: "portal" });
      await index.add({ roomId: "!new:example.org", network: "testnet", channel: "#new", folded: "#new", origin: "mapped" });
      await index.add({ roomId: "!far:example.org", network: "elsewhere", channel: "#far", folded: "#far", origin: "mapped" });
      await until(() => bridge.feed.broker.readerOf("#new") === bot.connection.id);
      assert.deepEqual(bot.connection.channelNames, ["#early", "#new"], "portals (without portals.requireBotJoin) and the other network's room are none of its business");
      alice.close("test over");
    } finally {
      await bridge.stop();
      await server.close();
    }
  });
});

/** Waits (up to 5 s) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
