import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { onJoinRefused } from "../../src/fromIrc/joinRefused";
import { onOwnBan } from "../../src/fromIrc/bans";
import type { ModeEvent } from "../../src/irc/events";
import type { JoinRefusal } from "../../src/irc/joinRefusals";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { AnsweringIrcServer } from "../support/answeringIrcServer";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { ALICE, base, BOT, ircScene, MAPPED, PORTAL } from "../support/ircScene";

describe("a refused JOIN is reported by the connection", () => {
  it("every refusal numeric of a pending JOIN, and nothing else", async () => {
    const server = await AnsweringIrcServer.start("", () => []);
    const connection = await server.connect();
    const refused: string[] = [];
    connection.on("joinRefused", (e) => refused.push(`${e.numeric} ${e.channel} ${e.reason}${e.answered ? " answered" : ""}`));
    try {
      const numerics = ["471", "473", "474", "475", "477", "489", "520", "403", "405", "437"];
      for (const numeric of numerics) {
        connection.join(`#c${numeric}`);
        await server.push();
        await server.push(`:srv ${numeric} me #C${numeric} :Cannot join channel (${numeric})`);
      }
      assert.deepEqual(refused, numerics.map((n) => `${n} #C${n} Cannot join channel (${n})`));
      refused.length = 0;
      // Not refusals of a JOIN: a 477 for a private message, a 403 for a channel not being joined,
      // a second refusal of one JOIN, a refusal after the JOIN echo.
      connection.join("#ok");
      await server.push();
      await server.push(
        ":srv 477 me bob :You must be registered to send a direct message to this user",
        ":srv 403 me #nowhere :No such channel",
        ":srv 473 me #c473 :Cannot join channel (+i)",
        ":me!me@host JOIN #ok",
        ":srv 474 me #ok :Cannot join channel (+b)",
      );
      assert.deepEqual(refused, []);
    } finally {
      connection.close("test over");
      await server.close();
    }
  });
});

const refusal = (numeric: string, channel = "#chan", reason = "Cannot join channel"): JoinRefusal => ({ channel, numeric, reason });
const joined = (s: Awaited<ReturnType<typeof ircScene>>, userId = ALICE) => {
  for (const room of [PORTAL, MAPPED]) s.api.given(room, "m.room.member", { membership: "join" }, userId);
};
const acts = (calls: readonly string[]) => calls.filter((c) => /^(kick|ban|unban|invite) /.test(c)).sort();

describe("a refused JOIN removes the user from the channel's rooms", () => {
  const user = { userId: ALICE, nick: "Alice[m]", hostmask: "Alice[m]!alice@matrix.example.org" };
  const cases: [string, RegExp][] = [
    ["471", /full/],
    ["473", /ask a channel operator to \/invite Alice\[m\], then send !join #chan/],
    ["475", /!join #chan <key>/],
    ["477", /registered/],
    ["489", /TLS/],
    ["520", /operators/],
    ["403", /no such channel/],
  ];
  for (const [numeric, hint] of cases) {
    it(`${numeric}: the bot kicks the user from both rooms, with the server's reason and what would let them in`, async () => {
      const s = await ircScene();
      joined(s);
      let untold = 0;
      onJoinRefused(user, refusal(numeric, "#chan", `Cannot join channel (${numeric})`), s.ctx, () => untold++);
      await s.queues.idle();
      const kicks = acts(s.api.calls);
      assert.equal(kicks.length, 2, kicks.join("\n"));
      for (const [i, room] of [MAPPED, PORTAL].entries()) {
        const kick = kicks[i] ?? "";
        assert.ok(kick.startsWith(`kick ${room} ${BOT} ${ALICE} TestNet refused Alice[m]'s JOIN of #chan (Cannot join channel (${numeric})). `), kick);
        assert.match(kick, hint);
      }
      assert.equal(untold, 0);
    });
  }

  it("474 (banned): a Matrix ban in both rooms, which a later IRC KICK does not turn into a kick; the user's own JOIN lifts it and invites them", async () => {
    const s = await ircScene();
    joined(s);
    onJoinRefused(user, refusal("474"), s.ctx, () => assert.fail("she was in the rooms"));
    await s.queues.idle();
    const bans = acts(s.api.calls);
    assert.deepEqual(bans.map((c) => c.split(" ").slice(0, 4).join(" ")), [`ban ${MAPPED} ${BOT} ${ALICE}`, `ban ${PORTAL} ${BOT} ${ALICE}`]);
    assert.match(bans[0] ?? "", /^ban \S+ \S+ \S+ Banned on IRC: .*banned from it/);
    for (const room of [PORTAL, MAPPED]) s.api.given(room, "m.room.member", { membership: "ban" }, ALICE);
    const kick: ChannelEvent = { type: "kick", channel: "#chan", e: { ...base, by: "op", nick: "Alice[m]", channel: "#chan", reason: "out" } };
    assert.deepEqual(acts(await s.run(kick)), [], "the ban stands");
    const from = s.api.calls.length;
    s.ctx.removals.joined(ALICE, [PORTAL, MAPPED], "#chan");
    await s.queues.idle();
    assert.deepEqual(acts(s.api.calls.slice(from)).map((c) => c.split(" ").slice(0, 4).join(" ")), [
      `invite ${MAPPED} ${BOT} ${ALICE}`,
      `invite ${PORTAL} ${BOT} ${ALICE}`,
      `unban ${MAPPED} ${BOT} ${ALICE}`,
      `unban ${PORTAL} ${BOT} ${ALICE}`,
    ]);
  });

  it("a ban an earlier run left is lifted on the user's JOIN, and their membership is read once per room, not on every rejoin", async () => {
    const s = await ircScene();
    s.api.given(PORTAL, "m.room.member", { membership: "ban", reason: "Banned on IRC: earlier run" }, ALICE);
    s.ctx.removals.joined(ALICE, [PORTAL], "#chan");
    await s.queues.idle();
    assert.deepEqual(acts(s.api.calls).map((c) => c.split(" ").slice(0, 4).join(" ")), [`invite ${PORTAL} ${BOT} ${ALICE}`, `unban ${PORTAL} ${BOT} ${ALICE}`], "the stale ban is lifted (acts() sorts)");
    const reads = s.api.reads.length;
    assert.ok(reads >= 1, "positive control: the first JOIN read the membership");
    for (let i = 0; i < 3; i++) s.ctx.removals.joined(ALICE, [PORTAL], "#chan");
    await s.queues.idle();
    assert.equal(s.api.reads.length, reads, "reconnects' rejoins read nothing more");
  });

  it("a user in no room of the channel, or who is banned already, is not removed again, and is told some other way", async () => {
    const s = await ircScene();
    s.api.given(PORTAL, "m.room.member", { membership: "leave" }, ALICE);
    s.api.given(MAPPED, "m.room.member", { membership: "ban", reason: "by a moderator" }, ALICE);
    let untold = 0;
    onJoinRefused(user, refusal("473"), s.ctx, () => untold++);
    await s.queues.idle();
    assert.deepEqual(acts(s.api.calls), []);
    assert.equal(untold, 1);
  });

  it("kickOn.channelJoinFailure off: nobody is removed", async () => {
    const s = await ircScene(", kickOn: { channelJoinFailure: false }");
    joined(s);
    let untold = 0;
    for (const numeric of ["473", "474", "475"]) onJoinRefused(user, refusal(numeric), s.ctx, () => untold++);
    await s.queues.idle();
    assert.deepEqual(acts(s.api.calls), []);
    assert.equal(untold, 3);
  });
});

describe("an IRC ban (+b) matching a puppet removes its user", () => {
  /** One ban change: "+b" or "-b" of a mask. */
  const mode = (by: string, change: "+b" | "-b", mask: string): ModeEvent & { type: "mode" } => {
    const changes = [{ mode: "b", add: change === "+b", kind: "list" as const, param: mask }];
    return { type: "mode", ...base, by, channel: "#chan", changes };
  };
  const alice = { userId: ALICE, nick: "Alice[m]", hostmask: "Alice[m]!alice@matrix.example.org" };
  /** The ban as Alice's own connection hears it, and as the channel's reader delivers it. */
  const heard = async (s: Awaited<ReturnType<typeof ircScene>>, e: ModeEvent & { type: "mode" }) => {
    const from = s.api.calls.length;
    onOwnBan(alice, e, s.ctx);
    await s.run({ type: "mode", channel: e.channel, e });
    return acts(s.api.calls.slice(from));
  };

  it("a Matrix ban in every room, lifted by a -b of that mask (after a KICK, which does not undo it)", async () => {
    const s = await ircScene();
    joined(s);
    const banned = await heard(s, mode("op", "+b", "*!*@matrix.example.org"));
    assert.equal(banned.length, 2);
    for (const c of banned) assert.match(c, /^ban !(portal|mapped):example\.org @ircbot:example\.org @alice:example\.org Banned on IRC: op banned \*!\*@matrix\.example\.org from #chan\. When the ban is lifted, !join #chan/);
    for (const room of [PORTAL, MAPPED]) s.api.given(room, "m.room.member", { membership: "ban" }, ALICE);
    const kick: ChannelEvent = { type: "kick", channel: "#chan", e: { ...base, by: "op", nick: "Alice[m]", channel: "#chan", reason: "out" } };
    assert.deepEqual(acts(await s.run(kick)), []);
    assert.deepEqual(await heard(s, mode("op", "-b", "*!*@elsewhere.example")), [], "another mask lifts nothing");
    const lifted = await heard(s, mode("op", "-b", "*!*@MATRIX.example.org"));
    assert.deepEqual(lifted.map((c) => c.split(" ").slice(0, 4).join(" ")), [`unban ${MAPPED} ${BOT} ${ALICE}`, `unban ${PORTAL} ${BOT} ${ALICE}`]);
  });

  it("with banInMatrix off a kick; with channelBan off, a ban the bridge itself set, or another mask, nobody is removed", async () => {
    const kickOnly = await ircScene(", kickOn: { banInMatrix: false }");
    joined(kickOnly);
    const kicks = await heard(kickOnly, mode("op", "+b", "alice[m]"));
    assert.deepEqual(kicks.map((c) => c.split(" ").slice(0, 4).join(" ")), [`kick ${MAPPED} ${BOT} ${ALICE}`, `kick ${PORTAL} ${BOT} ${ALICE}`]);
    const off = await ircScene(", kickOn: { channelBan: false }");
    joined(off);
    assert.deepEqual(await heard(off, mode("op", "+b", "alice[m]")), []);
    const ours = await ircScene();
    joined(ours);
    assert.deepEqual(await heard(ours, mode("matrixbridge", "+b", "*!*@matrix.example.org")), [], "a Matrix moderator's ban of a ghost, carried out by the bot");
    assert.deepEqual(await heard(ours, mode("op", "+b", "bob!*@*")), []);
  });
});

describe("!quit and a connection refused for good remove the user from every room of their channels", () => {
  async function bridgeWith(extra: string) {
    const server = new FakeIrcServer([]);
    const port = await server.listen();
    server.onLine = (line, send, socket) => {
      const channel = /^JOIN (\S+)$/.exec(line)?.[1];
      if (channel !== undefined) send(`:${server.nicks.get(socket) ?? "?"}!u@h JOIN ${channel}`);
    };
    const api = new FakeMatrixApi();
    const store = await openNedbStore(undefined);
    const network = testNetworkContext(port, extra);
    const index = new RoomIndex(store.rooms);
    for (const [roomId, channel] of [["!a:example.org", "#one"], ["!b:example.org", "#two"], ["!c:example.org", "#two"], ["!z:example.org", "#elsewhere"]] as const) {
      await index.add({ roomId, network: "testnet", channel, folded: channel, origin: "portal" });
      api.given(roomId, "m.room.member", { membership: "join" }, ALICE);
    }
    const told: string[] = [];
    const { bridge, queues } = testNetworkBridge({ network, store, api, botUserId: BOT, rooms: index, notify: (userId, text) => told.push(`${userId} ${text}`) });
    await store.puppets.put({ network: "testnet", userId: ALICE, nick: "alice", username: "alice", channels: [], nickNote: undefined, quit: false });
    await bridge.start();
    const ensured = bridge.puppets.ensure(ALICE);
    assert.ok(ensured.ok);
    ensured.connection.join("#one");
    ensured.connection.join("#two");
    await until(() => ensured.connection.isRegistered && server.received.includes("JOIN #two"));
    const settle = async () => {
      await new Promise((r) => setTimeout(r, 50));
      await queues.idle();
    };
    return { bridge, api, server, index, settle, told, stop: async () => (await bridge.stop(), await server.close()) };
  }
  const kicked = (api: FakeMatrixApi) => api.calls.filter((c) => c.startsWith("kick ")).map((c) => c.split(" ").slice(0, 4).join(" ")).sort();
  const everyRoom = ["!a:example.org", "!b:example.org", "!c:example.org"].map((room) => `kick ${room} ${BOT} ${ALICE}`);

  it("!quit: kicked from each room of each channel, saying how to come back; kickOn.userQuit off: from none", async () => {
    for (const [extra, expected] of [["", everyRoom], [", kickOn: { userQuit: false }", []]] as const) {
      const s = await bridgeWith(extra);
      try {
        await s.bridge.puppets.quit(ALICE);
        await s.settle();
        assert.deepEqual(kicked(s.api), expected);
        if (expected.length > 0) assert.ok(s.api.calls.some((c) => c.startsWith("kick !a:example.org") && c.includes("with !quit") && c.includes("!reconnect testnet")));
      } finally {
        await s.stop();
      }
    }
  });

  it("a connection the server refuses for good (K-lined): kicked with the server's reason; kickOn.ircConnectionFailure off: not", async () => {
    for (const [extra, expected] of [["", everyRoom], [", kickOn: { ircConnectionFailure: false }", []]] as const) {
      const s = await bridgeWith(extra);
      try {
        s.server.onLine = () => undefined;
        for (const socket of s.server.nicks.keys()) {
          socket.write("ERROR :Closing Link: 127.0.0.1 (K-Lined: no bridges)\r\n");
          socket.end();
        }
        await until(() => s.told.some((t) => t.includes("refused your connection")));
        await s.settle();
        assert.deepEqual(kicked(s.api), expected);
        if (expected.length > 0) assert.ok(s.api.calls.some((c) => c.startsWith("kick !b:example.org") && c.includes("K-Lined: no bridges")));
      } finally {
        await s.stop();
      }
    }
  });

  it("a refused JOIN through the bridge: kicked from that channel's rooms, the channel forgotten (no rejoin); told in the admin room only when in no room", async () => {
    for (const bridged of [true, false]) {
      const s = await bridgeWith("");
      try {
        if (bridged) {
          await s.index.add({ roomId: "!l:example.org", network: "testnet", channel: "#locked", folded: "#locked", origin: "portal" });
          s.api.given("!l:example.org", "m.room.member", { membership: "join" }, ALICE);
        }
        s.server.onLine = (line, send) => {
          if (line === "JOIN #locked") send(":srv 473 alice #locked :Cannot join channel (+i)");
        };
        const connection = s.bridge.puppets.get(ALICE) ?? assert.fail("no connection");
        connection.join("#locked");
        await until(() => !connection.channelNames.includes("#locked"));
        await s.settle();
        assert.deepEqual(kicked(s.api), bridged ? [`kick !l:example.org ${BOT} ${ALICE}`] : [], "kicked from #locked's room only");
        assert.deepEqual(s.told.filter((t) => /locked/.test(t)).length, bridged ? 0 : 1, "the admin room is told only when no room said it");
      } finally {
        await s.stop();
      }
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
