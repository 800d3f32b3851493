import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AnsweringIrcServer } from "../support/answeringIrcServer";
import { ALICE, channelScene, text } from "../support/channelScene";

const A = "!a:example.org";
const B = "!b:example.org";
const C = "!c:example.org";
const ELSEWHERE = "!elsewhere:example.org";
const ME = "@irc_me:example.org";

/** Waits (real time) until `ok` holds. */
async function until(ok: () => boolean, what: string | (() => string)): Promise<void> {
  const end = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A server that echoes every PRIVMSG as the client's own ("me"), with a msgid per line. */
async function echoingServer() {
  let n = 0;
  return AnsweringIrcServer.start("echo-message message-tags", (command, target, said) => [`@msgid=m${++n} :me!me@host ${command} ${target} :${said}`]);
}

type Scene = Awaited<ReturnType<typeof channelScene>>;
type Server = Awaited<ReturnType<typeof echoingServer>>;

/** A story in a scene whose rooms are bridged as given, against the echoing server; both are closed after it. */
async function inScene(rooms: Parameters<typeof channelScene>[0]["rooms"], story: (s: Scene, server: Server) => Promise<void>): Promise<void> {
  const server = await echoingServer();
  const s = await channelScene({ ircPort: server.port, rooms });
  try {
    await story(s, server);
  } finally {
    void s.puppets.closeAll("test over");
    await server.close();
  }
}

describe("every bridged room of a channel sees every message", () => {
  it("a message in room A reaches IRC once and room B once, as the ghost of the sender's nick; A never gets it back; a retried transaction adds nothing", async () => {
    await inScene(
      [
        { roomId: A, channel: "#chan", folded: "#chan", origin: "portal" },
        { roomId: B, channel: "#Chan", folded: "#chan", origin: "mapped" },
        { roomId: ELSEWHERE, channel: "#other", folded: "#other", origin: "mapped" },
      ],
      async (s, server) => {
        const event = text(ALICE, "hello both rooms", A, "$origin1");
        await s.route(event);
        await until(() => s.api.sent.length > 0, "the copy in B");
        await s.settle();
        assert.deepEqual(
          server.lines.filter((l) => l.startsWith("PRIVMSG")),
          ["PRIVMSG #chan :hello both rooms"],
        );
        assert.deepEqual(
          s.api.sent.map((e) => [e.roomId, e.as, e.type, e.content.msgtype, e.content.body]),
          [[B, ME, "m.room.message", "m.text", "hello both rooms"]],
          "B once, from the ghost of the puppet's nick; nothing in A or in another channel's room",
        );
        assert.ok(s.api.calls.includes(`join ${B} ${ME}`), "the ghost joined B first");
        const copy = s.api.sent[0];
        assert.match(copy?.txnId ?? "", /^mx\.[0-9a-f]{24}\.!b:example\.org$/);
        assert.equal(s.messages.byMsgid(B, "m1")?.eventId, "$event1", "logged in B with its msgid and B's event");
        assert.equal(s.messages.byEvent(A, "$origin1")?.msgid, "m1", "and in A as the original");
        assert.equal(s.messages.byMsgid(A, "m1")?.eventId, "$origin1", "A's log holds only A's event");

        // The homeserver retries the transaction: the event is not sent again, nor copied again.
        await s.route(event);
        await s.settle();
        assert.equal(server.lines.filter((l) => l.startsWith("PRIVMSG")).length, 1);
        assert.equal(s.api.sent.length, 1);

        // A copy of the same message queued again (a replayed outbox entry) uses the same transaction id.
        const entry = { eventId: "$origin1", roomId: A, sender: ALICE, kind: "privmsg" as const, body: "hello both rooms", seq: 1 };
        s.ctx.echoToOtherRooms(entry, "me", "hello both rooms", "m1");
        await s.settle();
        assert.deepEqual(new Set(s.api.sent.map((e) => e.txnId)).size, 1, "the homeserver sees one transaction id");
      },
    );
  });

  it("with three rooms, each of the two others gets it once, in the order IRC confirmed the messages; a room with one bridged room gets no copy", async () => {
    await inScene(
      [
        { roomId: A, channel: "#chan", folded: "#chan", origin: "portal" },
        { roomId: B, channel: "#chan", folded: "#chan", origin: "mapped" },
        { roomId: C, channel: "#chan", folded: "#chan", origin: "linked" },
        { roomId: ELSEWHERE, channel: "#other", folded: "#other", origin: "mapped" },
      ],
      async (s, server) => {
        await s.route(text(ALICE, "one", A), text(ALICE, "two", B), text(ALICE, "alone", ELSEWHERE));
        await until(() => s.api.sent.length >= 4, () => `four copies: ${JSON.stringify(s.api.sent.map((e) => [e.roomId, e.content.body]))} ${JSON.stringify(server.lines)}`);
        await s.settle();
        const seen = (room: string) => s.api.sent.filter((e) => e.roomId === room).map((e) => e.content.body);
        assert.deepEqual(seen(A), ["two"]);
        assert.deepEqual(seen(B), ["one"]);
        assert.deepEqual(seen(C), ["one", "two"]);
        assert.deepEqual(seen(ELSEWHERE), []);
        assert.equal(server.lines.filter((l) => l.startsWith("PRIVMSG")).length, 3);
      },
    );
  });

  it("an emote and a notice keep their kind in the other room", async () => {
    await inScene(
      [
        { roomId: A, channel: "#chan", folded: "#chan", origin: "portal" },
        { roomId: B, channel: "#chan", folded: "#chan", origin: "mapped" },
      ],
      async (s) => {
        const emote = { ...text(ALICE, "waves", A), content: { msgtype: "m.emote", body: "waves" } };
        const notice = { ...text(ALICE, "fyi", A), content: { msgtype: "m.notice", body: "fyi" } };
        await s.route(emote, notice);
        await until(() => s.api.sent.length >= 2, "two copies");
        assert.deepEqual(
          s.api.sent.map((e) => [e.content.msgtype, e.content.body]),
          [
            ["m.emote", "waves"],
            ["m.notice", "fyi"],
          ],
        );
      },
    );
  });

  it("an edit reaches the other room as IRC saw it (one s/old/new/ line), and an edit IRC never saw reaches it not at all", async () => {
    await inScene(
      [
        { roomId: A, channel: "#chan", folded: "#chan", origin: "portal" },
        { roomId: B, channel: "#chan", folded: "#chan", origin: "mapped" },
      ],
      async (s, server) => {
        const edit = (body: string, of: string) => ({
          ...text(ALICE, `* ${body}`, A),
          content: { msgtype: "m.text", body: `* ${body}`, "m.new_content": { msgtype: "m.text", body }, "m.relates_to": { rel_type: "m.replace", event_id: of } },
        });
        await s.route(text(ALICE, "the cat sat", A, "$orig"));
        await until(() => s.api.sent.length >= 1, "the first copy");
        await s.route(edit("the dog sat", "$orig"), edit("the dog sat", "$orig"), text(ALICE, "marker", A));
        await until(() => s.api.sent.some((e) => e.content.body === "marker"), "the marker's copy");
        await s.settle();
        assert.deepEqual(
          server.lines.filter((l) => l.startsWith("PRIVMSG")),
          ["PRIVMSG #chan :the cat sat", "PRIVMSG #chan s/cat/dog/", "PRIVMSG #chan marker"],
        );
        assert.deepEqual(
          s.api.sent.map((e) => e.content.body),
          ["the cat sat", "s/cat/dog/", "marker"],
          "B sees what IRC saw: the correction, not a second unmarked copy, and nothing for the unchanged edit",
        );
      },
    );
  });
});

describe("a Matrix message awaiting its echo", () => {
  it("is no longer awaited by lookups in its room once its echo is logged (the wait is released)", async () => {
    await inScene([{ roomId: A, channel: "#chan", folded: "#chan", origin: "portal" }], async (s) => {
      await s.route(text(ALICE, "on its way", A, "$echo1"));
      await until(() => s.messages.byMsgid(A, "m1") !== undefined, "the echo logged");
      assert.equal((await s.messages.whenEchoed(A, "m1", 5000))?.eventId, "$echo1");
      // After the echo, nothing is awaited in the room: an unknown msgid answers at once, not after 5 s.
      const started = Date.now();
      assert.equal(await s.messages.whenEchoed(A, "never", 5000), undefined);
      assert.ok(Date.now() - started < 1000, "no echo is awaited any more in the room");
    });
  });
});
