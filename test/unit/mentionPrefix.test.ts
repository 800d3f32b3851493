import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mentionedUsers, withMentionPrefix } from "../../src/format/mentionPrefix";
import { ircMessageOf } from "../../src/fromMatrix/ircMessage";
import type { MatrixEvent } from "../../src/matrix/events";

const nickOf: Record<string, string> = {
  "@bob:example.org": "bob[m]",
  "@carol:example.org": "Carol",
  "@dan:example.org": "dan",
  "@erin:example.org": "erin",
  "@me:example.org": "me[m]",
};
const nicks = { nickOfUser: (userId: string) => nickOf[userId] };
const ME = "@me:example.org";

describe("withMentionPrefix: m.mentions users IRC would not see addressed", () => {
  it("a mentioned user not named in the text is addressed in front of it, by nick", () => {
    assert.equal(withMentionPrefix("hi", ["@bob:example.org"], ME, nicks), "bob[m]: hi");
    assert.equal(withMentionPrefix("hi", ["@bob:example.org", "@carol:example.org"], ME, nicks), "bob[m], Carol: hi");
  });

  it("nobody is added twice: named in the text (any case), listed twice, or the sender", () => {
    assert.equal(withMentionPrefix("BOB{M}: hi", ["@bob:example.org"], ME, nicks), "BOB{M}: hi");
    assert.equal(withMentionPrefix("thanks carol!", ["@carol:example.org"], ME, nicks), "thanks carol!");
    assert.equal(withMentionPrefix("hi", ["@bob:example.org", "@bob:example.org"], ME, nicks), "bob[m]: hi");
    assert.equal(withMentionPrefix("hi", [ME], ME, nicks), "hi");
    assert.equal(withMentionPrefix("a bob[m]x b", ["@bob:example.org"], ME, nicks), "bob[m]: a bob[m]x b", "a longer word is not the nick");
  });

  it("users without a nick on the network are left out; more than 3 to add is a mass mention: none", () => {
    assert.equal(withMentionPrefix("hi", ["@stranger:elsewhere.org"], ME, nicks), "hi");
    const four = ["@bob:example.org", "@carol:example.org", "@dan:example.org", "@erin:example.org"];
    assert.equal(withMentionPrefix("hi all", four, ME, nicks), "hi all");
    assert.equal(withMentionPrefix("hi all", four.slice(0, 3), ME, nicks), "bob[m], Carol, dan: hi all");
  });

  it("mentionedUsers reads m.mentions.user_ids, nothing else", () => {
    assert.deepEqual(mentionedUsers({ user_ids: ["@a:x", 3, "@b:x"] }), ["@a:x", "@b:x"]);
    assert.deepEqual(mentionedUsers({ room: true }), []);
    assert.deepEqual(mentionedUsers(["@a:x"]), []);
    assert.deepEqual(mentionedUsers(undefined), []);
  });
});

describe("ircMessageOf: mentions from Matrix", () => {
  const event = (content: Record<string, unknown>): MatrixEvent => ({ type: "m.room.message", room_id: "!r:example.org", sender: ME, content });
  it("a pill becomes the nick, never the display name, and is not prefixed again", () => {
    const message = ircMessageOf(
      event({ msgtype: "m.text", body: "Bobby Display: hi", format: "org.matrix.custom.html", formatted_body: '<a href="https://matrix.to/#/@bob:example.org">Bobby Display</a>: hi', "m.mentions": { user_ids: ["@bob:example.org"] } }),
      nicks,
    );
    assert.deepEqual(message, { kind: "privmsg", body: "bob[m]: hi" });
  });

  it("m.mentions without a pill: addressed; @room: nothing; a reply, an edit or an emote: not prefixed here", () => {
    assert.deepEqual(ircMessageOf(event({ msgtype: "m.text", body: "look", "m.mentions": { user_ids: ["@carol:example.org"] } }), nicks), { kind: "privmsg", body: "Carol: look" });
    assert.deepEqual(ircMessageOf(event({ msgtype: "m.notice", body: "look", "m.mentions": { user_ids: ["@carol:example.org"] } }), nicks), { kind: "notice", body: "Carol: look" });
    assert.deepEqual(ircMessageOf(event({ msgtype: "m.text", body: "@room: lunch", "m.mentions": { room: true } }), nicks), { kind: "privmsg", body: "@room: lunch" });
    const reply = event({ msgtype: "m.text", body: "yes", "m.mentions": { user_ids: ["@carol:example.org"] }, "m.relates_to": { "m.in_reply_to": { event_id: "$q" } } });
    assert.deepEqual(ircMessageOf(reply, nicks), { kind: "privmsg", body: "yes", replyTo: "$q" });
    const edit = event({ msgtype: "m.text", body: "* yes", "m.new_content": { msgtype: "m.text", body: "yes", "m.mentions": { user_ids: ["@carol:example.org"] } }, "m.relates_to": { rel_type: "m.replace", event_id: "$e" } });
    assert.deepEqual(ircMessageOf(edit, nicks), { kind: "privmsg", body: "yes", replaces: "$e" });
    assert.deepEqual(ircMessageOf(event({ msgtype: "m.emote", body: "waves", "m.mentions": { user_ids: ["@carol:example.org"] } }), nicks), { kind: "action", body: "waves" });
  });
});
