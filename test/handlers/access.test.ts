import { quietChannelRooms } from "../support/channelRoomHooks";
/**
 * Who may use the bridge, through the Matrix -> IRC handlers: the access policy refuses at
 * PuppetRegistry.ensure (joins, messages, reconnects), excluded users are ignored, and a ban that
 * arrives in a subscribed list room closes the connection it covers and tells its user why.
 */
import { FakeLinks } from "../support/fakeLinks";
import { NO_NICKS } from "../../src/format/nickDirectory";
import { MessageLog } from "../../src/rooms/messageLog";
import { FakeUpgrades } from "../support/fakeUpgrades";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfiguredAccess, type AccessLists } from "../../src/access/accessPolicy";
import { BanLists, type ListRoomsApi } from "../../src/access/banLists";
import { ChannelOrder } from "../../src/fromMatrix/channelOrder";
import type { MatrixContext } from "../../src/fromMatrix/context";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import type { MatrixEvent } from "../../src/matrix/events";
import { createMetrics } from "../../src/observability/metrics";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { RecentIds } from "../../src/util/recentIds";
import { NO_ACTORS, idleChanops } from "../support/fakeChanops";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { noPrivateRooms } from "../support/noPrivateRooms";
import { silentLogger } from "../support/silentLogger";
import { testPuppets } from "../support/testPuppets";

const BOT = "@ircbot:example.org";
const ROOM = "!room:example.org";
const LIST = "!bans:example.org";
const ALICE = "@alice:example.org";
const MALLORY = "@mallory:evil.example";
const SPAMMER = "@spammer:example.org";

/** A list room as the homeserver answers for it: joined by alias or id, its state as given. */
class FakeListRooms implements ListRoomsApi {
  readonly state: MatrixEvent[] = [];
  readonly joins: string[] = [];
  /** When set, the state read waits for this (to deliver events meanwhile). */
  gate: Promise<void> | undefined;
  join(roomIdOrAlias: string, as: string): Promise<string> {
    this.joins.push(`${roomIdOrAlias} as ${as}`);
    return Promise.resolve(LIST);
  }
  async roomState(): Promise<MatrixEvent[]> {
    await this.gate;
    return [...this.state];
  }
}

const banRule = (stateKey: string, entity: string, eventId: string, reason = "spam"): MatrixEvent => ({
  type: "m.policy.rule.user",
  room_id: LIST,
  sender: "@mod:example.org",
  state_key: stateKey,
  event_id: eventId,
  content: { entity, recommendation: "m.ban", reason },
});

async function setup(lists: Partial<AccessLists> = {}) {
  const network = fakeNetwork();
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: ROOM, network: network.id, channel: "#chan", folded: "#chan", origin: "portal" });
  const clock = new FakeClock();
  const listRooms = new FakeListRooms();
  const banLists = new BanLists({ api: listRooms, botUserId: BOT, lists: ["#bans:example.org"], log: silentLogger() });
  const policy = new ConfiguredAccess({ allowedUsers: [], deniedUsers: [], allowedServers: [], deniedServers: [], excludedUsers: [], ...lists }, banLists);
  const dropped: string[] = [];
  const puppets = testPuppets(network, store.puppets, clock, { dropped: (userId, text) => dropped.push(`${userId}: ${text}`), access: policy });
  // As app.ts wires it: a new ban closes the connections it covers.
  banLists.onBanned(() => puppets.enforceAccess());
  const notices: string[] = [];
  const adopted: string[] = [];
  const writes: Promise<void>[] = [];
  const seen = new RecentIds(100);
  let seq = 0;
  const ctx: MatrixContext = {
    ...quietChannelRooms(),
    links: new FakeLinks(),
    upgrades: new FakeUpgrades(),
    ...idleChanops(store),
    access: policy,
    banLists,
    botUserId: BOT,
    rooms,
    networks: new Map([[network.id, { network, puppets, order: new ChannelOrder(10, network.maxOrderHoldMs), history: () => Promise.resolve(undefined), actors: NO_ACTORS, noteTopic: () => undefined, removeFromRoom: () => false, joinedInMatrix: (_roomId: string, userId: string) => puppets.ensure(userId), nicks: NO_NICKS }]]),
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
    persist: () => undefined,
    acceptInvite: () => undefined,
    forgetGhost: () => undefined,
    outbox: store.outbox,
    messages: new MessageLog(),
    fetchEvent: () => Promise.resolve(undefined),
    keep: (write) => writes.push(write),
    seenBefore: (eventId) => seen.checkAndAdd(eventId),
    nextSeq: () => ++seq,
    now: () => clock.now(),
  };
  const route = async (...events: MatrixEvent[]) => {
    events.forEach((e) => routeMatrixEvent(e, ctx));
    await Promise.all(writes);
    await new Promise((r) => setImmediate(r));
  };
  return { ctx, puppets, banLists, listRooms, notices, dropped, adopted, route };
}

const text = (sender: string, body: string, roomId = ROOM): MatrixEvent => ({ type: "m.room.message", room_id: roomId, sender, content: { msgtype: "m.text", body } });
const join = (userId: string): MatrixEvent => ({ type: "m.room.member", room_id: ROOM, sender: userId, state_key: userId, content: { membership: "join" } });

describe("who may use the bridge", () => {
  it("a user of a denied homeserver gets no connection, on a join or a message, and is told why", async () => {
    const { route, puppets, notices } = await setup({ deniedServers: ["evil.example"] });
    await route(join(MALLORY), text(MALLORY, "hello"), join(ALICE));
    assert.equal(puppets.get(MALLORY), undefined);
    assert.ok(puppets.get(ALICE) !== undefined, "an allowed user in the same transaction is connected");
    assert.deepEqual(notices, [
      `${ROOM} ${MALLORY} cannot be connected to IRC: this bridge does not serve users of evil.example.`,
      `${ROOM} Your message was not sent to IRC: this bridge does not serve users of evil.example.`,
    ]);
    const ensured = puppets.ensure(MALLORY);
    assert.deepEqual(ensured, { ok: false, why: "denied", reason: "this bridge does not serve users of evil.example" });
    assert.match(await puppets.reconnect(MALLORY), /^You have no connection/);
    void puppets.closeAll("test over");
  });

  it("an excluded user is ignored: no connection, no notice, no admin room", async () => {
    const { route, puppets, notices, adopted } = await setup({ excludedUsers: ["@*bot:example.org"] });
    const other = "@otherbot:example.org";
    const dm: MatrixEvent = { type: "m.room.member", room_id: "!dm:example.org", sender: other, state_key: BOT, content: { membership: "invite", is_direct: true } };
    await route(join(other), text(other, "relayed"), dm, join(ALICE));
    assert.equal(puppets.get(other), undefined);
    assert.deepEqual(notices, []);
    assert.deepEqual(adopted, [], "the bot does not take the excluded user's direct chat as an admin room");
    assert.ok(puppets.get(ALICE) !== undefined, "the positive control: an allowed user's join in the same batch connects them");
    void puppets.closeAll("test over");
  });

  it("a ban list read at start refuses its users; a rule arriving later closes a connected user's connection and tells them", async () => {
    const { route, puppets, banLists, listRooms, notices, dropped } = await setup();
    listRooms.state.push(banRule("r1", SPAMMER, "$r1"));
    await banLists.start();
    assert.deepEqual(listRooms.joins, [`#bans:example.org as ${BOT}`]);
    await route(join(SPAMMER), join(ALICE));
    assert.equal(puppets.get(SPAMMER), undefined);
    assert.deepEqual(notices, [`${ROOM} ${SPAMMER} cannot be connected to IRC: your account is on the ban list #bans:example.org (spam).`]);

    const alice = puppets.get(ALICE);
    assert.ok(alice !== undefined && !alice.isClosed);
    await route(banRule("r2", "@alice:*", "$r2", "raids"));
    assert.equal(alice.isClosed, true, "the new rule closed alice's connection");
    assert.deepEqual(dropped, [`${ALICE}: Your connection to TestNet was closed: your account is on the ban list #bans:example.org (raids).`]);
    await route(text(ALICE, "still here?"));
    assert.equal(puppets.get(ALICE), undefined, "and she gets no new one");
    void puppets.closeAll("test over");
  });

  it("a redacted or emptied rule lets the user back; the list room's events never reach IRC", async () => {
    const { route, puppets, banLists, listRooms, ctx } = await setup();
    // Even a list room that is (wrongly) also bridged to a channel sends nothing to IRC.
    await ctx.rooms.add({ roomId: LIST, network: "testnet", channel: "#list", folded: "#list", origin: "portal" });
    listRooms.state.push(banRule("r1", SPAMMER, "$r1"), banRule("r2", ALICE, "$r2"));
    await banLists.start();
    assert.equal(puppets.ensure(SPAMMER).ok, false);
    assert.equal(puppets.ensure(ALICE).ok, false);
    await route({ type: "m.room.redaction", room_id: LIST, sender: "@mod:example.org", redacts: "$r1", content: {} });
    await route({ type: "m.policy.rule.user", room_id: LIST, sender: "@mod:example.org", state_key: "r2", event_id: "$r2b", content: {} });
    assert.equal(puppets.ensure(SPAMMER).ok, true, "redacted");
    assert.equal(puppets.ensure(ALICE).ok, true, "emptied");
    await route(text(ALICE, "a message in the list room", LIST));
    assert.deepEqual(puppets.get(ALICE)?.channelNames, [], "nothing from the list room was sent to IRC");
    assert.equal(puppets.get(ALICE)?.queued, 0);
    void puppets.closeAll("test over");
  });

  it("rules that arrive while the list's state is being read are applied after it, not lost", async () => {
    const { route, puppets, banLists, listRooms } = await setup();
    let release: () => void = () => undefined;
    listRooms.gate = new Promise<void>((r) => (release = r));
    listRooms.state.push(banRule("r1", SPAMMER, "$r1"));
    const started = banLists.start();
    await new Promise((r) => setImmediate(r));
    await route(banRule("r2", ALICE, "$r2"));
    release();
    await started;
    assert.equal(puppets.ensure(SPAMMER).ok, false, "from the state");
    assert.equal(puppets.ensure(ALICE).ok, false, "from the event that arrived during the read");
  });
});
