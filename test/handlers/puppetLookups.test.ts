import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import type { NetworkBridge } from "../../src/bridge/networkBridge";
import { ChannelKeys } from "../../src/rooms/channelKeys";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { silentLogger } from "../support/silentLogger";
import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";
import { until } from "../support/until";

const BOT = "@ircbridge:example.org";
const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";

/**
 * A server that echoes JOIN, PART and NICK to the channel's members (as a real one does), with
 * CASEMAPPING `casemapping` in 005. `socketOf(nick)` is the live socket of the client with that nick.
 */
async function channelServer(casemapping = "rfc1459") {
  const server = new FakeIrcServer([]);
  server.casemapping = casemapping;
  const port = await server.listen();
  const members = new Map<string, Set<Socket>>();
  const toMembers = (channel: string, line: string, also?: Socket) => {
    const to = new Set(members.get(channel.toLowerCase()) ?? []);
    if (also !== undefined) to.add(also);
    for (const s of to) if (!s.destroyed) s.write(`${line}\r\n`);
  };
  server.onLine = (line, send, socket) => {
    const nick = server.nicks.get(socket) ?? "?";
    const join = /^JOIN (\S+)/.exec(line);
    if (join !== null) {
      const channel = join[1] ?? "";
      const set = members.get(channel.toLowerCase()) ?? new Set<Socket>();
      members.set(channel.toLowerCase(), set.add(socket));
      toMembers(channel, `:${nick}!u@h JOIN ${channel}`);
      send(`:srv 366 ${nick} ${channel} :End of /NAMES list.`);
    }
    const rename = /^NICK (\S+)/.exec(line);
    if (rename !== null) {
      const next = rename[1] ?? "";
      const heard = new Set([socket, ...[...members.values()].filter((m) => m.has(socket)).flatMap((m) => [...m])]);
      for (const s of heard) if (!s.destroyed) s.write(`:${nick}!u@h NICK :${next}\r\n`);
      server.nicks.set(socket, next);
    }
  };
  const socketOf = (nick: string) => [...server.nicks].find(([s, n]) => n === nick && !s.destroyed)?.[0] ?? assert.fail(`no socket for ${nick}`);
  const kick = (channel: string, nick: string) => {
    toMembers(channel, `:op!o@h KICK ${channel} ${nick} :out`);
    members.get(channel.toLowerCase())?.delete(socketOf(nick));
  };
  return { server, port, socketOf, toMembers, kick };
}

async function bridgeOn(port: number, extra = "") {
  const network = testNetworkContext(port, extra);
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: "!mapped:example.org", network: "testnet", channel: "#mapped", folded: "#mapped", origin: "mapped" });
  const keys = new ChannelKeys(store.channelKeys, undefined, silentLogger());
  const { bridge } = testNetworkBridge({ network, store, api: new FakeMatrixApi(), botUserId: BOT, rooms, keys });
  const keyOf = (owner: string, channel: string) => keys.book("testnet", owner, network.channels).get(channel);
  return { bridge, keyOf };
}

/** Asserts the users in the channel, by the index, by the actors' view, and by the pass over every connection it replaced. */
function inChannel(bridge: NetworkBridge, channel: string, expected: readonly string[], why: string): void {
  const fold = (name: string) => bridge.feed.fold(name);
  const scanned = [...bridge.puppets.all()].filter(([, c]) => c.channelNames.some((n) => fold(n) === fold(channel))).map(([u]) => u);
  assert.deepEqual([...scanned].sort(), [...expected].sort(), `${why}: the scan (control)`);
  assert.deepEqual(bridge.puppets.inChannel(channel).map(([u]) => u).sort(), [...expected].sort(), `${why}: the index`);
  assert.deepEqual(bridge.actors.inChannel(channel).map((a) => a.userId).sort(), [...expected].sort(), `${why}: the actors`);
}

function connect(bridge: NetworkBridge, userId: string) {
  const ensured = bridge.puppets.ensure(userId);
  assert.ok(ensured.ok);
  return ensured.connection;
}

describe("who is behind a nick, and who is in a channel: indexes that answer as the scans did", () => {
  it("follows joins (pending ones too), a rename, a reconnect with another nick, a kick, a key heard and a quit; the bot is no user", async () => {
    const { server, port, socketOf, toMembers, kick } = await channelServer();
    const { bridge, keyOf } = await bridgeOn(port, `, bot: { enabled: true, nick: custodian }, mappings: { "#mapped": { roomIds: ["!mapped:example.org"] } }`);
    try {
      await bridge.start();
      const bot = bridge.bot?.connection ?? assert.fail("no bot");
      await until(() => bridge.feed.broker.isMember("#mapped", bot.id), "the bot in #mapped");
      const alice = connect(bridge, ALICE);
      const bob = connect(bridge, BOB);
      await until(() => alice.isRegistered && bob.isRegistered, "both registered");
      assert.equal(bridge.userOfNick("ALICE{M}"), ALICE, "rfc1459: [] and {} are one nick");
      assert.equal(bridge.userOfNick("bob[m]"), BOB);
      assert.ok(bridge.feed.isOurs("Custodian"), "positive control: the bot's nick is ours");
      assert.equal(bridge.userOfNick("custodian"), undefined, "but no user's");
      inChannel(bridge, "#mapped", [], "the bot is in #mapped and is not a user");

      alice.join("#Chan[x]");
      inChannel(bridge, "#chan{X}", [ALICE], "a JOIN not yet answered counts (the connection is rejoining it)");
      await until(() => bridge.feed.broker.isMember("#chan{x}", alice.id), "alice in #chan[x]");
      bob.join("#chan[X]");
      await until(() => bridge.feed.broker.isMember("#chan{x}", bob.id), "bob in #chan[x]");
      inChannel(bridge, "#CHAN{x}", [ALICE, BOB], "two spellings of one channel");
      inChannel(bridge, "#chan", [], "another channel");
      // Joined again as written otherwise: the list keeps one entry, respelled.
      alice.join("#CHAN[X]");
      assert.deepEqual(alice.channelNames, ["#CHAN[X]"]);
      inChannel(bridge, "#chan[x]", [ALICE, BOB], "respelled");

      alice.requestNick("alice2");
      await until(() => bridge.userOfNick("alice2") === ALICE, "alice renamed");
      assert.equal(bridge.userOfNick("alice[m]"), undefined, "her old nick is no one's");
      assert.equal(bridge.userOfNick("bob[m]"), BOB, "positive control: bob's nick stays his");

      // Her socket drops; alice[m] is taken meanwhile, so she comes back as another nick.
      server.inUse.add("alice[m]");
      // Looked at as the loss is reported (she may be back within milliseconds).
      let away: (() => void) | undefined;
      alice.on("closed", (e) => {
        if (away !== undefined) return;
        const users = bridge.puppets.inChannel("#chan[x]").map(([u]) => u);
        const owner = bridge.userOfNick("alice2");
        away = () => {
          assert.ok(e.willReconnect, "positive control: a lost socket, reconnecting");
          assert.deepEqual(users.sort(), [ALICE, BOB].sort(), "a connection rejoining still counts");
          assert.equal(owner, undefined, "no nick is hers while she is away");
        };
      });
      socketOf("alice2").destroy();
      await until(() => away !== undefined, "alice lost her socket");
      away?.();
      await until(() => alice.isRegistered && bridge.feed.broker.isMember("#chan{x}", alice.id), "alice back in #chan[x]");
      const again = alice.nick;
      assert.ok(again !== "alice2" && again !== "alice[m]", `another nick (${again})`);
      assert.equal(bridge.userOfNick(again.toUpperCase()), ALICE);
      assert.equal(bridge.userOfNick("alice2"), undefined);

      kick("#chan[x]", again);
      await until(() => alice.channelNames.length === 0, "alice kicked");
      inChannel(bridge, "#chan[x]", [BOB], "kicked: out");

      // A key set while only Bob is in: his, not Alice's.
      toMembers("#chan[x]", ":op!o@h MODE #chan[x] +k sekrit");
      await until(() => keyOf(BOB, "#chan[x]") === "sekrit", "bob learnt the key");
      assert.equal(keyOf(ALICE, "#chan[x]"), undefined, "alice, outside, did not");

      await bridge.puppets.quit(BOB);
      inChannel(bridge, "#chan[x]", [], "bob quit: his connection is closed");
      assert.equal(bridge.userOfNick("bob[m]"), undefined);
      assert.equal(bridge.puppets.channelsListed, 0, "nothing is left filed");
    } finally {
      await bridge.stop();
      await server.close();
    }
  });

  it("CASEMAPPING=ascii in 005, after a 001 and a JOIN read with rfc1459: [] and {} are two names again", async () => {
    const { server, port } = await channelServer("ascii");
    const { bridge } = await bridgeOn(port);
    try {
      await bridge.start();
      const alice = connect(bridge, ALICE);
      // Written before the connection registers (and before any 005): filed under the default casemapping.
      alice.join("#Room[1]");
      await until(() => bridge.feed.broker.isMember("#room[1]", alice.id), "alice in #room[1]");
      assert.equal(bridge.feed.fold("A[M]"), "a[m]", "positive control: the network folds with ascii now");
      assert.equal(bridge.userOfNick("ALICE[M]"), ALICE);
      assert.equal(bridge.userOfNick("alice{m}"), undefined, "another nick under ascii");
      inChannel(bridge, "#ROOM[1]", [ALICE], "the channel as written, in other case");
      inChannel(bridge, "#room{1}", [], "another channel under ascii");
    } finally {
      await bridge.stop();
      await server.close();
    }
  });
});
