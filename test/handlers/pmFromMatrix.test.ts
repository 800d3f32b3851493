import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { AnsweringIrcServer } from "../support/answeringIrcServer";
import { ALICE, CAROL, DM, invite, member, pmScene, text, until } from "../support/pmScene";

const BOB = "@irc_bob:example.org";

/** Room history as the homeserver returns it (newest first) for a direct chat opened the Element way. */
function openedHistory() {
  return [
    { ...text(ALICE, "after the join"), event_id: "$after" },
    member(BOB, "join"),
    { ...text(ALICE, "second"), event_id: "$second" },
    { ...text(BOB, "from the ghost?"), event_id: "$ghostsays" },
    { ...text(ALICE, "first"), event_id: "$first" },
    member(BOB, "invite", ALICE),
    { ...text(ALICE, "before the invite"), event_id: "$before" },
  ];
}

describe("private messages, Matrix -> IRC", () => {
  it("a ghost invited to a direct chat accepts it, records it, and takes the nick as written from its displayname", async () => {
    const s = await pmScene();
    s.api.displaynames.set(BOB, "Bob");
    s.api.members.set(DM, [ALICE, BOB]);
    await s.route(invite(BOB));
    assert.deepEqual(s.api.callsIn(DM).slice(0, 3), [`join ${DM} ${BOB}`, `joinedMembers ${DM} ${BOB}`, `getState ${DM} ${BOB} m.room.encryption `]);
    const record = s.index.room(DM);
    assert.deepEqual(record && [record.userId, record.network, record.nick, record.folded], [ALICE, "testnet", "Bob", "bob"]);
    assert.equal(s.index.find("testnet", ALICE, "bob")?.roomId, DM);
    assert.deepEqual(s.api.sent, [], "nothing said: the room is accepted");
  });

  it("what the user wrote before the ghost joined is read back, and what came meanwhile follows it, in order", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    s.api.history.set(DM, openedHistory());
    const live = text(ALICE, "live, while the ghost joins");
    // The invite and a message in one transaction: the message waits for the acceptance.
    await s.route(invite(BOB), live, { ...text(ALICE, "after the join"), event_id: "$after" });
    assert.deepEqual(await s.outbox(), ["privmsg first", "privmsg second", "privmsg live, while the ghost joins", "privmsg after the join"]);
    const alice = s.puppets.get(ALICE);
    assert.deepEqual([alice?.channelNames, alice?.queued], [[], 1], "no channel joined; one line handed over, the rest wait for it");
    assert.equal(s.order.pending(s.key("bob")), 4);
  });

  it("a message in the private room goes to the nick, from the sender's own connection, in order; others' messages do not", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    await s.route(invite(BOB));
    await s.route(text(ALICE, "hello bob"), text(ALICE, "are you there?", DM, "m.emote"), text(CAROL, "I should not be here"));
    assert.deepEqual(await s.outbox(), ["privmsg hello bob", "action are you there?"]);
    assert.equal(s.puppets.get(CAROL), undefined);
    assert.equal(s.order.pending(s.key("bob")), 2);
    assert.deepEqual(s.botNotices, []);
  });

  it("a third person invited into a private chat is removed by the ghost, which says why", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    await s.route(invite(BOB));
    const before = s.api.calls.length;
    await s.route(member(CAROL, "invite", ALICE));
    assert.deepEqual(s.api.calls.slice(before, before + 1), [`kick ${DM} ${BOB} ${CAROL} a private chat with bob on IRC is only for ${ALICE}`]);
    assert.deepEqual(s.api.sent.map((e) => [e.as, e.content.msgtype, e.content.body]), [[BOB, "m.notice", `Only you and bob may be in this private chat, so ${CAROL} was removed.`]]);
    assert.equal(s.index.room(DM)?.userId, ALICE, "still the conversation's room");
  });

  it("a third person the ghost cannot remove: it says so, leaves, and the room is given up", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    await s.route(invite(BOB));
    s.api.failures.set("kick", new MatrixApiError(403, "M_FORBIDDEN", "not allowed"));
    await s.route(member(CAROL, "join"));
    assert.match(String(s.api.sent[0]?.content.body), /could not be removed, so it is no longer bridged/);
    assert.ok(s.api.calls.includes(`leave ${DM} ${BOB}`));
    assert.equal(s.index.room(DM), undefined);
  });

  const declines: [string, (s: Awaited<ReturnType<typeof pmScene>>) => void, string, RegExp][] = [
    ["a room with someone else in it", (s) => s.api.members.set(DM, [ALICE, BOB, CAROL]), "", /only for you and bob, and @carol:example\.org is here too/],
    ["an encrypted room", (s) => s.api.given(DM, "m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }), "", /encrypted/],
    ["a network where private messages are off", () => undefined, ", privateMessages: { enabled: false }", /not bridged on TestNet/],
  ];
  for (const [what, arrange, extra, says] of declines) {
    it(`the ghost declines ${what}: it says why and leaves, and nothing is recorded`, async () => {
      const s = await pmScene({ extra });
      s.api.members.set(DM, [ALICE, BOB]);
      arrange(s);
      await s.route(invite(BOB), text(ALICE, "hi"));
      assert.equal(s.api.sent.length, 1);
      assert.match(String(s.api.sent[0]?.content.body), says);
      assert.equal(s.api.sent[0]?.as, BOB);
      assert.ok(s.api.calls.includes(`leave ${DM} ${BOB}`));
      assert.equal(s.index.room(DM), undefined);
      assert.deepEqual(await s.outbox(), [], "the message that waited is not sent");
    });
  }

  const craftedGhosts: [string, string][] = [
    ["@irc_=23chan:example.org", "#chan"],
    ["@irc_a=2cb:example.org", "a,b"],
    ["@irc_=2a:example.org", "*"],
    ["@irc_=3anick:example.org", ":nick"],
  ];
  for (const [ghost, shown] of craftedGhosts) {
    it(`a direct chat with ${ghost}, which decodes to "${shown}", not one nick: declined with why; nothing reaches IRC`, async () => {
      const s = await pmScene();
      s.api.members.set(DM, [ALICE, ghost]);
      await s.route(invite(ghost), text(ALICE, "hi"));
      assert.equal(s.api.sent.length, 1);
      assert.equal(s.api.sent[0]?.as, ghost);
      const body = String(s.api.sent.at(0)?.content.body);
      assert.ok(body.includes(`goes to one IRC user, and ${ghost} does not stand for an IRC nick: "${shown}" is not a valid nick`), body);
      assert.ok(s.api.calls.includes(`leave ${DM} ${ghost}`));
      assert.equal(s.index.room(DM), undefined);
      assert.deepEqual(await s.outbox(), []);
      assert.equal(s.puppets.get(ALICE), undefined, "no connection was even opened");
    });
  }

  it("a private chat recorded before ids were checked, for a channel: a message is refused there, not sent", async () => {
    const s = await pmScene();
    await s.index.put({ roomId: DM, network: "testnet", userId: ALICE, nick: "#chan", folded: "#chan", createdAt: 0 }).written;
    await s.route(text(ALICE, "to the channel?"));
    await until(() => s.api.sent.length > 0, "the ghost's notice");
    assert.match(String(s.api.sent[0]?.content.body), /not sent to #chan: "#chan" is not a single IRC nick/);
    assert.deepEqual(await s.outbox(), []);
    assert.equal(s.puppets.get(ALICE), undefined, "no connection was even opened");
  });

  it("encryption turned on in a private chat: the ghost says the bridge cannot read it", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    await s.route(invite(BOB));
    await s.route({ type: "m.room.encryption", room_id: DM, sender: ALICE, state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } });
    assert.deepEqual(s.api.sent.map((e) => [e.as, e.content.msgtype]), [[BOB, "m.notice"]]);
    assert.match(String(s.api.sent[0]?.content.body), /encrypted now.*bob will not see/);
  });

  it("a new direct chat with the same nick replaces the old one: the ghost says so there and leaves it", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, BOB]);
    s.api.members.set("!new:example.org", [ALICE, BOB]);
    await s.route(invite(BOB));
    await s.route(invite(BOB, "!new:example.org"));
    assert.equal(s.index.find("testnet", ALICE, "bob")?.roomId, "!new:example.org");
    assert.equal(s.index.room(DM), undefined);
    assert.match(String(s.api.sent.find((e) => e.roomId === DM)?.content.body), /goes on in a newer room/);
    assert.ok(s.api.calls.includes(`leave ${DM} ${BOB}`));
  });

  it("a ghost invited into a room bridged to a channel does nothing there", async () => {
    const s = await pmScene();
    await s.ctx.rooms.add({ roomId: "!portal:example.org", network: "testnet", channel: "#chan", folded: "#chan", origin: "portal" });
    await s.route(invite(BOB, "!portal:example.org"));
    assert.deepEqual(s.api.calls, []);
  });

  it("a message the server refuses is explained in the private room by the ghost, in plain words", async () => {
    const server = await AnsweringIrcServer.start("echo-message", (_command, target) =>
      target === "Bob" ? [":srv 401 alice Bob :No such nick/channel"] : target === "carl" ? [":srv 477 alice carl :You must be registered to send a direct message to this user"] : ["echo"],
    );
    const s = await pmScene({ ircPort: server.port });
    try {
      const CARL = "@irc_carl:example.org";
      s.api.members.set(DM, [ALICE, BOB]);
      s.api.members.set("!carl:example.org", [ALICE, CARL]);
      s.api.displaynames.set(BOB, "Bob");
      await s.route(invite(BOB), invite(CARL, "!carl:example.org"));
      await s.route(text(ALICE, "hi bob"), text(ALICE, "hi carl", "!carl:example.org"));
      const notices = () => s.api.sent.filter((e) => e.content.msgtype === "m.notice").map((e) => `${e.roomId} ${e.as} ${String(e.content.body)}`);
      await until(() => notices().length === 2, "two notices");
      await s.settle();
      assert.deepEqual(notices().sort(), [
        `!carl:example.org ${CARL} Your message was not sent to carl: carl only accepts messages from registered users (logged in to an account on the network).`,
        `${DM} ${BOB} Your message was not sent to Bob: Bob is not online.`,
      ]);
      assert.deepEqual(await s.outbox(), [], "refused messages leave the outbox once the sender was told");
      assert.ok(server.lines.includes("PRIVMSG Bob :hi bob"), "sent to the nick as written");
    } finally {
      void s.puppets.closeAll("test over");
      await server.close();
    }
  });

  it("on a server without echo-message a refusal that comes after the message counted as sent is still told", async () => {
    const server = await AnsweringIrcServer.start("account-tag", (_command, target) => (target === "bob" ? [":srv 401 alice bob :No such nick/channel"] : []));
    const s = await pmScene({ ircPort: server.port });
    try {
      s.api.members.set(DM, [ALICE, BOB]);
      await s.route(invite(BOB));
      await s.route(text(ALICE, "hi bob"));
      const notices = () => s.api.sent.filter((e) => e.content.msgtype === "m.notice").map((e) => `${e.as} ${String(e.content.body)}`);
      await until(() => notices().length === 1, "a notice");
      assert.deepEqual(notices(), [`${BOB} A message to bob was not delivered: bob is not online.`]);
    } finally {
      void s.puppets.closeAll("test over");
      await server.close();
    }
  });
});
