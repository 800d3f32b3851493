import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import type { Tags } from "../../src/irc/events";
import { ALICE, MAPPED, PORTAL, base, ircScene } from "../support/ircScene";

function message(from: string, text: string, tags: Tags = {}): ChannelEvent {
  return { type: "message", channel: "#chan", e: { ...base, kind: "privmsg", from, target: "#chan", text, tags, account: undefined } };
}

describe("IRC -> Matrix replies (+draft/reply)", () => {
  it("a reply becomes m.in_reply_to in the room whose log holds the msgid, mentioning the Matrix user it answers; never another room's event", async () => {
    const { api, run, ctx } = await ircScene();
    // Alice's message reached IRC from the portal room only; the mapped room has another message with another msgid.
    ctx.messages.record({ roomId: PORTAL, eventId: "$alice-in-portal", msgid: "msg-a", nick: "Alice[m]", text: "the cat sat" });
    ctx.messages.record({ roomId: MAPPED, eventId: "$other-in-mapped", msgid: "msg-b", nick: "Carol", text: "other" });
    await run(message("Bob", "it did", { msgid: "r1", "+draft/reply": "msg-a" }));
    const byRoom = new Map(api.sent.map((s) => [s.roomId, s.content]));
    assert.deepEqual(byRoom.get(PORTAL), {
      msgtype: "m.text",
      body: "it did",
      "m.mentions": { user_ids: [ALICE] },
      "m.relates_to": { "m.in_reply_to": { event_id: "$alice-in-portal" } },
    });
    assert.deepEqual(byRoom.get(MAPPED), { msgtype: "m.text", body: "it did", "m.mentions": {} }, "the mapped room never saw msg-a: a plain message there");
  });

  it("a reply to an IRC user's message (a ghost's): m.in_reply_to, nobody mentioned; an unknown msgid: a plain message", async () => {
    const { api, run, ctx } = await ircScene();
    ctx.messages.record({ roomId: MAPPED, eventId: "$carol", msgid: "msg-c", nick: "Carol", text: "hi" });
    await run(message("Bob", "hello Carol", { "+draft/reply": "msg-c" }), message("Bob", "and you?", { "+draft/reply": "msg-unknown" }));
    const mapped = api.sent.filter((s) => s.roomId === MAPPED).map((s) => s.content);
    assert.deepEqual(mapped, [
      { msgtype: "m.text", body: "hello Carol", "m.mentions": {}, "m.relates_to": { "m.in_reply_to": { event_id: "$carol" } } },
      { msgtype: "m.text", body: "and you?", "m.mentions": {} },
    ]);
    assert.ok(
      api.sent.filter((s) => s.roomId === PORTAL).every((s) => !("m.relates_to" in s.content)),
      "the portal room's log has no msg-c: no reply there",
    );
  });
});

describe("IRC -> Matrix replies that arrive before their original is logged", () => {
  it("a reply to a Matrix user's message IRC relayed before echoing it to its sender: delivered once the echo is logged, as a reply mentioning them", async () => {
    const { api, route, queues, ctx } = await ircScene();
    const release = ctx.messages.expectEcho(PORTAL);
    route(message("Bob", "it did", { msgid: "r1", "+draft/reply": "msg-a" }));
    // The echo of Alice's message comes back on her own connection after Bob's reply was relayed.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(api.sent.filter((s) => s.roomId === PORTAL).length, 0, "the reply waits for the echo in its room's queue");
    ctx.messages.record({ roomId: PORTAL, eventId: "$alice", msgid: "msg-a", sender: ALICE, nick: "Alice[m]", text: "the cat sat" });
    release();
    await queues.idle();
    const portal = api.sent.filter((s) => s.roomId === PORTAL).map((s) => s.content);
    assert.deepEqual(portal, [{ msgtype: "m.text", body: "it did", "m.mentions": { user_ids: [ALICE] }, "m.relates_to": { "m.in_reply_to": { event_id: "$alice" } } }]);
  });

  it("a reply to an IRC message still queued for the room when it arrived: m.in_reply_to once that message is delivered, in order", async () => {
    const { api, run, ctx } = await ircScene();
    await run(message("Carol", "first", { msgid: "c1" }), message("Bob", "answer", { msgid: "b1", "+draft/reply": "c1" }));
    const mapped = api.sent.filter((s) => s.roomId === MAPPED);
    assert.deepEqual(
      mapped.map((s) => s.content.body),
      ["first", "answer"],
    );
    const first = ctx.messages.byMsgid(MAPPED, "c1")?.eventId;
    assert.ok(first !== undefined, "Carol's message was delivered and logged");
    assert.deepEqual(mapped[1]?.content["m.relates_to"], { "m.in_reply_to": { event_id: first } });
  });
});
