import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ircMessageOf as messageOf } from "../../src/fromMatrix/ircMessage";
import type { MatrixEvent } from "../../src/matrix/events";
import { NO_NICKS } from "../../src/format/nickDirectory";

const ircMessageOf = (event: MatrixEvent) => messageOf(event, NO_NICKS);

const message = (content: Record<string, unknown>): MatrixEvent => ({ type: "m.room.message", room_id: "!r:example.org", sender: "@a:example.org", content });
const reply = (body: string, msgtype = "m.text") => message({ msgtype, body, "m.relates_to": { "m.in_reply_to": { event_id: "$q" } } });

describe("ircMessageOf: what a Matrix message says on IRC", () => {
  it("m.text, m.notice and m.emote become PRIVMSG, NOTICE and ACTION, the body as written", () => {
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.text", body: "hello" })), { kind: "privmsg", body: "hello" });
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.notice", body: "beep" })), { kind: "notice", body: "beep" });
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.emote", body: "waves" })), { kind: "action", body: "waves" });
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.text", body: "two\nlines" })), { kind: "privmsg", body: "two\nlines" });
  });

  it("a reply loses its quoted fallback (every quoted line and the blank line after it), and keeps the answer whole", () => {
    assert.deepEqual(ircMessageOf(reply("> <@x:example.org> quoted\n\nanswer")), { kind: "privmsg", body: "answer", replyTo: "$q" });
    assert.deepEqual(ircMessageOf(reply("> <@x:example.org> line one\n> line two\n\nanswer")), { kind: "privmsg", body: "answer", replyTo: "$q" });
    assert.deepEqual(ircMessageOf(reply("> <@x:example.org> quoted\nanswer")), { kind: "privmsg", body: "answer", replyTo: "$q" }, "no blank line after the quote");
    assert.deepEqual(ircMessageOf(reply("> <@x:example.org> q\n\nfirst\n> a quote of my own\nlast")), { kind: "privmsg", body: "first\n> a quote of my own\nlast", replyTo: "$q" }, "quotes inside the answer stay");
    assert.deepEqual(ircMessageOf(reply("> <@x:example.org> q\n\nshrugs", "m.emote")), { kind: "action", body: "shrugs", replyTo: "$q" });
  });

  it("the fallback is stripped only from replies, and only when it looks like one", () => {
    const body = "> <@x:example.org> quoted\n\nanswer";
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.text", body })), { kind: "privmsg", body }, "not a reply: the text as written");
    assert.deepEqual(ircMessageOf(reply("> a quote I typed\n\nanswer")), { kind: "privmsg", body: "> a quote I typed\n\nanswer", replyTo: "$q" }, "no '> <sender>' fallback: kept");
    const edit = message({ msgtype: "m.text", body, "m.relates_to": { rel_type: "m.replace", event_id: "$e" } });
    assert.deepEqual(ircMessageOf(edit), { kind: "privmsg", body, replaces: "$e" }, "another relation is not a reply");
    const withNew = message({ msgtype: "m.text", body: "* fixed", "m.new_content": { msgtype: "m.text", body: "fixed" }, "m.relates_to": { rel_type: "m.replace", event_id: "$e" } });
    assert.deepEqual(ircMessageOf(withNew), { kind: "privmsg", body: "fixed", replaces: "$e" }, "an edit says its new content");
  });

  it("a reply that is nothing but its fallback sends nothing", () => {
    assert.equal(ircMessageOf(reply("> <@x:example.org> quoted\n\n")), undefined);
    assert.equal(ircMessageOf(reply("> <@x:example.org> quoted")), undefined);
  });

  it("a file, image, video or audio becomes an ACTION naming it, with a link IRC users can open (never the mxc:// URI)", () => {
    const links = (mxc: string, name: string) => `https://bridge.test/${mxc.slice("mxc://".length)}/${name}`;
    const words = { "m.image": "an image", "m.file": "a file", "m.video": "a video", "m.audio": "an audio file" };
    for (const [msgtype, what] of Object.entries(words)) {
      assert.deepEqual(messageOf(message({ msgtype, body: "cat.png", url: "mxc://example.org/abc" }), NO_NICKS, links), { kind: "action", body: `sent ${what}: cat.png https://bridge.test/example.org/abc/cat.png` }, msgtype);
      assert.deepEqual(ircMessageOf(message({ msgtype, body: "cat.png", url: "mxc://example.org/abc" })), { kind: "action", body: `sent ${what}: cat.png` }, `${msgtype} without a link maker: the name alone`);
    }
    const sized = message({ msgtype: "m.image", body: "cat.png", url: "mxc://example.org/abc", info: { size: 12 * 1024 + 100, mimetype: "image/png" } });
    assert.deepEqual(messageOf(sized, NO_NICKS, links), { kind: "action", body: "sent an image: cat.png (12 KiB) https://bridge.test/example.org/abc/cat.png" }, "the size when the event says it");
    const captioned = message({ msgtype: "m.image", body: "look at him", filename: "cat.png", url: "mxc://example.org/abc" });
    assert.deepEqual(messageOf(captioned, NO_NICKS, links), { kind: "action", body: "sent an image: cat.png https://bridge.test/example.org/abc/cat.png\nlook at him" }, "a caption follows");
    assert.deepEqual(messageOf(message({ msgtype: "m.file", body: "notes.txt", url: "mxc://bad" }), NO_NICKS, () => undefined), { kind: "action", body: "sent a file: notes.txt" }, "no link made: the name alone");
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.file", body: "notes.txt" })), { kind: "action", body: "sent a file: notes.txt" }, "no URL: the name alone");
    assert.deepEqual(ircMessageOf(message({ msgtype: "m.file", body: "notes.txt", url: 42 })), { kind: "action", body: "sent a file: notes.txt" }, "a URL that is not a string is left out");
    const encrypted = message({ msgtype: "m.image", body: "secret.png", file: { url: "mxc://example.org/enc", key: {}, iv: "", hashes: {}, v: "v2" } });
    assert.deepEqual(messageOf(encrypted, NO_NICKS, links), { kind: "action", body: "sent an image: secret.png (encrypted: the bridge cannot show it on IRC)" }, "an encrypted file is said to be one, with no link");
  });

  it("what IRC cannot carry sends nothing: other msgtypes, no msgtype, empty or blank bodies, a body that is not text", () => {
    for (const content of [
      { msgtype: "m.location", body: "here", geo_uri: "geo:0,0" },
      { msgtype: "m.key.verification.request", body: "verify" },
      { body: "no msgtype" },
      { msgtype: "m.text", body: "" },
      { msgtype: "m.text", body: "  \n " },
      { msgtype: "m.notice" },
      { msgtype: "m.text", body: ["not", "text"] },
    ]) {
      assert.equal(ircMessageOf(message(content)), undefined, JSON.stringify(content));
    }
  });
});
