import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import { BOT_KEY_OWNER, ChannelKeys } from "../../src/rooms/channelKeys";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { silentLogger } from "../support/silentLogger";
const BOT = "@ircbridge:example.org";
const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";

/**
 * A server with a keyed channel #secret (its key can change) and a mapped channel #mapped keyed
 * "mapkey": a JOIN with the wrong key or none gets 475; members get the key in MODE's answer.
 * `lines` has every line after registration as "<nick> <line>".
 */
async function keyedServer() {
  const server = new FakeIrcServer([]);
  const port = await server.listen();
  const state = { secret: "thekey" };
  const lines: string[] = [];
  const sockets = new Map<string, Socket>();
  const members = new Set<string>();
  server.onLine = (line, send, socket) => {
    const nick = server.nicks.get(socket) ?? "?";
    sockets.set(nick, socket);
    lines.push(`${nick} ${line}`);
    const join = /^JOIN (\S+)(?: (\S+))?$/.exec(line);
    if (join !== null) {
      const channel = (join[1] ?? "").toLowerCase();
      const needed = channel === "#secret" ? state.secret : channel === "#mapped" ? "mapkey" : undefined;
      if (needed !== undefined && join[2] !== needed) {
        send(`:srv 475 ${nick} ${channel} :Cannot join channel (+k) - bad key`);
        return;
      }
      members.add(`${nick} ${channel}`);
      send(`:${nick}!u@h JOIN ${channel}`);
      send(`:srv 366 ${nick} ${channel} :End of /NAMES list.`);
    }
    const mode = /^MODE (#\S+)$/.exec(line);
    if (mode !== null) {
      const channel = (mode[1] ?? "").toLowerCase();
      const key = channel === "#secret" ? state.secret : "mapkey";
      send(members.has(`${nick} ${channel}`) ? `:srv 324 ${nick} ${channel} +k ${key}` : `:srv 324 ${nick} ${channel} +k`);
    }
  };
  return { server, port, state, lines, sockets };
}

async function keyedBridge(port: number) {
  const network = testNetworkContext(port, `, bot: { enabled: true, nick: custodian }, mappings: { "#mapped": { roomIds: ["!mapped:example.org"], key: mapkey } }`);
  const api = new FakeMatrixApi();
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: "!portal:example.org", network: "testnet", channel: "#secret", folded: "#secret", origin: "portal" });
  await rooms.add({ roomId: "!mapped:example.org", network: "testnet", channel: "#mapped", folded: "#mapped", origin: "mapped" });
  const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
  const { bridge } = testNetworkBridge({ network, store, api, botUserId: BOT, rooms, keys });
  const keyOf = (owner: string, channel: string) => keys.book("testnet", owner, network.channels).get(channel);
  return { bridge, keys, keyOf };
}

describe("channel keys in a network bridge: each connection its own", () => {
  it("B never joins with A's key; a key heard in the channel is A's; A rejoins with it; the bot with none of theirs", async () => {
    const { server, port, state, lines, sockets } = await keyedServer();
    const { bridge, keyOf } = await keyedBridge(port);
    try {
      await bridge.start();
      await until(() => lines.includes("custodian JOIN #mapped mapkey"));
      // The bot joins mapped channels only (a portal's channel is read by its users' own connections).

      const alice = bridge.puppets.ensure(ALICE);
      assert.ok(alice.ok);
      alice.connection.join("#secret", "thekey");
      await until(() => bridge.feed.broker.isMember("#secret", alice.connection.id));
      assert.equal(keyOf(ALICE, "#SECRET"), "thekey", "accepted: Alice's");

      const bob = bridge.puppets.ensure(BOB);
      assert.ok(bob.ok);
      bob.connection.join("#secret");
      await until(() => lines.some((l) => l.startsWith("bob[m] JOIN #secret")));
      assert.deepEqual(
        lines.filter((l) => / JOIN #secret/.test(l) && !l.startsWith("alice")),
        ["bob[m] JOIN #secret"],
        "Bob is not given Alice's key (and the bot does not join a portal's channel)",
      );
      assert.equal(keyOf(BOT_KEY_OWNER, "#secret"), undefined, "the bot's book has none of Alice's keys");

      // The key changes while Alice is in the channel: she hears it; Bob and the bot, outside, do not.
      state.secret = "newkey";
      sockets.get("alice[m]")?.write(":op!o@h MODE #secret +k newkey\r\n");
      await until(() => keyOf(ALICE, "#secret") === "newkey");
      assert.equal(keyOf(BOB, "#secret"), undefined);
      assert.equal(keyOf(BOT_KEY_OWNER, "#secret"), undefined);

      // Alice's connection drops: she rejoins with her own key.
      const joinsBefore = lines.filter((l) => l === "alice[m] JOIN #secret newkey").length;
      sockets.get("alice[m]")?.destroy();
      await until(() => lines.filter((l) => l === "alice[m] JOIN #secret newkey").length > joinsBefore);

      // The key changes while she is away: the server refuses hers, and it is forgotten (hers only).
      state.secret = "third";
      sockets.get("alice[m]")?.destroy();
      await until(() => keyOf(ALICE, "#secret") === undefined);
    } finally {
      await bridge.stop();
      await server.close();
    }
  });

  it("a user in a mapped channel with the mapping's key rejoins with it until kicked; others never get it", async () => {
    const { server, port, lines, sockets } = await keyedServer();
    const { bridge, keyOf } = await keyedBridge(port);
    const CAROL = "@carol:example.org";
    try {
      await bridge.start();
      const carol = bridge.puppets.ensure(CAROL);
      assert.ok(carol.ok);
      // What a join from the mapped room does (fromMatrix/membership.ts): the mapping's key.
      carol.connection.join("#mapped", "mapkey");
      await until(() => bridge.feed.broker.isMember("#mapped", carol.connection.id));
      assert.equal(keyOf(CAROL, "#mapped"), "mapkey", "rejoined with the mapping's key while in the channel");
      assert.equal(keyOf(ALICE, "#mapped"), undefined, "no one else has it");
      const joins = lines.filter((l) => l === "carol[m] JOIN #mapped mapkey").length;
      sockets.get("carol[m]")?.destroy();
      await until(() => lines.filter((l) => l === "carol[m] JOIN #mapped mapkey").length > joins);
      sockets.get("carol[m]")?.write(":op!o@h KICK #mapped carol[m] :out\r\n");
      await until(() => keyOf(CAROL, "#mapped") === undefined);
      assert.deepEqual(carol.connection.channelNames, []);
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
