import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { parsePendingSend, type PendingSend } from "../../src/rooms/pendingSends";
import { ALICE, CAROL, DM, T, member, pmScene, until } from "../support/pmScene";

const BOB = "@irc_bob:example.org";
const ROOM = "!created1:example.org";

describe("private messages, IRC -> Matrix", () => {
  it("the first messages make one room, once, even when three arrive at once; all are posted there in order", async () => {
    const s = await pmScene();
    s.fromIrc("Bob", "one", { tags: { msgid: "m1" } });
    s.fromIrc("Bob", "\x02two\x02", { kind: "action", time: T + 1 });
    s.fromIrc("bob", "three", { kind: "notice", time: T + 2 });
    await s.settle();
    assert.equal(s.api.created.length, 1);
    assert.deepEqual(s.api.created[0], {
      preset: "trusted_private_chat",
      visibility: "private",
      is_direct: true,
      invite: [ALICE],
      name: "Bob",
      topic: "Private messages with Bob on TestNet (IRC)",
    });
    assert.ok(s.api.calls.indexOf(`register irc_bob`) < s.api.calls.indexOf(`createRoom ${BOB} ${ROOM}`), "the ghost exists before it creates the room");
    assert.deepEqual(
      s.api.sent.map((e) => [e.roomId, e.as, e.content, e.ts]),
      [
        [ROOM, BOB, { msgtype: "m.text", body: "one" }, T],
        [ROOM, BOB, { msgtype: "m.emote", body: "two", format: "org.matrix.custom.html", formatted_body: "<strong>two</strong>" }, T + 1],
        [ROOM, BOB, { msgtype: "m.notice", body: "three" }, T + 2],
      ],
    );
    const ids = s.api.sent.map((e) => e.txnId);
    assert.equal(new Set(ids).size, 3);
    ids.forEach((id) => assert.match(id, /^irc\.pm\.[0-9a-f]{24}$/));
    const record = s.index.room(ROOM);
    assert.deepEqual(record && [record.userId, record.nick, record.folded, record.createdAt], [ALICE, "Bob", "bob", 0]);
    assert.deepEqual(s.givenUp, []);
  });

  it("the same message again (same msgid) gets the same transaction id, so the homeserver posts it once", async () => {
    const first = await pmScene();
    const second = await pmScene();
    first.fromIrc("Bob", "hi", { tags: { msgid: "m1" } });
    second.fromIrc("Bob", "hi again", { tags: { msgid: "m1" } });
    await first.settle();
    await second.settle();
    assert.equal(first.api.sent[0]?.txnId, second.api.sent[0]?.txnId);
  });

  it("later messages reuse the room; a user who left is invited back to the same room by the next message", async () => {
    const s = await pmScene();
    s.fromIrc("Bob", "one");
    await s.settle();
    s.fromIrc("Bob", "two", { time: T + 1 });
    await s.settle();
    assert.equal(s.api.created.length, 1);
    assert.ok(!s.api.calls.some((c) => c.startsWith("invite ")), "the user is invited by the creation, not again");
    await s.route(member(ALICE, "leave", ALICE, ROOM));
    s.fromIrc("Bob", "three", { time: T + 2 });
    s.fromIrc("Bob", "four", { time: T + 3 });
    await s.settle();
    const calls = s.api.callsIn(ROOM);
    const inviteAt = calls.indexOf(`invite ${ROOM} ${BOB} ${ALICE}`);
    assert.ok(inviteAt >= 0, "invited back");
    assert.equal(calls.filter((c) => c.startsWith("invite ")).length, 1, "once");
    assert.ok(inviteAt < calls.lastIndexOf(`send ${ROOM} ${BOB} m.room.message`) - 1, "before the message is posted");
    assert.equal(s.api.created.length, 1, "no new room");
    assert.deepEqual(s.api.sent.map((e) => e.content.body), ["one", "two", "three", "four"]);
  });

  it("after a restart the user's membership is asked once: invited back only if they left", async () => {
    for (const [membership, invited] of [["leave", true], ["join", false]] as const) {
      const s = await pmScene();
      await s.index.put({ roomId: "!old:example.org", network: "testnet", userId: ALICE, nick: "Bob", folded: "bob", createdAt: 5 }).written;
      s.api.given("!old:example.org", "m.room.member", { membership }, ALICE);
      s.fromIrc("Bob", "hello");
      s.fromIrc("Bob", "again", { time: T + 1 });
      await s.settle();
      assert.equal(s.api.calls.filter((c) => c.startsWith("getState ")).length, 1);
      assert.equal(s.api.calls.includes(`invite !old:example.org ${BOB} ${ALICE}`), invited, membership);
      assert.deepEqual(s.api.sent.map((e) => e.roomId), ["!old:example.org", "!old:example.org"]);
    }
  });

  it("a room the ghost was removed from is given up: the conversation gets a new room", async () => {
    const s = await pmScene();
    await s.index.put({ roomId: "!old:example.org", network: "testnet", userId: ALICE, nick: "Bob", folded: "bob", createdAt: 5 }).written;
    await s.route(member(BOB, "leave", ALICE, "!old:example.org"));
    assert.equal(s.index.room("!old:example.org"), undefined);
    s.fromIrc("Bob", "hello");
    await s.settle();
    assert.deepEqual(s.api.sent.map((e) => e.roomId), [ROOM]);
    assert.equal(s.index.find("testnet", ALICE, "bob")?.roomId, ROOM);
  });

  it("a room the ghost cannot see into any more (after a restart) is replaced by a new one", async () => {
    const s = await pmScene();
    await s.index.put({ roomId: "!old:example.org", network: "testnet", userId: ALICE, nick: "Bob", folded: "bob", createdAt: 5 }).written;
    s.api.failures.set("getState", new MatrixApiError(403, "M_FORBIDDEN", "not in room"));
    s.fromIrc("Bob", "hello");
    await s.settle();
    assert.deepEqual(s.api.sent.map((e) => [e.roomId, e.content.body]), [[ROOM, "hello"]]);
  });

  it("a room the ghost may not post in any more (403) is replaced by a new one; another refusal is not", async () => {
    const s = await pmScene();
    await s.index.put({ roomId: "!old:example.org", network: "testnet", userId: ALICE, nick: "Bob", folded: "bob", createdAt: 5 }).written;
    s.api.given("!old:example.org", "m.room.member", { membership: "join" }, ALICE);
    s.api.failures.set("send !old:example.org", new MatrixApiError(403, "M_FORBIDDEN", "not in room"));
    s.fromIrc("Bob", "hello");
    await s.settle();
    assert.deepEqual(s.api.sent.map((e) => [e.roomId, e.content.body]), [[ROOM, "hello"]]);
    s.api.failures.set(`send ${ROOM}`, new MatrixApiError(400, "M_TOO_LARGE", "too large"));
    s.fromIrc("Bob", "huge", { time: T + 1 });
    // Refused for good twice (the queue retries once after 500 ms of the fake clock), then given up.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r));
      s.clock.advance(500);
    }
    await s.settle();
    assert.equal(s.api.created.length, 1, "a message refused for itself does not move the conversation");
    assert.equal(s.index.find("testnet", ALICE, "bob")?.roomId, ROOM);
    assert.equal(s.givenUp.length, 1);
  });

  it("a message from the nick while the user's direct chat with its ghost is being accepted goes to that chat", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    s.ctx.pms.open(DM, ALICE, "testnet", BOB);
    s.fromIrc("Bob", "hi there");
    await s.settle();
    assert.deepEqual(s.api.created, [], "no room of its own");
    assert.deepEqual(s.api.sent.map((e) => [e.roomId, e.content.body]), [[DM, "hi there"]]);
  });

  it("CTCP requests other than ACTION and the user's own echoes are not bridged", async () => {
    const s = await pmScene();
    s.fromIrc("Bob", "\x01VERSION\x01");
    s.fromIrc("Bob", "\x01PING 123");
    s.fromIrc("alice", "my own echo");
    await s.settle();
    assert.deepEqual(s.api.calls, []);
    assert.deepEqual(s.replies, []);
  });

  it("a private message is kept durably with its conversation (it survives a restart as one)", async () => {
    // A real restart: the journal on disk (as app.ts keeps it, the body sealed), written by one bridge
    // whose homeserver cannot take the message, read back by the next one, which posts it.
    const dir = mkdtempSync(join(tmpdir(), "pm-restart-"));
    try {
      const seal = PasswordSeal.fromKey(randomBytes(32));
      const before = await pmScene({ journalDir: dir, seal });
      before.api.failures.set("createRoom", new MatrixApiError(503, "M_UNKNOWN", "homeserver down"));
      before.fromIrc("Bob", "kept across a restart", { tags: { msgid: "r1" } });
      // The room could not be made; its retry waits on the (fake) clock, which never moves: the crash.
      await until(() => before.api.calls.some((c) => c.startsWith("createRoom")), "the attempt to make the room");
      assert.deepEqual(before.api.sent, [], "not posted before the restart");
      assert.equal(before.sends.size, 1);
      assert.ok(!readFileSync(join(dir, "irc-to-matrix.log"), "utf8").includes("kept across a restart"), "the body is sealed on disk");
      const after = await pmScene({ journalDir: dir, seal });
      assert.equal(after.sends.replay(parsePendingSend), 1, "the next run finds it");
      await after.settle();
      assert.deepEqual(
        after.api.sent.map((e) => [e.as, e.content, e.ts]),
        [[BOB, { msgtype: "m.text", body: "kept across a restart" }, T]],
        "posted once by Bob's ghost, with its original time",
      );
      assert.deepEqual(after.api.created.map((c) => c.invite), [[ALICE]], "into a private room with Alice");
      const third = await pmScene({ journalDir: dir, seal });
      assert.equal(third.sends.replay(parsePendingSend), 0, "once posted it is not replayed again");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const send: PendingSend = {
      id: "x",
      roomId: "testnet\0pm\0@alice:example.org\0bob",
      network: "testnet",
      channel: "Bob",
      nick: "Bob",
      ghost: BOB,
      content: { msgtype: "m.text", body: "hi" },
      txnId: "x",
      ts: T,
      msgid: undefined,
      pm: { userId: ALICE },
    };
    assert.deepEqual(parsePendingSend(JSON.parse(JSON.stringify(send))), send);
  });
});

describe("private messages from IRC: spam protection", () => {
  it("requireRegisteredSender: a sender the server says is not logged in opens no room, and is told once", async () => {
    const s = await pmScene({ extra: ", privateMessages: { requireRegisteredSender: true }" });
    s.fromIrc("spammer", "buy now", {}, false);
    s.fromIrc("spammer", "buy now!!", {}, false);
    s.fromIrc("noticer", "a notice", { kind: "notice" }, false);
    await s.settle();
    assert.deepEqual(s.api.calls, [], "no room, no ghost");
    assert.equal(s.replies.length, 1, "one answer for two messages; none to a NOTICE");
    assert.match(s.replies[0] ?? "", /^spammer: \[Matrix bridge\] .*only from users logged in to an account/);
    s.fromIrc("Bob", "registered", {}, true);
    s.fromIrc("Carl", "the server cannot tell", {}, undefined);
    await s.settle();
    assert.equal(s.api.created.length, 2);
    // A room that exists keeps working for a sender who logged out.
    s.fromIrc("Bob", "logged out now", { time: T + 1 }, false);
    await s.settle();
    assert.deepEqual(s.api.sent.map((e) => e.content.body), ["registered", "the server cannot tell", "logged out now"]);
  });

  it("maxNewRoomsPerHour: senders beyond the limit are refused until the hour has passed; admitted ones keep going", async () => {
    const s = await pmScene({ extra: ", privateMessages: { maxNewRoomsPerHour: 2 }" });
    s.fromIrc("a", "1");
    s.fromIrc("b", "1");
    s.fromIrc("c", "1");
    await s.settle();
    assert.equal(s.api.created.length, 2);
    assert.deepEqual(s.replies.map((r) => r.split(":")[0]), ["c"]);
    assert.match(s.replies[0] ?? "", /too many new private conversations/);
    s.fromIrc("a", "2", { time: T + 1 });
    await s.settle();
    assert.deepEqual(s.api.sent.map((e) => e.content.body), ["1", "1", "2"]);
    s.clock.advance(3600000);
    s.fromIrc("c", "2", { time: T + 2 });
    await s.settle();
    assert.equal(s.api.created.length, 3, "an hour later c may open one");
    // Other users have their own count.
    s.fromIrc("d", "1", {}, undefined, CAROL);
    await s.settle();
    assert.equal(s.api.created.length, 4);
  });

  it("private messages off: nothing is bridged, the sender is told once", async () => {
    const s = await pmScene({ extra: ", privateMessages: { enabled: false }" });
    s.fromIrc("Bob", "hi");
    s.fromIrc("Bob", "hello?");
    await s.settle();
    assert.deepEqual(s.api.calls, []);
    assert.deepEqual(s.replies, ["Bob: [Matrix bridge] Private messages are not bridged to Matrix here, so this user cannot read yours."]);
  });

  it("answers are rate-limited per user, so a wave of spammers cannot make the connection flood", async () => {
    const s = await pmScene({ extra: ", privateMessages: { maxNewRoomsPerHour: 0 }" });
    for (let i = 0; i < 30; i++) s.fromIrc(`spam${i}`, "x");
    await s.settle();
    assert.equal(s.replies.length, 10);
    assert.deepEqual(s.api.calls, []);
  });
});
