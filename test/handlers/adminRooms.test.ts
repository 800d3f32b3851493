import { quietChannelRooms } from "../support/channelRoomHooks";
import { FakeLinks } from "../support/fakeLinks";
import { MessageLog } from "../../src/rooms/messageLog";
import { FakeUpgrades } from "../support/fakeUpgrades";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdminRooms } from "../../src/admin/adminRooms";
import type { AdminNetwork } from "../../src/admin/command";
import { CommandRunner } from "../../src/admin/commandRunner";
import { COMMANDS } from "../../src/admin/commands";
import { AdminNotifier } from "../../src/admin/notifier";
import type { MatrixContext } from "../../src/fromMatrix/context";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import type { MatrixEvent } from "../../src/matrix/events";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { createMetrics } from "../../src/observability/metrics";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import { RecentIds } from "../../src/util/recentIds";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { recordingAdminContext, recordingRedact } from "../support/fakeAdmin";
import { noPrivateRooms } from "../support/noPrivateRooms";
import { idleChanops } from "../support/fakeChanops";
import { silentLogger } from "../support/silentLogger";
import { openAccess } from "../support/openAccess";

const BOT = "@ircbridge:example.org";
const ALICE = "@alice:example.org";
const MALLORY = "@mallory:example.org";
const DM = "!dm:example.org";
const ONE: readonly AdminNetwork[] = [{ id: "testnet", name: "TestNet" }];

/** Admin rooms wired as app.ts wires them, behind the Matrix router, against a fake homeserver. */
async function scene(networks: readonly AdminNetwork[] = ONE) {
  const api = new FakeMatrixApi();
  const store = await openNedbStore(undefined);
  const clock = new FakeClock();
  const log = silentLogger();
  const rooms = new AdminRooms({ api, botUserId: BOT, store: store.adminRooms, networks, log });
  await rooms.load();
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
  const notifier = new AdminNotifier({ rooms, api, botUserId: BOT, enqueue: (key, op) => queues.enqueue(key, op), clock, log });
  const { context, reconnects } = recordingAdminContext(networks, () => false);
  const redactions: string[] = [];
  const runner = new CommandRunner({
    commands: COMMANDS,
    context,
    redact: recordingRedact(redactions),
    reply: (userId, roomId, text) => notifier.reply(userId, roomId, text),
    log,
  });
  const pending: Promise<void>[] = [];
  const track = (p: Promise<void>) => {
    pending.push(p);
    return p;
  };
  const invites: string[] = [];
  const seen = new RecentIds(100);
  const ctx: MatrixContext = {
    ...quietChannelRooms(),
    links: new FakeLinks(),
    upgrades: new FakeUpgrades(),
    ...openAccess(),
    botUserId: BOT,
    rooms: new RoomIndex(store.rooms),
    networks: new Map(),
    log,
    metrics: createMetrics(),
    admin: {
      ownerOf: (roomId) => rooms.userOf(roomId),
      adopt: (roomId, userId) => track(rooms.adopt(roomId, userId)),
      abandon: (roomId, why, leave) => track(rooms.abandon(roomId, why, leave)),
      command: (roomId, userId, body) => track(runner.handle(roomId, userId, body)),
    },
    pms: noPrivateRooms(),
    isBridgeUser: (userId) => userId === BOT,
    notice: () => undefined,
    persist: () => undefined,
    forgetGhost: () => undefined,
    ...idleChanops(store),
    acceptInvite: (roomId) => invites.push(roomId),
    outbox: store.outbox,
    messages: new MessageLog(),
    fetchEvent: () => Promise.resolve(undefined),
    keep: () => undefined,
    seenBefore: (eventId) => seen.checkAndAdd(eventId),
    nextSeq: () => 0,
    now: () => Date.now(),
  };
  const route = async (...events: MatrixEvent[]) => {
    events.forEach((e) => routeMatrixEvent(e, ctx));
    await Promise.all(pending);
    await queues.idle();
  };
  return { api, store, rooms, notifier, queues, route, reconnects, invites };
}

function member(roomId: string, target: string, membership: string, sender = target, extra: Record<string, unknown> = {}): MatrixEvent {
  return { type: "m.room.member", room_id: roomId, sender, state_key: target, content: { membership, ...extra } };
}

function text(roomId: string, sender: string, body: string, eventId?: string): MatrixEvent {
  return { type: "m.room.message", room_id: roomId, sender, event_id: eventId, content: { msgtype: "m.text", body } };
}

describe("admin rooms", () => {
  it("creates one room per user even when asked concurrently, and stores it", async () => {
    const { api, store, rooms } = await scene();
    const [a, b] = await Promise.all([rooms.roomFor(ALICE), rooms.roomFor(ALICE)]);
    assert.equal(a, "!created1:example.org");
    assert.equal(b, a);
    assert.equal(await rooms.roomFor(ALICE), a);
    assert.equal(api.created.length, 1);
    assert.equal(await store.adminRooms.get(ALICE), a);
    assert.equal(rooms.userOf(a), ALICE);
    const body = api.created[0];
    assert.equal(body?.preset, "private_chat");
    assert.equal(body.is_direct, true);
    assert.deepEqual(body.invite, [ALICE]);
    assert.equal(body.name, "TestNet", "named after the only network");
    assert.match(String(body.topic), /!help/);
  });

  it("with several networks the room is the bridge's; a failed creation is tried again next time", async () => {
    const { api, rooms } = await scene([...ONE, { id: "other", name: "Other" }]);
    api.failures.set("createRoom", new MatrixApiError(502, "M_UNKNOWN", "bad gateway"));
    await assert.rejects(rooms.roomFor(ALICE));
    api.failures.delete("createRoom");
    assert.equal(await rooms.roomFor(ALICE), "!created2:example.org");
    assert.equal(api.created[0]?.name, "IRC bridge");
  });

  it("a user the homeserver does not know gets no room", async () => {
    const { api, rooms } = await scene();
    api.unknownUsers.add(ALICE);
    await assert.rejects(rooms.roomFor(ALICE), /does not know/);
    assert.equal(api.created.length, 0);
  });

  it("stored rooms are known after a restart", async () => {
    const { store, api } = await scene();
    await store.adminRooms.put(ALICE, DM);
    const again = new AdminRooms({ api, botUserId: BOT, store: store.adminRooms, networks: ONE, log: silentLogger() });
    await again.load();
    assert.equal(again.isAdminRoom(DM), true);
    assert.equal(await again.roomFor(ALICE), DM);
    assert.equal(api.created.length, 0);
  });

  it("a direct chat the user opens with the bot becomes their admin room, replacing the old one", async () => {
    const { api, store, rooms, route, invites } = await scene();
    const old = await rooms.roomFor(ALICE);
    await route(member(DM, BOT, "invite", ALICE, { is_direct: true }));
    assert.deepEqual(api.callsIn(DM), [`join ${DM} ${BOT}`, `joinedMembers ${DM} ${BOT}`]);
    assert.equal(rooms.userOf(DM), ALICE);
    assert.equal(await store.adminRooms.get(ALICE), DM);
    assert.equal(rooms.isAdminRoom(old), false);
    assert.deepEqual(api.callsIn(old), [`leave ${old} ${BOT}`], "the bot leaves the replaced room");
    assert.deepEqual(invites, []);
  });

  it("an invite that is not a direct chat, or a direct chat with others in it, is no admin room", async () => {
    const { api, rooms, route, invites } = await scene();
    await route(member("!group:example.org", BOT, "invite", ALICE));
    assert.deepEqual(invites, ["!group:example.org"], "left to acceptInvite, which joins bridged rooms only");
    api.members.set(DM, [ALICE, BOT, MALLORY]);
    await route(member(DM, BOT, "invite", ALICE, { is_direct: true }));
    assert.equal(rooms.isAdminRoom(DM), false);
    assert.deepEqual(api.callsIn(DM).at(-1), `leave ${DM} ${BOT}`);
  });

  it("a third person joining makes the bot leave and forget the room; the next notice makes a new one", async () => {
    const { api, store, rooms, notifier, queues, route } = await scene();
    const room = await rooms.roomFor(ALICE);
    await route(member(room, BOT, "join"), member(room, ALICE, "join"));
    assert.equal(rooms.isAdminRoom(room), true, "the owner and the bot belong there");
    await route(member(room, MALLORY, "join"));
    assert.equal(rooms.isAdminRoom(room), false);
    assert.equal(await store.adminRooms.get(ALICE), undefined);
    assert.deepEqual(api.callsIn(room), [`leave ${room} ${BOT}`]);
    notifier.notify(ALICE, "hello again");
    await queues.idle();
    assert.deepEqual(
      api.sent.map((s) => s.roomId),
      ["!created2:example.org"],
    );
  });

  it("the bot removed from its admin room forgets it without leaving again", async () => {
    const { api, rooms, route } = await scene();
    const room = await rooms.roomFor(ALICE);
    await route(member(room, BOT, "leave", ALICE));
    assert.equal(rooms.isAdminRoom(room), false);
    assert.deepEqual(api.callsIn(room), []);
  });

  it("the owner's text messages are commands, answered with a notice; nothing else is, and a retry runs once", async () => {
    const { api, rooms, route, reconnects } = await scene();
    const room = await rooms.roomFor(ALICE);
    await route(text(room, ALICE, "!reconnect", "$1"), text(room, ALICE, "!reconnect", "$1"));
    assert.deepEqual(reconnects, [`testnet ${ALICE}`]);
    assert.deepEqual(
      api.sent.map((s) => [s.roomId, s.content.msgtype, s.content.body]),
      [[room, "m.notice", "Reconnecting you to testnet."]],
    );
    await route(text(room, MALLORY, "!reconnect"), text(room, BOT, "!reconnect"), {
      type: "m.room.message",
      room_id: room,
      sender: ALICE,
      content: { msgtype: "m.notice", body: "!reconnect" },
    });
    assert.equal(reconnects.length, 1);
    assert.equal(api.sent.length, 1);
  });
});
