/**
 * Mention stories on Ergo, against the real Synapse: an IRC user addressing a Matrix user's puppet
 * by its nick mentions that Matrix user (m.mentions and a pill); a Matrix user who pills another
 * (whose display name is not their nick) is read on IRC as addressing that user's puppet nick,
 * never the display name; an m.mentions user not named in the text is addressed "nick: "; a pill
 * of an IRC user's ghost becomes their nick as written; @room stays plain text.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

let txn = 0;
async function send(user: TestUser, roomId: string, content: Record<string, unknown>): Promise<void> {
  const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/mention${Date.now()}.${txn++}`, user.token, content);
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const pill = (userId: string, text: string) => `<a href="https://matrix.to/#/${userId}">${text}</a>`;

describe("mentions both ways (Ergo)", () => {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("ment")}`;
  let carol: TestIrcClient;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let aliceNick: string;
  let bobNick: string;
  const bobDisplay = `Bobby Display ${uniqueName("d").slice(-5)}`;
  /** The PRIVMSG texts carol received in the channel from `nick`, from line `from` on. */
  const heardFrom = (nick: string, from: number) =>
    carol.lines
      .slice(from)
      .map((l) => new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ PRIVMSG ${escape(channel)} :(.*)$`, "i").exec(l)?.[1])
      .filter((t): t is string => t !== undefined);

  before(async () => {
    await bridge.start();
    // Mixed case: a ghost id is lower case, the nick as written is what IRC should get back.
    carol = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, `Carol${uniqueName("").slice(-7)}`);
    await carol.waitOnline(bridge.botNick);
    await carol.join(channel);
    alice = await registerUser(uniqueName("malice"));
    aliceNick = puppetNick(alice);
    roomId = await joinRoom(alice, bridge.alias(channel));
    await carol.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000);
    bob = await registerUser(uniqueName("mbob"));
    const named = await csApi("PUT", `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}/displayname`, bob.token, { displayname: bobDisplay });
    assert.equal(named.status, 200);
    const from = carol.lines.length;
    await joinRoom(bob, roomId);
    const join = await carol.waitFor(new RegExp(`^(?:@\\S+ )?:(BobbyDisplay\\S*)!\\S+ JOIN :?${escape(channel)}`, "i"), 20000, from);
    bobNick = /:(BobbyDisplay[^!]*)!/i.exec(join)?.[1] ?? assert.fail(join);
  });

  after(async () => {
    await carol.quit();
    await bridge.dispose();
  });

  it("an IRC user addresses a Matrix user's puppet: the Matrix user is mentioned (m.mentions, a pill)", async () => {
    const text = `${aliceNick}: are you there? ${uniqueName("q")}`;
    carol.say(channel, text);
    const ghost = bridge.ghost(carol.nick);
    const event = await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.body === text), 20000, "carol's line in Matrix");
    assert.deepEqual(event.content["m.mentions"], { user_ids: [alice.userId] });
    const html = String(event.content.formatted_body);
    assert.equal(event.content.format, "org.matrix.custom.html");
    assert.ok(decodeURIComponent(html).includes(`https://matrix.to/#/${alice.userId}`), html);
  });

  it("a Matrix pill of a user with a display name reaches IRC as their puppet's nick, never the display name", async () => {
    assert.notEqual(bobNick, bobDisplay);
    const from = carol.lines.length;
    await send(alice, roomId, {
      msgtype: "m.text",
      body: `${bobDisplay}: hi there`,
      format: "org.matrix.custom.html",
      formatted_body: `${pill(bob.userId, bobDisplay)}: hi there`,
      "m.mentions": { user_ids: [bob.userId] },
    });
    await carol.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ PRIVMSG ${escape(channel)} :`, "i"), 20000, from);
    assert.deepEqual(heardFrom(aliceNick, from), [`${bobNick}: hi there`]);
    assert.equal(carol.lines.slice(from).some((l) => l.includes(bobDisplay)), false, "the display name never reaches IRC");
  });

  it("m.mentions users not named in the text are addressed on IRC; a pill of an IRC user is their nick as written; @room stays text", async () => {
    const from = carol.lines.length;
    await send(alice, roomId, { msgtype: "m.text", body: "are you around?", "m.mentions": { user_ids: [bob.userId] } });
    await send(alice, roomId, {
      msgtype: "m.text",
      body: `${carol.nick.toLowerCase()}: welcome`,
      format: "org.matrix.custom.html",
      formatted_body: `${pill(bridge.ghost(carol.nick), carol.nick.toLowerCase())}: welcome`,
      "m.mentions": { user_ids: [bridge.ghost(carol.nick)] },
    });
    await send(alice, roomId, { msgtype: "m.text", body: "@room lunch!", "m.mentions": { room: true } });
    await carol.waitFor(/PRIVMSG \S+ :@room lunch!$/, 20000, from);
    assert.deepEqual(heardFrom(aliceNick, from), [`${bobNick}: are you around?`, `${carol.nick}: welcome`, "@room lunch!"]);
  });
});
