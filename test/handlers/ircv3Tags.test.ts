import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import type { Tags } from "../../src/irc/events";
import { MAPPED, PORTAL, base, ircScene } from "../support/ircScene";

const BOB = "@irc_bob:example.org";
const tagmsg = (from: string, tags: Tags): ChannelEvent => ({ type: "tagmsg", channel: "#chan", e: { ...base, from, target: "#chan", tags } });
const redact = (from: string, msgid: string, reason = "", tags: Tags = {}): ChannelEvent => ({ type: "redact", channel: "#chan", e: { ...base, from, target: "#chan", msgid, reason, tags } });

/** The scene with one message logged in each room under msgid "m1" (as if bridged from Bob). */
async function scene() {
  const s = await ircScene();
  s.ctx.messages.record({ roomId: PORTAL, eventId: "$p1", msgid: "m1", nick: "Bob", text: "hi" });
  s.ctx.messages.record({ roomId: MAPPED, eventId: "$q1", msgid: "m1", nick: "Bob", text: "hi" });
  return s;
}

describe("IRCv3 client tags, IRC -> Matrix", () => {
  it("+draft/react on a known msgid: an m.reaction from the ghost on each room's own event, logged under the TAGMSG's msgid", async () => {
    const { api, run, ctx } = await scene();
    await run(tagmsg("Bob", { "+draft/react": "👍", "+draft/reply": "m1", msgid: "r1" }));
    const reactions = api.sent.filter((s) => s.type === "m.reaction");
    assert.deepEqual(
      reactions.map((s) => [s.roomId, s.as, s.content]),
      [
        [PORTAL, BOB, { "m.relates_to": { rel_type: "m.annotation", event_id: "$p1", key: "👍" } }],
        [MAPPED, BOB, { "m.relates_to": { rel_type: "m.annotation", event_id: "$q1", key: "👍" } }],
      ],
    );
    assert.equal(ctx.messages.byMsgid(PORTAL, "r1")?.eventId, reactions[0] === undefined ? "none" : `$event${api.sent.indexOf(reactions[0]) + 1}`);
  });

  it("never across rooms: a msgid only one room knows gets a reaction in that room only; an unknown msgid or our own reaction gives nothing", async () => {
    const { api, run, ctx } = await ircScene();
    ctx.messages.record({ roomId: MAPPED, eventId: "$q9", msgid: "only-mapped", nick: "Bob", text: "x" });
    await run(tagmsg("Bob", { "+draft/react": "x", "+draft/reply": "only-mapped" }));
    assert.deepEqual(api.sent.filter((s) => s.type === "m.reaction").map((s) => s.roomId), [MAPPED]);
    const before = api.sent.length;
    await run(tagmsg("Bob", { "+draft/react": "x", "+draft/reply": "nobody-knows" }), tagmsg("Alice[m]", { "+draft/react": "x", "+draft/reply": "only-mapped" }), tagmsg("Bob", { "+draft/reply": "only-mapped" }));
    assert.equal(api.sent.length, before);
  });

  it("a reaction that arrives just before the reacted Matrix message is logged (its echo still on the way) still finds it", async () => {
    const { api, route, queues, ctx } = await ircScene();
    route(tagmsg("Bob", { "+draft/react": "x", "+draft/reply": "late" }));
    // The reaction's lookup has run and found nothing yet (positive control: nothing sent so far).
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(api.sent.filter((s) => s.type === "m.reaction"), []);
    ctx.messages.record({ roomId: PORTAL, eventId: "$late", msgid: "late", sender: "@alice:example.org", nick: "Alice[m]", text: "hi" });
    // Logged: the reaction is queued again for the room (the queue never waited for it).
    await new Promise((r) => setImmediate(r));
    await queues.idle();
    assert.deepEqual(api.sent.filter((s) => s.type === "m.reaction").map((s) => [s.roomId, s.content["m.relates_to"]]), [[PORTAL, { rel_type: "m.annotation", event_id: "$late", key: "x" }]]);
  });

  it("a reaction waiting for its message never holds the room: an IRC message after it goes first, and the reaction follows once its message is logged", async () => {
    const { api, route, queues, ctx } = await ircScene();
    route(tagmsg("Bob", { "+draft/react": "x", "+draft/reply": "soon" }));
    route({ type: "message", channel: "#chan", e: { ...base, kind: "privmsg", from: "Carol", target: "#chan", text: "next", account: undefined } });
    for (let i = 0; i < 200 && !api.sent.some((s) => s.content.body === "next" && s.roomId === PORTAL); i++) await new Promise((r) => setTimeout(r, 5));
    ctx.messages.record({ roomId: PORTAL, eventId: "$soon", msgid: "soon", sender: "@alice:example.org", nick: "Alice[m]", text: "hi" });
    await new Promise((r) => setImmediate(r));
    await queues.idle();
    assert.deepEqual(
      api.sent.filter((s) => s.roomId === PORTAL).map((s) => s.type),
      ["m.room.message", "m.reaction"],
      "Carol's message was not held behind the reaction's wait; the reaction came once its message was logged",
    );
  });

  it("+typing: the ghost types or stops in rooms where it is joined; never joins to type", async () => {
    const { api, run, ctx } = await scene();
    ctx.ghosts.markJoined(PORTAL, BOB);
    const calls = await run(tagmsg("Bob", { "+typing": "active" }), tagmsg("Bob", { "+typing": "paused" }), tagmsg("Bob", { "+typing": "done" }));
    assert.deepEqual(calls, [`typing ${PORTAL} ${BOB} true`, `typing ${PORTAL} ${BOB} false`, `typing ${PORTAL} ${BOB} false`]);
    assert.deepEqual(await run(tagmsg("Alice[m]", { "+typing": "active" })), [], "our own puppet's typing came from Matrix");
    assert.equal(api.calls.some((c) => c.startsWith("join")), false);
  });

  it("REDACT of a known msgid: the event is redacted in each room, as the ghost that sent it", async () => {
    const { run, ctx } = await scene();
    ctx.ghosts.markJoined(PORTAL, BOB);
    ctx.ghosts.markJoined(MAPPED, BOB);
    const calls = await run(redact("Bob", "m1", "oops"));
    assert.deepEqual(calls, [`redact ${PORTAL} ${BOB} $p1`, `redact ${MAPPED} ${BOB} $q1`]);
  });

  it("REDACT of a Matrix user's message (by an IRC operator), or of a ghost no longer in the room: the bot redacts", async () => {
    const { run, ctx } = await ircScene();
    ctx.messages.record({ roomId: PORTAL, eventId: "$mine", msgid: "a1", sender: "@alice:example.org", nick: "Alice[m]", text: "x" });
    ctx.messages.record({ roomId: PORTAL, eventId: "$gone", msgid: "b1", nick: "Carol", text: "y" });
    const calls = await run(redact("Op", "a1"), redact("Op", "b1"));
    assert.deepEqual(calls, [`redact ${PORTAL} @ircbot:example.org $mine`, `redact ${PORTAL} @ircbot:example.org $gone`]);
  });

  it("REDACT of an unknown msgid, or from our own puppet (a Matrix redaction going out), does nothing", async () => {
    const { run } = await scene();
    assert.deepEqual(await run(redact("Bob", "unknown"), redact("Alice[m]", "m1")), []);
  });

  it("a REDACT of a bridged reaction removes the reaction", async () => {
    const { api, run, ctx } = await scene();
    ctx.ghosts.markJoined(PORTAL, BOB);
    await run(tagmsg("Bob", { "+draft/react": "👍", "+draft/reply": "m1", msgid: "r1" }));
    const reaction = ctx.messages.byMsgid(PORTAL, "r1");
    assert.ok(reaction);
    const calls = await run(redact("Bob", "r1"));
    assert.ok(calls.includes(`redact ${PORTAL} ${BOB} ${reaction.eventId}`), calls.join("\n"));
    assert.ok(api.sent.length > 0);
  });
});
