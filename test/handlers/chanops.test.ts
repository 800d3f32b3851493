import { quietChannelRooms } from "../support/channelRoomHooks";
import { FakeLinks } from "../support/fakeLinks";
import { NO_NICKS } from "../../src/format/nickDirectory";
import { MessageLog } from "../../src/rooms/messageLog";
import { FakeUpgrades } from "../support/fakeUpgrades";
import assert from "node:assert/strict";
import { noPrivateRooms } from "../support/noPrivateRooms";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ChannelOrder } from "../../src/fromMatrix/channelOrder";
import type { ActingConnection, MatrixContext } from "../../src/fromMatrix/context";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import type { MatrixEvent } from "../../src/matrix/events";
import { Ghosts } from "../../src/matrix/ghosts";
import { createMetrics } from "../../src/observability/metrics";
import { PowerLevelCache } from "../../src/rooms/powerLevels";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import type { Store } from "../../src/store/store";
import { RecentIds } from "../../src/util/recentIds";
import { FakeConnection } from "../support/fakeAdmin";
import { FakeChannelOps } from "../support/fakeChanops";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";
import { testPuppets } from "../support/testPuppets";
import { openAccess } from "../support/openAccess";
import { BOT as IRC_BOT, PORTAL, base, ircScene } from "../support/ircScene";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { noteMatrixTopic } from "../../src/fromIrc/topic";

const BOT = "@ircbridge:example.org";
const ROOM = "!room:example.org";
const MOD = "@mod:example.org";
const LOWMOD = "@helper:example.org";
const ALICE = "@alice:example.org";
const SPAMMER = "@irc_spammer:example.org";

/**
 * The Matrix router with channel-operator handling on one bridged room (#chan), against fakes: the
 * moderator's and Alice's puppets and the IRC bot are FakeConnections whose server the test plays
 * (`hear`), ChannelOps says who is an operator, the homeserver (FakeMatrixApi) answers the room's
 * power levels (MOD 50, LOWMOD 10, ALICE 0).
 */
async function setup(options: { bot?: boolean; store?: Store; noteTopic?: (roomId: string, topic: string) => void } = {}) {
  const network = fakeNetwork();
  const store = options.store ?? (await openNedbStore(undefined));
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: ROOM, network: network.id, channel: "#chan", folded: "#chan", origin: "portal" });
  const clock = new FakeClock();
  const api = new FakeMatrixApi();
  api.given(ROOM, "m.room.power_levels", { users: { [MOD]: 50, [LOWMOD]: 10, [BOT]: 100 } });
  const ops = new FakeChannelOps();
  const connection = (nick: string) => {
    const c = new FakeConnection(clock);
    c.nick = nick;
    c.channels.set("#chan", undefined);
    return c;
  };
  const mod = connection("mod[m]");
  const alice = connection("alice[m]");
  const helper = connection("helper[m]");
  const bot = connection("matrixbridge");
  const puppetsByUser = new Map<string, FakeConnection>([
    [MOD, mod],
    [LOWMOD, helper],
    [ALICE, alice],
  ]);
  const notices: string[] = [];
  const restored: string[] = [];
  const topics: string[] = [];
  const seen = new RecentIds(100);
  const puppets = testPuppets(network, store.puppets, clock);
  const inChannel = () => [...puppetsByUser].map(([userId, c]): { userId: string; connection: ActingConnection } => ({ userId, connection: c }));
  const ctx: MatrixContext = {
    ...quietChannelRooms(),
    links: new FakeLinks(),
    upgrades: new FakeUpgrades(),
    ...openAccess(),
    botUserId: BOT,
    rooms,
    networks: new Map([
      [
        network.id,
        {
          network,
          puppets,
          order: new ChannelOrder(10, network.maxOrderHoldMs),
          history: () => Promise.resolve(undefined),
          actors: { puppet: (userId) => puppetsByUser.get(userId), bot: () => (options.bot === false ? undefined : bot), inChannel },
          noteTopic: (roomId, topic) => {
            topics.push(`${roomId} ${topic}`);
            options.noteTopic?.(roomId, topic);
          },
          removeFromRoom: () => false,
          joinedInMatrix: (_roomId, userId) => puppets.ensure(userId),
          nicks: NO_NICKS,
        },
      ],
    ]),
    log: silentLogger(),
    metrics: createMetrics(),
    admin: { ownerOf: () => undefined, adopt: () => Promise.resolve(), abandon: () => Promise.resolve(), command: () => Promise.resolve() },
    pms: noPrivateRooms(),
    isBridgeUser: (userId) => userId === BOT || network.ids.nickOfGhost(userId) !== undefined,
    notice: (roomId, text) => notices.push(`${roomId} ${text}`),
    persist: () => undefined,
    forgetGhost: () => undefined,
    channelOps: ops,
    powerLevels: new PowerLevelCache((roomId) => api.getState(roomId, BOT, "m.room.power_levels")),
    bans: store.bans,
    restoreGhost: (roomId, userId, banned) => restored.push(`${roomId} ${userId}${banned ? " unbanned" : ""}`),
    acceptInvite: () => undefined,
    outbox: store.outbox,
    messages: new MessageLog(),
    fetchEvent: () => Promise.resolve(undefined),
    keep: () => undefined,
    seenBefore: (eventId) => seen.checkAndAdd(eventId),
    nextSeq: () => 0,
    now: () => clock.now(),
  };
  const route = async (...events: MatrixEvent[]) => {
    events.forEach((e) => routeMatrixEvent(e, ctx));
    await settle();
  };
  /** Every line sent so far by each connection. */
  const sent = () => ({ mod: [...mod.sent], alice: [...alice.sent], bot: [...bot.sent] });
  return { ctx, network, api, ops, mod, helper, alice, bot, notices, restored, topics, route, sent, store };
}

/** Lets the handlers' promises run (homeserver reads, replies). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

function member(target: string, membership: string, before: string, sender: string, reason?: string): MatrixEvent {
  return {
    type: "m.room.member",
    room_id: ROOM,
    sender,
    state_key: target,
    content: { membership, ...(reason === undefined ? {} : { reason }) },
    unsigned: { prev_content: { membership: before } },
  };
}

const kick = (sender: string, reason?: string) => member(SPAMMER, "leave", "join", sender, reason);
const ban = (sender: string, reason?: string) => member(SPAMMER, "ban", "join", sender, reason);
const unban = (sender: string) => member(SPAMMER, "leave", "ban", sender);

function levels(sender: string, before: Record<string, number>, after: Record<string, number>): MatrixEvent {
  return { type: "m.room.power_levels", room_id: ROOM, sender, state_key: "", content: { users: after }, unsigned: { prev_content: { users: before } } };
}

function topic(sender: string, text: string): MatrixEvent {
  return { type: "m.room.topic", room_id: ROOM, sender, state_key: "", content: { topic: text } };
}

const NOT_OPPED = `${ROOM} ${MOD}: spammer was not kicked from #chan on IRC: you are not a channel operator on IRC, and the bridge's bot is not opped in #chan. spammer is back in the room, as it is still on IRC.`;

describe("Matrix kicks of ghosts -> IRC KICK", () => {
  it("a moderator whose puppet is opped: KICK through their own connection, with who did it in the reason", async () => {
    const { route, ops, mod, sent, notices, restored } = await setup();
    ops.set("#chan", "mod[m]", "o");
    ops.set("#chan", "matrixbridge", "o");
    await route(kick(MOD, "spam"));
    assert.deepEqual(sent(), { mod: ["KICK #chan spammer :@mod:example.org: spam"], alice: [], bot: [] });
    mod.hear(":mod[m]!u@h KICK #chan spammer :@mod:example.org: spam");
    await settle();
    assert.deepEqual(notices, []);
    assert.deepEqual(restored, []);
  });

  it("a moderator who is not opped: KICK through the bot when it is opped", async () => {
    const { route, ops, bot, sent, notices, restored } = await setup();
    ops.set("#chan", "matrixbridge", "o");
    await route(kick(MOD));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: ["KICK #chan spammer :@mod:example.org (from Matrix)"] });
    bot.hear(":matrixbridge!u@h KICK #chan spammer :@mod:example.org (from Matrix)");
    await settle();
    assert.deepEqual([notices, restored], [[], []]);
  });

  it("neither opped: refused; the ghost rejoins and a notice says why", async () => {
    const { route, sent, notices, restored } = await setup();
    await route(kick(MOD, "spam"));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual(notices, [NOT_OPPED]);
    assert.deepEqual(restored, [`${ROOM} ${SPAMMER}`]);
  });

  it("without an IRC bot, and with a puppet that is down, the notice says so", async () => {
    const { route, mod, notices } = await setup({ bot: false });
    mod.isRegistered = false;
    mod.downReason = "reconnecting to the IRC server";
    await route(kick(MOD));
    assert.match(notices[0] ?? "", /your connection to TestNet is down \(reconnecting to the IRC server\), and the bridge has no IRC bot on TestNet that could act for you\./);
  });

  it("a kicker below the moderator level is refused even when opped on IRC", async () => {
    const { route, ops, helper, sent, notices, restored } = await setup();
    ops.set("#chan", "helper[m]", "o");
    ops.set("#chan", "matrixbridge", "o");
    await route(kick(LOWMOD));
    assert.deepEqual(helper.sent, [], "not through the kicker's own opped connection");
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] }, "nor through anyone else's");
    assert.deepEqual(notices, [
      `${ROOM} ${LOWMOD}: spammer was not kicked from #chan on IRC: your power level in this room (10) is below 50, the level the bridge requires to act on IRC for you. spammer is back in the room, as it is still on IRC.`,
    ]);
    assert.deepEqual(restored, [`${ROOM} ${SPAMMER}`]);
  });

  it("the server refuses the moderator's KICK (482): the bot tries; when it is refused too, the room is told", async () => {
    const { route, ops, mod, bot, notices, restored } = await setup();
    ops.set("#chan", "mod[m]", "o");
    ops.set("#chan", "matrixbridge", "o");
    await route(kick(MOD));
    mod.hear(":srv 482 mod[m] #chan :You're not channel operator");
    await settle();
    assert.deepEqual(bot.sent, ["KICK #chan spammer :@mod:example.org (from Matrix)"]);
    bot.hear(":srv 482 matrixbridge #chan :You're not channel operator");
    await settle();
    assert.deepEqual(notices, [`${ROOM} ${MOD}: spammer was not kicked from #chan on IRC: the IRC server said "You're not channel operator". spammer is back in the room, as it is still on IRC.`]);
    assert.deepEqual(restored, [`${ROOM} ${SPAMMER}`]);
  });

  it("a nick no longer in the channel (441): the room is told, the ghost does not come back", async () => {
    const { route, ops, mod, notices, restored } = await setup();
    ops.set("#chan", "mod[m]", "o");
    await route(kick(MOD));
    mod.hear(":srv 441 mod[m] spammer #chan :They aren't on that channel");
    await settle();
    assert.match(notices[0] ?? "", /spammer was not kicked from #chan on IRC: it is not in the channel/);
    assert.deepEqual(restored, []);
  });

  it("a transaction retried after a failure does not kick twice", async () => {
    const { route, ops, mod } = await setup();
    ops.set("#chan", "mod[m]", "o");
    const event = { ...kick(MOD), event_id: "$kick" };
    await route(event, event);
    assert.deepEqual(mod.sent, ["KICK #chan spammer :@mod:example.org (from Matrix)"]);
  });

  it("the bridge's own membership changes are never turned into IRC actions", async () => {
    const { route, ops, sent, notices, restored } = await setup();
    ops.set("#chan", "mod[m]", "o");
    ops.set("#chan", "matrixbridge", "o");
    await route(kick(BOT, "kicked on IRC by op"), member(SPAMMER, "leave", "join", SPAMMER), kick("@irc_other:example.org"), ban(BOT));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual([notices, restored], [[], []]);
  });
});

describe("Matrix bans of ghosts -> IRC bans", () => {
  it("ban: +b on *!*@host (USERHOST) and KICK; the mask survives a restart; unban lifts exactly it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chanops-"));
    try {
      const first = await setup({ store: await openNedbStore(dir) });
      first.ops.set("#chan", "mod[m]", "o");
      await first.route(ban(MOD, "spam"));
      assert.deepEqual(first.mod.sent, ["USERHOST spammer"]);
      first.mod.hear(":srv 302 mod[m] :Spammer=+~sp@bad.example");
      await settle();
      assert.deepEqual(first.mod.sent.slice(1), ["MODE #chan +b *!*@bad.example"]);
      first.mod.hear(":mod[m]!u@h MODE #chan +b *!*@bad.example");
      await settle();
      assert.deepEqual(first.mod.sent.slice(2), ["KICK #chan spammer :@mod:example.org: spam"]);
      first.mod.hear(":mod[m]!u@h KICK #chan spammer :@mod:example.org: spam");
      await settle();
      assert.deepEqual([first.notices, first.restored], [[], []]);
      await first.store.close();

      const second = await setup({ store: await openNedbStore(dir) });
      second.ops.set("#chan", "matrixbridge", "o");
      await second.route(unban(MOD));
      assert.deepEqual(second.sent(), { mod: [], alice: [], bot: ["MODE #chan -b *!*@bad.example"] });
      second.bot.hear(":matrixbridge!u@h MODE #chan -b *!*@bad.example");
      await settle();
      assert.deepEqual(second.notices, []);
      assert.equal(await second.store.bans.get(ROOM, SPAMMER), undefined, "forgotten once lifted");
      await second.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ban of a nick whose host the server does not tell: nick!*@*", async () => {
    const { route, ops, bot, store } = await setup();
    ops.set("#chan", "matrixbridge", "o");
    await route(ban(MOD));
    bot.hear(":srv 302 matrixbridge :");
    await settle();
    assert.deepEqual(bot.sent.slice(1), ["MODE #chan +b spammer!*@*"]);
    bot.hear(":matrixbridge!u@h MODE #chan +b spammer!*@*");
    await settle();
    bot.hear(":srv 441 matrixbridge spammer #chan :They aren't on that channel");
    await settle();
    assert.equal((await store.bans.get(ROOM, SPAMMER))?.mask, "spammer!*@*", "a nick that already left stays banned");
  });

  it("a ban nobody can carry out: the Matrix ban is lifted, the ghost rejoins, the room is told", async () => {
    const { route, sent, notices, restored, store } = await setup();
    await route(ban(MOD));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.match(notices[0] ?? "", /spammer was not banned from #chan on IRC: you are not a channel operator on IRC, and the bridge's bot is not opped in #chan\. The Matrix ban is lifted/);
    assert.deepEqual(restored, [`${ROOM} ${SPAMMER} unbanned`]);
    assert.equal(await store.bans.get(ROOM, SPAMMER), undefined);
  });

  it("an unban of a ghost the bridge did not ban on IRC changes nothing there, and says so", async () => {
    const { route, ops, sent, notices } = await setup();
    ops.set("#chan", "mod[m]", "o");
    await route(unban(MOD));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual(notices, [`${ROOM} ${MOD}: IRC was not changed: the bridge set no ban on spammer in #chan from this room.`]);
  });
});

describe("Matrix power levels -> IRC modes", () => {
  it("raising a user to the op level: MODE +o through the changer's opped puppet; lowering: -o", async () => {
    const { route, ops, mod, sent, notices, api } = await setup();
    ops.set("#chan", "mod[m]", "o");
    await route(levels(MOD, { [MOD]: 50 }, { [MOD]: 50, [ALICE]: 50 }));
    assert.deepEqual(sent(), { mod: ["MODE #chan +o alice[m]"], alice: [], bot: [] });
    mod.hear(":mod[m]!u@h MODE #chan +o alice[m]");
    await settle();
    ops.set("#chan", "alice[m]", "o");
    await route(levels(MOD, { [MOD]: 50, [ALICE]: 50 }, { [MOD]: 50, [ALICE]: 1 }));
    assert.deepEqual(mod.sent.slice(1), ["MODE #chan -o+v alice[m] alice[m]"]);
    mod.hear(":mod[m]!u@h MODE #chan -o+v alice[m] alice[m]");
    await settle();
    await route(levels(MOD, { [MOD]: 50, [ALICE]: 1 }, { [MOD]: 50 }));
    assert.deepEqual(mod.sent.slice(2), ["MODE #chan -v alice[m]"]);
    assert.deepEqual(notices, []);
    assert.ok(!api.calls.some((c) => c.startsWith("setState")), "Matrix power levels are never written back");
  });

  it("through the bot when the changer is not opped; a mode the nick already has is not sent again", async () => {
    const { route, ops, bot, sent } = await setup();
    ops.set("#chan", "matrixbridge", "o");
    ops.set("#chan", "alice[m]", "v");
    await route(levels(MOD, { [MOD]: 50 }, { [MOD]: 50, [ALICE]: 1 }));
    assert.deepEqual(sent().bot, [], "alice[m] already has +v");
    await route(levels(MOD, { [MOD]: 50, [ALICE]: 1 }, { [MOD]: 50, [ALICE]: 50 }));
    assert.deepEqual(bot.sent, ["MODE #chan +o alice[m]"]);
  });

  it("refused with a notice when no connection can; the Matrix levels stay", async () => {
    const { route, sent, notices, api } = await setup();
    await route(levels(MOD, { [MOD]: 50 }, { [MOD]: 50, [ALICE]: 50 }));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual(notices, [
      `${ROOM} ${MOD}: IRC modes in #chan were not changed (+o alice[m]): you are not a channel operator on IRC, and the bridge's bot is not opped in #chan. The power levels in this room stay as they are.`,
    ]);
    assert.ok(!api.calls.some((c) => c.startsWith("setState")));
  });

  it("a server that refuses one change: the room is told which", async () => {
    const { route, ops, mod, notices } = await setup();
    ops.set("#chan", "mod[m]", "o");
    await route(levels(MOD, { [MOD]: 50 }, { [MOD]: 50, [ALICE]: 50 }));
    mod.hear(":srv 482 mod[m] #chan :You're not channel operator");
    await settle();
    assert.match(notices[0] ?? "", /IRC modes in #chan were not changed \(\+o alice\[m\]\): the IRC server said "You're not channel operator"/);
  });

  it("the bot's own power-level changes only update what the bridge knows: no MODE, and later actions use the new levels", async () => {
    const { route, ops, mod, sent, notices } = await setup();
    ops.set("#chan", "mod[m]", "o");
    ops.set("#chan", "matrixbridge", "o");
    await route(levels(BOT, { [MOD]: 50, [BOT]: 100 }, { [MOD]: 0, [ALICE]: 50, [BOT]: 100 }));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual(notices, []);
    await route(kick(MOD));
    assert.deepEqual(mod.sent, [], "MOD is at 0 now: below the moderator level");
  });
});

describe("Matrix topics -> IRC TOPIC", () => {
  it("TOPIC through the setter's own connection; IRC's echo is not mirrored back", async () => {
    // The IRC -> Matrix half is the real one (fromIrc/topic.ts), with this room added to the scene's
    // #chan next to its own portal room, noted as NetworkBridge.noteTopic notes it.
    const irc = await ircScene();
    await irc.ctx.rooms.add({ roomId: ROOM, network: irc.network.id, channel: "#chan", folded: "#chan", origin: "portal" });
    const { route, alice, sent, notices, topics } = await setup({ noteTopic: (roomId, text) => noteMatrixTopic(irc.ctx.topics, roomId, text) });
    await route(topic(ALICE, "new \x02topic\x02"));
    assert.deepEqual(sent(), { mod: [], alice: ["TOPIC #chan :new \x02topic\x02"], bot: [] });
    assert.deepEqual(topics, [`${ROOM} new \x02topic\x02`]);
    alice.hear(":alice[m]!u@h TOPIC #chan :new \x02topic\x02");
    await settle();
    assert.deepEqual(notices, []);
    // IRC's echo reaches every room of #chan: the other portal room takes it (the positive control),
    // the room the topic came from does not get it set again.
    const echo: ChannelEvent = { type: "topic", channel: "#chan", e: { ...base, channel: "#chan", topic: "new \x02topic\x02", by: "alice[m]" } };
    const echoed = (await irc.run(echo)).filter((c) => c.includes("m.room.topic"));
    assert.deepEqual(echoed, [`setState ${PORTAL} ${IRC_BOT} m.room.topic  {"topic":"new topic"}`]);
    // A later topic set on IRC by someone else is mirrored into this room as usual.
    const later: ChannelEvent = { type: "topic", channel: "#chan", e: { ...base, channel: "#chan", topic: "set on IRC", by: "op" } };
    const mirrored = (await irc.run(later)).filter((c) => c.includes("m.room.topic"));
    assert.deepEqual(mirrored.sort(), [PORTAL, ROOM].map((room) => `setState ${room} ${IRC_BOT} m.room.topic  {"topic":"set on IRC"}`).sort());
  });

  it("482 on a +t channel: the setter is told why", async () => {
    const { route, alice, notices } = await setup();
    await route(topic(ALICE, "mine"));
    alice.hear(":srv 482 alice[m] #chan :You do not have access to change the topic on this channel");
    await settle();
    assert.deepEqual(notices, [
      `${ROOM} ${ALICE}: the topic of #chan was not changed on IRC: only its channel operators may set it (the channel is +t) and you are not one (the IRC server said "You do not have access to change the topic on this channel").`,
    ]);
  });

  it("the bot's topic (mirroring IRC) is not sent back; a user without a connection is told", async () => {
    const { route, sent, notices } = await setup();
    await route(topic(BOT, "from IRC"), topic("@nobody:example.org", "hi"));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual(notices, [`${ROOM} @nobody:example.org: the topic of #chan was not changed on IRC: you are not connected to TestNet.`]);
  });
});

describe("a ghost comes back after a removal IRC did not follow", () => {
  it("rejoins, after the bot lifts its ban when it was banned", async () => {
    const api = new FakeMatrixApi();
    const ghosts = new Ghosts(api, BOT);
    await ghosts.restore(ROOM, SPAMMER, undefined);
    await ghosts.restore(ROOM, SPAMMER, "the ban could not be carried out on IRC");
    assert.deepEqual(api.calls, [
      `join ${ROOM} ${SPAMMER}`,
      `unban ${ROOM} ${BOT} ${SPAMMER} the ban could not be carried out on IRC`,
      `join ${ROOM} ${SPAMMER}`,
    ]);
    assert.equal(ghosts.isJoined(ROOM, SPAMMER), true);
  });
});

describe("crafted ghost ids: nothing reaches IRC, the moderator is told", () => {
  const crafted: [string, string][] = [
    ["@irc_=2a:example.org", '"*"'],
    ["@irc_a=2cb:example.org", '","'],
    ["@irc_=23chan:example.org", '"#"'],
    ["@irc_a=3ab:example.org", '":"'],
    ["@irc_a=20b:example.org", "spaces"],
    ["@irc_a=0db:example.org", "spaces, line breaks"],
    ["@irc_1abc:example.org", "digit"],
  ];
  for (const [ghost, why] of crafted) {
    it(`ban, kick of ${ghost}: no line on any connection, a notice names why`, async () => {
      const { route, ops, sent, notices, restored, store } = await setup();
      ops.set("#chan", "mod[m]", "o");
      ops.set("#chan", "matrixbridge", "o");
      await route(member(ghost, "ban", "join", MOD), member(ghost, "leave", "join", MOD));
      assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
      assert.equal(notices.length, 2);
      assert.ok(notices[0]?.startsWith(`${ROOM} ${MOD}: nobody was banned on IRC: ${ghost} does not stand for an IRC nick`), notices[0]);
      assert.ok(notices[1]?.startsWith(`${ROOM} ${MOD}: nobody was kicked on IRC: ${ghost} does not stand for an IRC nick`), notices[1]);
      for (const notice of notices) assert.ok(notice.includes(why), notice);
      assert.deepEqual(restored, [], "a ghost that is no IRC user is not brought back");
      assert.equal(await store.bans.get(ROOM, ghost), undefined);
    });
  }

  it("a ban set from a crafted id before ids were checked (*!*@*) can still be lifted: unban sends the stored mask", async () => {
    const { route, ops, bot, store, notices } = await setup();
    ops.set("#chan", "matrixbridge", "o");
    const star = "@irc_=2a:example.org";
    await store.bans.put({ roomId: ROOM, userId: star, network: "testnet", channel: "#chan", mask: "*!*@*", by: MOD, at: 0 });
    await route(member(star, "leave", "ban", MOD));
    assert.deepEqual(bot.sent, ["MODE #chan -b *!*@*"]);
    bot.hear(":matrixbridge!u@h MODE #chan -b *!*@*");
    await settle();
    assert.deepEqual(notices, []);
    assert.equal(await store.bans.get(ROOM, star), undefined);
  });

  it("a nick longer than the server's NICKLEN is refused", async () => {
    const { route, ops, sent, notices, network } = await setup();
    ops.set("#chan", "mod[m]", "o");
    network.nickLimits.learn((name) => (name === "NICKLEN" ? "9" : undefined));
    await route(member("@irc_abcdefghij:example.org", "ban", "join", MOD));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.match(notices[0] ?? "", /at most 9 characters/);
  });

  it("a host the server answers with a wildcard is not used: the ban names the nick", async () => {
    const { route, ops, mod } = await setup();
    ops.set("#chan", "mod[m]", "o");
    await route(ban(MOD));
    mod.hear(":srv 302 mod[m] :spammer=+~sp@*");
    await settle();
    assert.deepEqual(mod.sent.slice(1), ["MODE #chan +b spammer!*@*"]);
  });
});

describe("a Matrix user invites a ghost into a bridged room -> IRC INVITE through their own connection", () => {
  const invite = (sender: string, eventId?: string) => ({ ...member(SPAMMER, "invite", "leave", sender), ...(eventId === undefined ? {} : { event_id: eventId }) });

  it("INVITE nick #channel through the inviter's connection, never the bot's; silence on 341", async () => {
    const { route, mod, sent, notices } = await setup();
    await route(invite(MOD, "$i1"));
    assert.deepEqual(sent(), { mod: ["INVITE spammer #chan"], alice: [], bot: [] });
    mod.hear(":srv 341 mod[m] spammer #chan");
    await settle();
    assert.deepEqual(notices, []);
    await route(invite(MOD, "$i1"));
    assert.deepEqual(sent().mod, ["INVITE spammer #chan"], "a retried transaction does not invite twice");
  });

  it("the server's refusal is told in the room, in words", async () => {
    const { route, alice, notices } = await setup();
    await route(invite(ALICE));
    alice.hear(":srv 482 alice[m] #chan :You're not channel operator");
    await settle();
    assert.deepEqual(notices, [`${ROOM} ${ALICE}: spammer was not invited to #chan on IRC: the channel is invite-only and you are not one of its operators on IRC (the IRC server said "You're not channel operator").`]);
  });

  it("an inviter without a connection is told; nothing is sent", async () => {
    const { route, sent, notices } = await setup();
    await route(invite("@nobody:example.org"));
    assert.deepEqual(sent(), { mod: [], alice: [], bot: [] });
    assert.deepEqual(notices, [`${ROOM} @nobody:example.org: spammer was not invited to #chan on IRC: you are not connected to TestNet.`]);
  });
});
