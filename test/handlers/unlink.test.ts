import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProvisionError, type Unlinker } from "../../src/provisioning/links";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { ADMIN, ALICE, BOB, BOT, CAROL, LINKED, MAPPED, PORTAL, unlinkScene } from "../support/unlinkScene";

const byAdmin: Unlinker = { kind: "matrix", userId: ADMIN };

async function refusal(promise: Promise<unknown>): Promise<ProvisionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProvisionError) return err;
    throw err;
  }
  return assert.fail("expected a ProvisionError");
}

describe("unlink", () => {
  it("ends the link: out of the index and the store, only the puppets there for this room alone PART and forget it, the room is told", async () => {
    const s = await unlinkScene();
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    assert.equal(s.rooms.room(LINKED), undefined, "out of the index");
    assert.deepEqual(
      s.rooms.roomsFor("testnet", "#chan").map((r) => r.roomId),
      [PORTAL],
      "the portal of the same channel stays",
    );
    const reloaded = new RoomIndex(s.store.rooms);
    await reloaded.load();
    assert.equal(reloaded.room(LINKED), undefined, "not reloaded after a restart");
    assert.deepEqual(s.channelsOf(ALICE), [], "Alice was in #chan for this room alone: PARTed");
    assert.equal(s.puppets.get(ALICE)?.queued, 2, "her JOIN, then the PART");
    assert.equal(s.puppets.get(BOB)?.queued, 1, "Bob's JOIN alone");
    assert.deepEqual(s.channelsOf(BOB), ["#chan"], "Bob is in the portal of the same channel: keeps it");
    assert.deepEqual(s.channelsOf(CAROL), ["#chan"], "Carol is in the channel by !join, not for the room: keeps it");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual((await s.store.puppets.get("testnet", ALICE))?.channels, [], "the PART is forgotten for rejoin after a restart");
    assert.deepEqual(s.notices, [`${LINKED} This room is no longer bridged to #Chan on TestNet (unlinked by ${ADMIN}).`]);
    s.close();
  });

  it("then, through the room's queue: the bridge-info state is cleared and the ghosts leave; the bot stays in the room", async () => {
    const s = await unlinkScene();
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    await s.queues.idle();
    const calls = s.api.callsIn(LINKED);
    const cleared = calls.filter((c) => c.startsWith("setState") && c.endsWith("{}"));
    assert.deepEqual(
      cleared.map((c) => c.split(" ")[3]),
      ["m.bridge", "uk.half-shot.bridge"],
      "both bridge-info types emptied",
    );
    assert.ok(cleared.every((c) => c.includes("ircbridge/testnet/#Chan")), "under the link's state key");
    assert.deepEqual(
      calls.filter((c) => c.startsWith("leave")),
      [`leave ${LINKED} ${s.ian}`],
      "the ghost leaves; the bot and the users do not",
    );
    assert.deepEqual(s.givenUp, []);
    s.close();
  });

  it("a big room: its 300 ghosts leave one at a time, the room's queue never holds more than two of the removal's operations", async () => {
    const s = await unlinkScene();
    const ghosts = Array.from({ length: 300 }, (_, i) => s.network.ids.ghostUserId(`g${i}`));
    s.api.members.set(LINKED, [BOT, ...ghosts]);
    let deepest = 0;
    const leave = s.api.leave.bind(s.api);
    s.api.leave = (roomId, as) => {
      deepest = Math.max(deepest, s.queues.depth);
      return leave(roomId, as);
    };
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    await s.queues.idle();
    assert.equal(s.api.callsIn(LINKED).filter((c) => c.startsWith("leave")).length, 300);
    assert.ok(deepest > 0 && deepest <= 2, `each leave runs with at most itself and the next step queued (saw ${deepest})`);
    s.close();
  });

  it("with unlinkGhostsLeave off the ghosts stay", async () => {
    const s = await unlinkScene({ ghostsLeave: false });
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    await s.queues.idle();
    assert.deepEqual(s.api.callsIn(LINKED).filter((c) => c.startsWith("leave")), []);
    assert.equal(s.notices.length, 1, "the room is still told");
    s.close();
  });

  it("the bot PARTs a channel no bridged room needs any more (a portal does not need it); a puppet's PART and the bot's", async () => {
    const s = await unlinkScene();
    assert.deepEqual(s.bot.channelNames, ["#chan"]);
    await s.links.unlink({ networkId: "testnet", channel: "#CHAN", roomId: LINKED, by: byAdmin });
    assert.deepEqual(s.bot.channelNames, [], "only a portal is left, which does not need the bot");
    s.close();
  });

  it("the bot keeps a channel another linked room still needs", async () => {
    const s = await unlinkScene();
    await s.rooms.add({ roomId: "!second:example.org", network: "testnet", channel: "#chan", folded: "#chan", origin: "linked" });
    s.api.members.set("!second:example.org", [BOT]);
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    assert.deepEqual(s.bot.channelNames, ["#chan"]);
    s.close();
  });

  it("a portal: its aliases of the network no longer lead to it; other aliases are not touched", async () => {
    const s = await unlinkScene();
    const alias = s.network.ids.portalAlias("#chan");
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: PORTAL, by: byAdmin });
    assert.deepEqual(
      s.api.calls.filter((c) => c.startsWith("deleteAlias")),
      [`deleteAlias ${alias} ${BOT}`],
    );
    assert.equal(await s.api.resolveAlias(alias), undefined);
    assert.equal(await s.api.resolveAlias("#elsewhere:example.org"), PORTAL);
    assert.deepEqual(s.channelsOf(BOB), ["#chan"], "Bob is in the linked room of the same channel: keeps it");
    s.close();
  });

  it("a mapped room is refused, saying to remove it from the config; nothing changes", async () => {
    const s = await unlinkScene();
    const err = await refusal(s.links.unlink({ networkId: "testnet", channel: "#map", roomId: MAPPED, by: byAdmin }));
    assert.equal(err.status, 409);
    assert.match(err.message, /static mapping.*remove it from ircNetworks\[testnet\]\.mappings/);
    assert.notEqual(s.rooms.room(MAPPED), undefined);
    assert.deepEqual(s.notices, []);
    s.close();
  });

  it("a room not bridged to that channel, or an unknown network: 404, nothing changes", async () => {
    const s = await unlinkScene();
    assert.equal((await refusal(s.links.unlink({ networkId: "testnet", channel: "#other", roomId: LINKED, by: byAdmin }))).status, 404);
    assert.equal((await refusal(s.links.unlink({ networkId: "nope", channel: "#chan", roomId: LINKED, by: byAdmin }))).status, 404);
    assert.equal((await refusal(s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: "!unknown:example.org", by: byAdmin }))).status, 404);
    assert.notEqual(s.rooms.room(LINKED), undefined);
    s.close();
  });

  it("who may: a room moderator (may change power levels), a bridge admin, a channel operator on IRC; not a member below that, nor a non-op", async () => {
    const bob = await unlinkScene();
    const err = await refusal(bob.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: { kind: "matrix", userId: BOB } }));
    assert.equal(err.status, 403);
    assert.match(err.message, /moderator of the room/);
    const ian = await refusal(bob.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: { kind: "irc", nick: "ian" } }));
    assert.equal(ian.status, 403);
    assert.match(ian.message, /ian is not an operator of #Chan on TestNet/);
    assert.notEqual(bob.rooms.room(LINKED), undefined, "refusals change nothing");
    assert.deepEqual(bob.channelsOf(ALICE), ["#chan"]);
    assert.deepEqual(bob.notices, []);
    bob.close();

    const alice = await unlinkScene();
    await alice.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: { kind: "matrix", userId: ALICE } });
    assert.equal(alice.rooms.room(LINKED), undefined, "a moderator may");
    alice.close();

    const op = await unlinkScene();
    await op.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: { kind: "irc", nick: "OP" } });
    assert.equal(op.rooms.room(LINKED), undefined, "an operator of the channel may");
    assert.match(op.notices[0] ?? "", /unlinked by OP on IRC\)\.$/);
    op.close();
  });

  it("relinking later works: the room can be plumbed to the channel again", async () => {
    const s = await unlinkScene();
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    await s.queues.idle();
    const info = await s.links.plumb({ networkId: "testnet", channel: "#chan", roomId: LINKED }, ADMIN);
    assert.equal(info.origin, "linked");
    assert.equal(s.rooms.room(LINKED)?.channel, "#chan");
    const reloaded = new RoomIndex(s.store.rooms);
    await reloaded.load();
    assert.equal(reloaded.room(LINKED)?.origin, "linked");
    s.close();
  });

  it("a ghost removal queued behind a relink to the same channel does not run (the ghosts belong to the new link)", async () => {
    const s = await unlinkScene();
    let release: () => void = () => undefined;
    s.queues.enqueue(LINKED, { what: "slow homeserver", run: () => new Promise<void>((r) => (release = r)) });
    await s.links.unlink({ networkId: "testnet", channel: "#chan", roomId: LINKED, by: byAdmin });
    await s.rooms.add({ roomId: LINKED, network: "testnet", channel: "#chan", folded: "#chan", origin: "linked" });
    release();
    await s.queues.idle();
    assert.deepEqual(s.api.callsIn(LINKED).filter((c) => c.startsWith("leave")), []);
    assert.deepEqual(s.api.callsIn(LINKED).filter((c) => c.startsWith("setState")), [], "nor the state clearing");
    s.close();
  });
});
