import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { fillRoom } from "../../src/fromIrc/names";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { addMappedRooms } from "../../src/rooms/mappedRooms";
import { bridgeInfoContent, bridgeInfoStateKey } from "../../src/rooms/bridgeInfo";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomUpgrades } from "../../src/rooms/roomUpgrades";
import { openNedbStore } from "../../src/store/nedbStore";
import { fakeNetwork } from "../support/fakeNetwork";
import { ALICE, BOT, MAPPED, PORTAL, base, ircScene } from "../support/ircScene";
import { silentLogger } from "../support/silentLogger";

const NEW = "!new:example.org";
const BOB = "@irc_bob:example.org";
const ALIAS = "#irc_#chan:example.org";

function message(from: string, text: string): ChannelEvent {
  return { type: "message", channel: "#chan", e: { ...base, kind: "privmsg", from, target: "#chan", text, tags: {}, account: undefined } };
}

/** The IRC -> Matrix scene (ircScene: #chan bridged to a portal and a mapped room) with room upgrades wired as the app wires them. */
async function upgradeScene() {
  const scene = await ircScene();
  const { ctx, api, queues, network } = scene;
  const moved: string[] = [];
  const upgrades = new RoomUpgrades({
    bridgeId: "ircbridge",
    botUserId: BOT,
    api,
    rooms: ctx.rooms,
    queues,
    access: ctx.access,
    bans: scene.store.bans,
    networks: new Map([[network.id, { network, roomMoved: (room) => (moved.push(room.roomId), fillRoom(ctx, room)) }]]),
    isPrivateRoom: (roomId) => roomId === "!admin:example.org",
    notice: (roomId, text) => api.calls.push(`notice ${roomId} ${text}`),
    log: silentLogger(),
  });
  const info = bridgeInfoContent({ bridgeId: "ircbridge", botUserId: BOT, network: { id: network.id, name: network.name }, channel: "#chan" });
  const infoKey = bridgeInfoStateKey({ bridgeId: "ircbridge", network: { id: network.id, name: network.name }, channel: "#chan" });
  return { ...scene, upgrades, moved, info, infoKey };
}

describe("room upgrades (m.room.tombstone)", () => {
  it("a portal moves to its replacement: record, bookkeeping, ghosts, bridge info, alias; IRC messages go to the new room and none to the old", async () => {
    const { ctx, api, run, names, upgrades, records, store, info, infoKey, settle } = await upgradeScene();
    names({ channel: "#chan", users: [{ nick: "Bob", modes: ["o"] }, { nick: "Alice[m]", modes: [] }] });
    await settle();
    assert.equal(records.grants(PORTAL)[BOB], 50, "the bridge granted Bob his op level in the portal");
    api.given(PORTAL, "m.bridge", info, "ircbridge/testnet/#chan");
    api.aliasTable.set(ALIAS, PORTAL);
    const ban = { roomId: PORTAL, userId: "@irc_spammer:example.org", network: "testnet", channel: "#chan", mask: "*!*@spam.example", by: ALICE, at: 1 };
    await store.bans.put(ban);
    api.given(NEW, "m.room.create", { room_version: "11", predecessor: { room_id: PORTAL } });
    api.given(NEW, "m.room.power_levels", { users: { [BOT]: 100, [BOB]: 50 }, users_default: 0 });
    const before = api.calls.length;

    upgrades.follow(PORTAL, NEW, ALICE);
    assert.equal(ctx.rooms.room(PORTAL), undefined, "at once: the old room is no longer bridged");
    assert.deepEqual(ctx.rooms.room(NEW), { roomId: NEW, network: "testnet", channel: "#chan", folded: "#chan", origin: "portal", predecessors: [PORTAL] });
    await run(message("Bob", "after the upgrade"));
    assert.equal(api.calls.slice(before).find((c) => c.startsWith("join ")), `join ${NEW} ${BOT}`, "the bot joins the new room first");
    const sends = api.sent.slice().filter((e) => e.type === "m.room.message" && e.content.body === "after the upgrade");
    assert.deepEqual(sends.map((e) => `${e.roomId} ${e.as}`).sort(), [`${MAPPED} ${BOB}`, `${NEW} ${BOB}`].sort(), "the message arrives in the new room (and the channel's other room), not in the old one");
    assert.equal(api.sent.filter((e) => e.roomId === PORTAL).length, 0, "nothing more is sent to the old room");
    assert.ok(api.calls.slice(before).includes(`join ${NEW} ${BOB}`), "Bob's ghost (in the channel) joins the new room");
    assert.deepEqual(records.grants(NEW), { [BOB]: 50 }, "what the bridge granted is the new room's to manage");
    assert.deepEqual(await store.bans.get(NEW, ban.userId), { ...ban, roomId: NEW }, "an unban in the new room lifts the IRC ban the bridge set");
    assert.equal(await store.bans.get(PORTAL, ban.userId), undefined);
    assert.deepEqual(api.stateOf(NEW, "m.bridge", infoKey), info);
    assert.deepEqual(api.stateOf(NEW, "uk.half-shot.bridge", infoKey), info);
    assert.deepEqual(api.stateOf(PORTAL, "m.bridge", infoKey), {}, "cleared in the old room");
    assert.equal(api.aliasTable.get(ALIAS), NEW, "the portal alias leads to the new room");
    assert.ok(api.calls.some((c) => c.startsWith(`notice ${PORTAL} This room was upgraded`)), "the old room is told where the bridge went");
    await settle();
    await upgrades.flushed();
    assert.deepEqual((await store.rooms.all()).map((r) => r.roomId).sort(), [MAPPED, NEW].sort(), "the store moved too");
  });

  it("the bot cannot join the new room: the old room stays bridged and is told; an invite later completes the move", async () => {
    const { ctx, api, run, upgrades, info, infoKey } = await upgradeScene();
    api.given(NEW, "m.room.create", { predecessor: { room_id: PORTAL } });
    api.failures.set(`join ${NEW}`, new MatrixApiError(403, "M_FORBIDDEN", "not invited"));
    upgrades.follow(PORTAL, NEW, ALICE);
    await run();
    assert.equal(ctx.rooms.room(NEW), undefined);
    assert.equal(ctx.rooms.room(PORTAL)?.origin, "portal", "the old room is bridged again");
    assert.ok(api.calls.some((c) => c.startsWith(`notice ${PORTAL} `) && c.includes("invite it there")), "the room is told how to fix it");
    await run(message("Bob", "still here"));
    assert.deepEqual(api.sent.filter((e) => e.content.body === "still here" && e.roomId !== MAPPED).map((e) => e.roomId), [PORTAL]);
    api.failures.delete(`join ${NEW}`);
    assert.equal(upgrades.invited(NEW), true);
    await run();
    assert.equal(ctx.rooms.room(PORTAL), undefined);
    assert.equal(ctx.rooms.room(NEW)?.origin, "portal");
    assert.deepEqual(api.stateOf(NEW, "m.bridge", infoKey), info);
    assert.equal(upgrades.invited(NEW), false, "nothing waits any more");
  });

  it("a replacement that does not name the room as its predecessor, is bridged already, or is a private room: nothing moves", async () => {
    const { ctx, api, run, upgrades } = await upgradeScene();
    api.given(NEW, "m.room.create", { predecessor: { room_id: "!someother:example.org" } });
    upgrades.follow(PORTAL, NEW, ALICE);
    await run();
    assert.equal(ctx.rooms.room(PORTAL)?.origin, "portal");
    assert.equal(ctx.rooms.room(NEW), undefined);
    assert.ok(api.calls.includes(`leave ${NEW} ${BOT}`), "the bot leaves the room it does not follow");
    upgrades.follow(PORTAL, MAPPED, ALICE);
    upgrades.follow(PORTAL, "!admin:example.org", ALICE);
    await run();
    assert.equal(ctx.rooms.room(PORTAL)?.origin, "portal");
    assert.equal(ctx.rooms.room(MAPPED)?.origin, "mapped");
    assert.equal(api.calls.filter((c) => c.startsWith(`notice ${PORTAL} `) && c.includes("stays here")).length, 3);
  });

  it("an upgraded mapped room: its key follows it, and after a restart the config's old room id is not bridged again", async () => {
    const network = fakeNetwork(`, mappings: { "#keyed": { roomIds: ["!old:example.org"], key: "sesame" } }`);
    const store = await openNedbStore(undefined);
    const rooms = new RoomIndex(store.rooms);
    await addMappedRooms(rooms, [network], silentLogger());
    const old = rooms.room("!old:example.org");
    assert.ok(old);
    await rooms.replace(old.roomId, { ...old, roomId: NEW, predecessors: [old.roomId] });
    network.channels.noteUpgrade(old.roomId, NEW);
    assert.equal(network.channels.roomKey(NEW, "#keyed"), "sesame", "joins from the new room bring the mapping's key");
    // A restart: the same store, a fresh index and network (the config still names the old room).
    const again = fakeNetwork(`, mappings: { "#keyed": { roomIds: ["!old:example.org"], key: "sesame" } }`);
    const reloaded = new RoomIndex(store.rooms);
    await reloaded.load();
    await addMappedRooms(reloaded, [again], silentLogger());
    assert.deepEqual(reloaded.all().map((r) => r.roomId), [NEW], "the old room is not re-added beside its successor");
    assert.equal(again.channels.roomKey(NEW, "#keyed"), "sesame");
    // A crash between the two writes of a move left both stored: the successor wins.
    await store.rooms.put(old);
    const afterCrash = new RoomIndex(store.rooms);
    await afterCrash.load();
    assert.deepEqual(afterCrash.all().map((r) => r.roomId), [NEW]);
  });
});
