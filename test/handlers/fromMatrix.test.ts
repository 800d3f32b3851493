import { quietChannelRooms } from "../support/channelRoomHooks";
import { FakeLinks } from "../support/fakeLinks";
import { NO_NICKS } from "../../src/format/nickDirectory";
import { MessageLog } from "../../src/rooms/messageLog";
import { FakeUpgrades } from "../support/fakeUpgrades";
import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ChannelOrder } from "../../src/fromMatrix/channelOrder";
import type { ChannelActors, MatrixContext } from "../../src/fromMatrix/context";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import type { MatrixEvent } from "../../src/matrix/events";
import { createMetrics } from "../../src/observability/metrics";
import { RecentIds } from "../../src/util/recentIds";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import type { Store } from "../../src/store/store";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { noPrivateRooms } from "../support/noPrivateRooms";
import { idleChanops } from "../support/fakeChanops";
import { silentLogger } from "../support/silentLogger";
import { testPuppets } from "../support/testPuppets";
import { until } from "../support/until";
import { openAccess } from "../support/openAccess";
import { allowEveryone, type AccessPolicy } from "../../src/access/accessPolicy";

const BOT = "@ircbot:example.org";
const ROOM = "!room:example.org";
const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";

/** No connection may act on a channel here (channel-operator actions have their own tests). */
const NO_ACTORS: ChannelActors = { puppet: () => undefined, bot: () => undefined, inChannel: () => [] };

/**
 * NetworkRuntime.puppets is the PuppetRegistry class, so a real one is used. Its identity lookup
 * never resolves, so no connection ever connects: lines stay queued where the test can count them
 * (`connection.queued`), next to the channels the connection means to be in (`channelNames`).
 */
async function setup(extra = "", given?: Store, access: AccessPolicy = allowEveryone) {
  const network = fakeNetwork(extra);
  const store = given ?? (await openNedbStore(undefined));
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: ROOM, network: network.id, channel: "#chan", folded: "#chan", origin: "portal" });
  const clock = new FakeClock();
  const dropped: string[] = [];
  const puppets = testPuppets(network, store.puppets, clock, { dropped: (userId: string, text: string) => dropped.push(`${userId}: ${text}`), access });
  const order = new ChannelOrder(10, network.maxOrderHoldMs, clock);
  const notices: string[] = [];
  const persisted: string[] = [];
  const invites: string[] = [];
  const adopted: string[] = [];
  const writes: Promise<void>[] = [];
  const seen = new RecentIds(100);
  let seq = 0;
  const links = new FakeLinks();
  const upgrades = new FakeUpgrades();
  const ctx: MatrixContext = {
    ...quietChannelRooms(),
    links,
    upgrades,
    ...openAccess(access),
    botUserId: BOT,
    rooms,
    networks: new Map([[network.id, { network, puppets, order, history: () => Promise.resolve(undefined), actors: NO_ACTORS, noteTopic: () => undefined, removeFromRoom: () => false, joinedInMatrix: (_roomId: string, userId: string) => puppets.ensure(userId), nicks: NO_NICKS }]]),
    log: silentLogger(),
    metrics: createMetrics(),
    admin: {
      ownerOf: () => undefined,
      adopt: (roomId, userId) => {
        adopted.push(`${roomId} ${userId}`);
        return Promise.resolve();
      },
      abandon: () => Promise.resolve(),
      command: () => Promise.resolve(),
    },
    pms: noPrivateRooms(),
    isBridgeUser: (userId) => userId === BOT || network.ids.nickOfGhost(userId) !== undefined,
    notice: (roomId, text) => notices.push(`${roomId} ${text}`),
    persist: (net, userId) => persisted.push(`${net} ${userId}`),
    acceptInvite: (roomId) => invites.push(roomId),
    forgetGhost: () => undefined,
    ...idleChanops(store),
    outbox: store.outbox,
    messages: new MessageLog(),
    fetchEvent: () => Promise.resolve(undefined),
    keep: (write) => writes.push(write),
    seenBefore: (eventId) => seen.checkAndAdd(eventId),
    nextSeq: () => ++seq,
    now: () => clock.now(),
  };
  /** Routes like a transaction: synchronously, then waits for its outbox writes (IRC sends follow them). */
  const route = async (...events: MatrixEvent[]) => {
    events.forEach((e) => routeMatrixEvent(e, ctx));
    await Promise.all(writes);
    await new Promise((r) => setImmediate(r));
  };
  const state = (userId: string) => {
    const c = puppets.get(userId);
    return c === undefined ? undefined : { channels: c.channelNames, queued: c.queued };
  };
  /** The lines the sender's connection has queued, in order. */
  const lines = (userId: string) => puppets.get(userId)?.queuedLines;
  return { ctx, network, puppets, order, notices, persisted, invites, adopted, route, state, lines, store, writes, clock, links, upgrades };
}

function tombstone(roomId: string, replacement: unknown, extra: Partial<MatrixEvent> = {}): MatrixEvent {
  return { type: "m.room.tombstone", room_id: roomId, sender: ALICE, state_key: "", event_id: `$tomb-${roomId}`, content: { body: "upgraded", replacement_room: replacement }, ...extra };
}

function text(sender: string, body: string, extra: Record<string, unknown> = {}, roomId = ROOM): MatrixEvent {
  return { type: "m.room.message", room_id: roomId, sender, content: { msgtype: "m.text", body, ...extra } };
}

function member(target: string, membership: string, before: string | undefined, sender = target, roomId = ROOM): MatrixEvent {
  return { type: "m.room.member", room_id: roomId, sender, state_key: target, content: { membership }, unsigned: { prev_content: { membership: before } } };
}

function rename(target: string, from: string, to: string): MatrixEvent {
  return {
    type: "m.room.member",
    room_id: ROOM,
    sender: target,
    state_key: target,
    content: { membership: "join", displayname: to },
    unsigned: { prev_content: { membership: "join", displayname: from } },
  };
}

describe("Matrix -> IRC handlers", () => {
  it("a real user's message: their connection joins the channel, then queues the message", async () => {
    const { route, state, persisted, notices, puppets } = await setup();
    await route(text(ALICE, "hello"));
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 2 }, "JOIN and PRIVMSG queued");
    assert.deepEqual(persisted, [`testnet ${ALICE}`]);
    await route(text(ALICE, "again"));
    assert.deepEqual(state(ALICE)?.queued, 2, "the second message waits for the first to be confirmed");
    assert.deepEqual(notices, []);
    void puppets.closeAll("test over");
  });

  it("a message accepted before its room was unlinked, not yet handed to IRC, is not sent; its sender is told", async () => {
    const { ctx, state, notices, puppets, writes } = await setup();
    routeMatrixEvent(text(ALICE, "sent just before the unlink"), ctx);
    void ctx.rooms.remove(ROOM);
    await Promise.all(writes);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 1 }, "its JOIN (accepted while bridged) but no PRIVMSG");
    assert.deepEqual(notices, [`${ROOM} Your message was not sent to IRC: this room is no longer bridged to #chan.`]);
    assert.deepEqual(await ctx.outbox.pending(), [], "and it leaves the outbox");
    void puppets.closeAll("test over");
  });

  it("!irc commands in a room go to the links, are answered in the room, and are never bridged to IRC", async () => {
    const { ctx, route, state, notices, puppets, links } = await setup();
    await route(text(ALICE, "!irc unlink #chan"));
    await route(text(ALICE, "!IRC link testnet #other OpNick"));
    await route(text(ALICE, "!irc"), text(ALICE, "!irc unlink"), text(ALICE, "!irc link nowhere #c op"));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(links.asked, [
      { op: "unlink", request: { networkId: "testnet", channel: "#chan", roomId: ROOM, by: { kind: "matrix", userId: ALICE } } },
      { op: "link", request: { networkId: "testnet", channel: "#other", roomId: ROOM, opNick: "OpNick", userId: ALICE } },
    ]);
    assert.equal(state(ALICE), undefined, "no connection: nothing went to IRC");
    assert.deepEqual(await ctx.outbox.pending(), []);
    const said = notices.map((n) => n.slice(ROOM.length + 1));
    assert.equal(said.length, 6, "every command is answered");
    const answered = (re: RegExp) => assert.ok(said.some((n) => re.test(n)), `a reply matching ${String(re)} in ${JSON.stringify(said)}`);
    answered(/^This room is still bridged: this scene links nothing$/);
    answered(/^Link request for #other: once it passes the checks, OpNick is asked on IRC/);
    answered(/^This room was not bridged to #other: this scene links nothing$/);
    answered(/^!irc link \[network\] #channel <op-nick>/);
    answered(/^Usage: !irc unlink \[network\] #channel$/);
    answered(/^There is no network nowhere/);
    await route(text(ALICE, "!ircnot a command"));
    assert.equal(state(ALICE)?.queued, 2, "a message that only starts like one is bridged (JOIN + PRIVMSG)");
    void puppets.closeAll("test over");
  });

  it("messages of two senders: each sender's one at a time; a sender whose connection is not registered holds nobody", async () => {
    const { route, state, order, network, puppets } = await setup();
    await route(text(ALICE, "first"), text(BOB, "second"), text(ALICE, "third"));
    // No connection here ever registers (see above), so neither holds the other (channelOrder.ts;
    // the order between connected users is proven in test/unit/channelOrder.test.ts).
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 2 }, "JOIN + Alice's first; her second waits for it");
    assert.deepEqual(state(BOB), { channels: ["#chan"], queued: 2 }, "Bob's message is not held by Alice's connection, which is down");
    assert.equal(order.pending(`${network.id}\0#chan`), 3);
    void puppets.closeAll("test over");
  });

  it("a member join joins the channel once; a message afterwards does not join again", async () => {
    const { route, state, persisted, puppets } = await setup();
    await route(member(ALICE, "join", undefined));
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 1 });
    await route(member(ALICE, "join", "join"));
    assert.deepEqual(state(ALICE)?.queued, 1, "a profile change is not a join");
    await route(text(ALICE, "hi"));
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 2 });
    assert.deepEqual(persisted, [`testnet ${ALICE}`]);
    void puppets.closeAll("test over");
  });

  it("a displayname change queues a NICK when nickFollowsDisplayname is on, and only then", async () => {
    const on = await setup();
    await on.route(member(ALICE, "join", undefined), rename(ALICE, "Alice", "Alice"));
    assert.equal(on.state(ALICE)?.queued, 1, "same displayname: nothing");
    await on.route(rename(ALICE, "Alice", "Alicia"));
    assert.deepEqual(on.state(ALICE), { channels: ["#chan"], queued: 2 }, "JOIN, NICK");
    assert.deepEqual(on.lines(ALICE), ["JOIN #chan", "NICK Alicia[m]"], "the new nick follows the new displayname");
    await on.route(rename(BOB, "Bob", "Robert"));
    assert.equal(on.puppets.get(BOB), undefined, "no connection is created for a rename");
    void on.puppets.closeAll("test over");
    const off = await setup(", nickFollowsDisplayname: false");
    await off.route(member(ALICE, "join", undefined), rename(ALICE, "Alice", "Alicia"));
    assert.equal(off.state(ALICE)?.queued, 1);
    assert.deepEqual(off.lines(ALICE), ["JOIN #chan"]);
    void off.puppets.closeAll("test over");
  });

  it("a displayname change never replaces a nick chosen with !nick (desiredNick); the template's nick stays within the server's NICKLEN", async () => {
    const { route, lines, puppets, store, network } = await setup();
    network.nickLimits.learn((name) => (name === "NICKLEN" ? "9" : undefined));
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "Chosen", desiredNick: "Chosen", username: "alice", channels: [], nickNote: undefined });
    await store.puppets.put({ userId: BOB, network: "testnet", nick: "bob[m]", username: "bob", channels: [], nickNote: undefined });
    await route(member(ALICE, "join", undefined), member(BOB, "join", undefined));
    await route(rename(ALICE, "Alice", "Alicia"), rename(BOB, "Bob", "Roberto Baggio"));
    assert.deepEqual(lines(BOB), ["JOIN #chan", "NICK Robert[m]"], "positive control: bob's template nick follows, cut to NICKLEN 9 keeping [m]");
    assert.deepEqual(lines(ALICE), ["JOIN #chan"], "alice chose her nick: no NICK");
    void puppets.closeAll("test over");
  });

  it("leaving or being kicked parts the channel; a leave without a prior join does nothing", async () => {
    const { route, state, lines, persisted, puppets } = await setup();
    await route(member(ALICE, "join", undefined), member(BOB, "join", undefined));
    await route(member(ALICE, "leave", "join"), member(BOB, "leave", "join", "@mod:example.org"));
    assert.deepEqual(state(ALICE), { channels: [], queued: 2 }, "JOIN then PART");
    assert.deepEqual(state(BOB), { channels: [], queued: 2 });
    for (const who of [ALICE, BOB]) {
      assert.deepEqual(lines(who)?.[0], "JOIN #chan");
      assert.match(lines(who)?.[1] ?? "", /^PART #chan( |$)/, "the second line parts the channel");
    }
    assert.equal(persisted.length, 4);
    await route(member("@carol:example.org", "leave", "invite"));
    assert.equal(puppets.get("@carol:example.org"), undefined);
    void puppets.closeAll("test over");
  });

  it("a reply queues only the answer, not the quoted fallback", async () => {
    const { route, state, lines, puppets } = await setup();
    const body = "> <@x:example.org> quoted\n\nanswer";
    await route(text(ALICE, body, { "m.relates_to": { "m.in_reply_to": { event_id: "$q" } } }));
    assert.deepEqual(state(ALICE)?.queued, 2, "JOIN + one line");
    assert.deepEqual(lines(ALICE), ["JOIN #chan", "PRIVMSG #chan answer"], "the answer, not the quote");
    await route(text(BOB, body));
    assert.deepEqual(state(BOB)?.queued, 3, "not a reply: JOIN + both lines (Alice's connection is down: Bob is not held)");
    assert.deepEqual(lines(BOB), ["JOIN #chan", "PRIVMSG #chan :> <@x:example.org> quoted", "PRIVMSG #chan answer"], "not a reply: the text as written");
    void puppets.closeAll("test over");
    const second = await setup();
    await second.route(text(BOB, body));
    assert.deepEqual(second.state(BOB)?.queued, 3, "not a reply: JOIN + both lines");
    void second.puppets.closeAll("test over");
  });

  it("a file is sent as an action naming it (never its mxc:// URI: the link is media's, see mediaLinks tests); unknown msgtypes and empty bodies are not sent", async () => {
    const { route, state, lines, puppets } = await setup();
    await route({ type: "m.room.message", room_id: ROOM, sender: ALICE, content: { msgtype: "m.image", body: "cat.png", url: "mxc://example.org/abc" } });
    assert.deepEqual(state(ALICE)?.queued, 2);
    assert.deepEqual(lines(ALICE), ["JOIN #chan", "PRIVMSG #chan :\x01ACTION sent an image: cat.png\x01"], "an ACTION naming the image; no media links in this context, and an mxc:// URI is no use on IRC");
    await route({ type: "m.room.message", room_id: ROOM, sender: BOB, content: { msgtype: "m.location", body: "here", geo_uri: "geo:0,0" } }, text(BOB, "  \n "));
    assert.equal(puppets.get(BOB), undefined);
    void puppets.closeAll("test over");
  });

  it("the bot's and ghosts' own events are ignored", async () => {
    const { route, puppets, network, invites } = await setup();
    const ghost = network.ids.ghostUserId("Bob");
    await route(text(BOT, "notice"), text(ghost, "echo"), member(ghost, "join", undefined));
    assert.equal(puppets.size, 0);
    assert.deepEqual(invites, []);
  });

  it("an invite of the bot is accepted; other events in unknown rooms do nothing", async () => {
    const { route, puppets, invites, notices } = await setup();
    await route(member(BOT, "invite", undefined, ALICE, "!elsewhere:example.org"));
    assert.deepEqual(invites, ["!elsewhere:example.org"]);
    await route(text(ALICE, "hi", {}, "!elsewhere:example.org"), member(ALICE, "join", undefined, ALICE, "!elsewhere:example.org"));
    assert.equal(puppets.size, 0);
    assert.deepEqual(notices, []);
  });

  it("a direct chat a user opens with the bot goes to the admin rooms; in a bridged room it is a plain invite", async () => {
    const { route, invites, adopted } = await setup();
    const dm = (roomId: string, sender: string): MatrixEvent => ({ ...member(BOT, "invite", undefined, sender, roomId), content: { membership: "invite", is_direct: true } });
    await route(dm("!dm:example.org", ALICE), dm(ROOM, ALICE));
    assert.deepEqual(adopted, [`!dm:example.org ${ALICE}`]);
    assert.deepEqual(invites, [ROOM]);
  });

  it("at the connection limit a new user's message is refused, saying the bridge is full; the connected user keeps theirs", async () => {
    const { route, puppets, notices, clock, state } = await setup(", connections: { max: 1 }");
    await route(text(ALICE, "hi"));
    clock.advance(1000);
    await route(text(BOB, "hi"));
    await new Promise((r) => setImmediate(r));
    assert.equal(puppets.size, 1);
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 2 }, "alice's connection and her waiting message are untouched");
    assert.equal(puppets.get(BOB), undefined);
    assert.equal(notices.length, 1);
    assert.match(String(notices[0]), /^!room:example\.org Your message was not sent to IRC: the bridge is full: it already has 1 connections to TestNet, its limit\./);
    void puppets.closeAll("test over");
  });

  it("a message whose connection stays down is given up after maxWait, each one reported, in order", async () => {
    const { route, puppets, notices, clock } = await setup(", sendPacing: { maxWaitSeconds: 30 }");
    await route(text(ALICE, "one"));
    clock.advance(10000);
    await route(text(BOB, "two"));
    clock.advance(19999);
    puppets.sweep();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(notices, [], "nothing given up before its time");
    clock.advance(1);
    puppets.sweep();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(notices.length, 1);
    assert.match(String(notices[0]), /not sent to IRC: it could not be written in time: connecting to the IRC server/);
    clock.advance(10000);
    puppets.sweep();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(notices.length, 2, "the second message, accepted 10 s later, is given up 10 s later");
    void puppets.closeAll("test over");
  });

  it("a full connection queue: the sender is told", async () => {
    const { route, state, notices, puppets } = await setup(", sendPacing: { maxQueuedLines: 1 }");
    await route(text(ALICE, "hi"));
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 1 }, "only the JOIN fit");
    assert.deepEqual(notices, [`${ROOM} Your message was not sent to IRC: too many messages are already waiting on your IRC connection.`]);
    void puppets.closeAll("test over");
  });

  it("a user who left with !quit: their messages and joins are not sent; they are told how to come back", async () => {
    const { route, state, notices, puppets, store } = await setup();
    await route(text(ALICE, "before"));
    // Its connection never registers here: the waiting message is given up when the user quits.
    await puppets.quit(ALICE);
    assert.equal(state(ALICE), undefined, "the connection is gone");
    // The waiting message is given up once its outbox write is done; the notices of later events
    // come from other paths, so they are sent after it has been told, for a fixed order below.
    await until(() => notices.length === 1, "the waiting message given up");
    await route(text(ALICE, "while quit"), member(ALICE, "join", "leave"));
    assert.equal(state(ALICE), undefined, "no connection was made for them");
    assert.deepEqual(notices, [
      `${ROOM} Your message was not sent to IRC: connection closed: quit at the user's request.`,
      `${ROOM} Your message was not sent to IRC: you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again.`,
      `${ROOM} ${ALICE} cannot be connected to IRC: you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again.`,
    ]);
    assert.deepEqual(await store.outbox.pending(), [], "the refused message left the outbox");
    await puppets.reconnect(ALICE);
    await route(text(ALICE, "back"));
    assert.equal(state(ALICE)?.channels.length, 1, "after !reconnect messages go out again");
    void puppets.closeAll("test over");
  });

  it("keeps an accepted message in the outbox until IRC confirms it, and sends a retried event once", async () => {
    const { route, store, writes, order, network } = await setup();
    const event: MatrixEvent = { ...text(ALICE, "durable"), event_id: "$durable" };
    await route(event, event);
    await Promise.all(writes);
    const kept = await store.outbox.pending();
    assert.deepEqual(kept.map(({ entry: e }) => [e.eventId, e.sender, e.kind, e.body]), [["$durable", ALICE, "privmsg", "durable"]]);
    assert.equal(order.pending(`${network.id}\0#chan`), 1, "the repeated event was not handed to IRC again");
  });

  it("a full disk: a message whose hand-over cannot be journalled is not sent, and its sender is told why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fullhand-"));
    try {
      const store = await openNedbStore(dir);
      const { route, state, notices, puppets } = await setup("", store);
      await route(text(ALICE, "first"));
      assert.equal(state(ALICE)?.queued, 2, "positive control: with a working disk, the JOIN and the message are queued for IRC");
      symlinkSync("/dev/full", join(dir, "outbox-confirmed.log.full"));
      renameSync(join(dir, "outbox-confirmed.log.full"), join(dir, "outbox-confirmed.log"));
      // Its connection never registers here, so the first message holds the channel's order: quit it first.
      await puppets.quit(ALICE);
      await puppets.reconnect(ALICE);
      notices.length = 0;
      await route(text(ALICE, "on a full disk"));
      assert.equal(state(ALICE)?.queued, 1, "the JOIN only: the message is not on its way");
      assert.deepEqual(notices, [`${ROOM} Your message was not sent to IRC: the bridge cannot write to its disk (ENOSPC); try again later.`]);
      void puppets.closeAll("test over");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a static mapping's key: joins from the mapping's room bring it, joins from a portal room of the same channel do not", async () => {
    const MAPPED = "!mapped:example.org";
    const { route, puppets, ctx } = await setup(`, mappings: { "#chan": { roomIds: ["${MAPPED}"], key: mapkey } }`);
    await ctx.rooms.add({ roomId: MAPPED, network: "testnet", channel: "#chan", folded: "#chan", origin: "mapped" });
    const CAROL = "@carol:example.org";
    const DAVE = "@dave:example.org";
    await route(member(ALICE, "join", undefined, ALICE, MAPPED), member(BOB, "join", undefined, BOB, ROOM));
    await route(text(CAROL, "from the mapped room", {}, MAPPED), text(DAVE, "from the portal", {}, ROOM));
    const entries = (userId: string) => puppets.get(userId)?.channelEntries;
    assert.deepEqual(entries(ALICE), [{ name: "#chan", key: "mapkey" }], "joined from the mapped room");
    assert.deepEqual(entries(CAROL), [{ name: "#chan", key: "mapkey" }], "spoke first in the mapped room");
    assert.deepEqual(entries(BOB), [{ name: "#chan", key: undefined }], "joined the portal room: no key");
    assert.deepEqual(entries(DAVE), [{ name: "#chan", key: undefined }], "spoke first in the portal room: no key");
    void puppets.closeAll("test over");
  });

  it("a user who joins a room but can get no connection is removed from it with the reason (kickOn.channelJoinFailure), else the room is told", async () => {
    for (const removes of [true, false]) {
      const { ctx, network, puppets, notices } = await setup();
      puppets.ensure(ALICE);
      await puppets.quit(ALICE);
      const removed: string[] = [];
      const runtime = ctx.networks.get(network.id) ?? assert.fail("no runtime");
      const withRemoval: MatrixContext = {
        ...ctx,
        networks: new Map([[network.id, { ...runtime, removeFromRoom: (roomId: string, userId: string, reason: string) => (removed.push(`${roomId} ${userId} ${reason}`), removes) }]]),
      };
      routeMatrixEvent(member(ALICE, "join", undefined), withRemoval);
      assert.deepEqual(removed, [`${ROOM} ${ALICE} You cannot be connected to TestNet: you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again.`]);
      assert.deepEqual(notices, removes ? [] : [`${ROOM} ${ALICE} cannot be connected to IRC: you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again.`]);
      void puppets.closeAll("test over");
    }
  });

  it("a tombstone in a bridged room: the bridge follows it, once (a retried transaction changes nothing); a tombstone elsewhere or without a replacement room does nothing", async () => {
    const { route, upgrades } = await setup();
    await route(tombstone("!elsewhere:example.org", "!new:example.org"));
    await route(tombstone(ROOM, 42, { event_id: "$bad1" }), tombstone(ROOM, "!new:example.org", { event_id: "$bad2", state_key: "x" }));
    assert.deepEqual(upgrades.calls, [], "an unbridged room, a replacement that is no room id, a state key: nothing");
    await route(tombstone(ROOM, "!new:example.org"));
    await route(tombstone(ROOM, "!new:example.org"));
    assert.deepEqual(upgrades.calls, [`follow ${ROOM} !new:example.org ${ALICE}`]);
  });

  it("a tombstone in an admin room: the bot follows its owner there; in a private-message room the user is told the chat stays", async () => {
    const { ctx, upgrades } = await setup();
    const pmNotices: string[] = [];
    const admin: MatrixContext = { ...ctx, admin: { ...ctx.admin, ownerOf: (roomId) => (roomId === "!admin:example.org" ? ALICE : undefined) } };
    routeMatrixEvent(tombstone("!admin:example.org", "!admin2:example.org"), admin);
    assert.deepEqual(upgrades.calls, [`admin !admin:example.org !admin2:example.org ${ALICE}`]);
    const pmRecord = { roomId: "!pm:example.org", network: "testnet", userId: ALICE, nick: "Bob", folded: "bob", createdAt: 0 };
    const pm: MatrixContext = { ...ctx, pms: { ...ctx.pms, roomOf: (roomId) => (roomId === pmRecord.roomId ? pmRecord : undefined), notice: (roomId, t) => pmNotices.push(`${roomId} ${t}`) } };
    routeMatrixEvent(tombstone(pmRecord.roomId, "!pm2:example.org"), pm);
    assert.equal(upgrades.calls.length, 1, "a private chat is not followed");
    assert.match(pmNotices[0] ?? "", /^!pm:example\.org .*stays here.*invite @irc_bob:example\.org/);
  });

  it("an invite of the bot to a room an upgrade waits for completes the upgrade instead of a plain invite", async () => {
    const { route, upgrades, invites } = await setup();
    upgrades.waiting.add("!new:example.org");
    await route(member(BOT, "invite", undefined, ALICE, "!new:example.org"), member(BOT, "invite", undefined, ALICE, ROOM));
    assert.deepEqual(upgrades.calls, ["invited !new:example.org", `invited ${ROOM}`]);
    assert.deepEqual(invites, [ROOM], "only the invite no upgrade waited for is a plain one");
  });

  it("once a room is replaced (what an upgrade does first), its messages reach IRC no more and the new room's do", async () => {
    const { route, state, ctx, puppets } = await setup();
    const record = ctx.rooms.room(ROOM);
    assert.ok(record);
    await ctx.rooms.replace(ROOM, { ...record, roomId: "!new:example.org", predecessors: [ROOM] });
    await route(text(ALICE, "in the old room"));
    assert.equal(state(ALICE), undefined, "nothing from the old room");
    await route(text(ALICE, "in the new room", {}, "!new:example.org"));
    assert.deepEqual(state(ALICE), { channels: ["#chan"], queued: 2 }, "positive control: the new room's message is queued (JOIN + PRIVMSG)");
    void puppets.closeAll("test over");
  });
});
