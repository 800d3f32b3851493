import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withEdit } from "../../src/fromMatrix/outgoing/edit";
import { prepareOutgoing, type Outgoing, type OutgoingDeps } from "../../src/fromMatrix/outgoing/prepare";
import { QUOTE_CHARS, RECENT_MESSAGES, quoteOf, withReply } from "../../src/fromMatrix/outgoing/reply";
import { substitution } from "../../src/fromMatrix/outgoing/substitution";
import type { MatrixEvent } from "../../src/matrix/events";
import { MessageLog } from "../../src/rooms/messageLog";
import type { OutboxEntry } from "../../src/store/store";

const ROOM = "!room:example.org";
const OTHER = "!other:example.org";
const BOB = "@bob:example.org";
const CARL = "@carl:example.org";
const GHOST_DAVE = "@irc_dave:example.org";

/** A fake OutgoingDeps: a real MessageLog, homeserver events given by id, nicks by user. */
function scene(caps: readonly string[] = ["message-tags"]) {
  const messages = new MessageLog();
  const events = new Map<string, MatrixEvent>();
  const fetched: string[] = [];
  const nicks = new Map([
    [BOB, "bob[m]"],
    [CARL, "carl"],
    [GHOST_DAVE, "Dave"],
  ]);
  const deps: OutgoingDeps = {
    messages,
    hasCap: (cap) => caps.includes(cap),
    fetchEvent: (roomId, eventId) => {
      fetched.push(eventId);
      const e = events.get(eventId);
      return Promise.resolve(e?.room_id === roomId ? e : undefined);
    },
    nickOf: (userId) => nicks.get(userId),
    ownNick: "bob[m]",
  };
  /** `count` filler messages logged in the room after whatever is there. */
  let filled = 0;
  const fill = (count: number) => {
    for (let i = 0; i < count; i++) messages.record({ roomId: ROOM, eventId: `$fill${String(++filled)}`, nick: "eve", text: `filler ${String(filled)}` });
  };
  const given = (eventId: string, sender: string, body: string, unsigned?: Record<string, unknown>) =>
    events.set(eventId, { type: "m.room.message", room_id: ROOM, event_id: eventId, sender, content: { msgtype: "m.text", body }, ...(unsigned === undefined ? {} : { unsigned }) });
  return { deps, messages, events, fetched, fill, given };
}

const entry = (more: Partial<OutboxEntry>): OutboxEntry => ({ eventId: "$new", roomId: ROOM, sender: BOB, kind: "privmsg", body: "answer", seq: 1, ...more });
const out = (body: string, kind: Outgoing["kind"] = "privmsg"): Outgoing => ({ kind, body });

describe("Matrix -> IRC replies (outgoing/reply.ts)", () => {
  it("a reply to a recent message: 'nick: text', no quote, the msgid as +draft/reply", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$orig", msgid: "m-1", nick: "Dave", text: "the cat sat on the mat" });
    s.fill(RECENT_MESSAGES - 1);
    const got = await withReply(entry({ replyTo: "$orig" }), out("yes it did"), s.deps);
    assert.deepEqual(got, { kind: "privmsg", body: "Dave: yes it did", tags: { "+draft/reply": "m-1" }, logText: "yes it did" });
    assert.deepEqual(s.fetched, [], "the log had it: the homeserver is not asked");
  });

  it("a reply to a message further back carries a short quote of it", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$orig", msgid: "m-1", nick: "Dave", text: "the cat sat on the mat" });
    s.fill(RECENT_MESSAGES);
    const got = await withReply(entry({ replyTo: "$orig" }), out("yes it did"), s.deps);
    assert.equal(got.body, "Dave: (re: the cat sat on the mat) yes it did");
  });

  it("no message-tags, or no msgid: no tag", async () => {
    const s = scene([]);
    s.messages.record({ roomId: ROOM, eventId: "$orig", msgid: "m-1", nick: "Dave", text: "hi" });
    s.messages.record({ roomId: ROOM, eventId: "$nomsgid", nick: "Dave", text: "hello" });
    assert.equal((await withReply(entry({ replyTo: "$orig" }), out("hey"), s.deps)).tags, undefined);
    const tagged = scene();
    tagged.messages.record({ roomId: ROOM, eventId: "$nomsgid", nick: "Dave", text: "hello" });
    const got = await withReply(entry({ replyTo: "$nomsgid" }), out("hey"), tagged.deps);
    assert.equal(got.body, "Dave: hey");
    assert.equal(got.tags, undefined);
  });

  it("an original the log does not hold is read from the homeserver: its sender's nick, quoted (how far back is unknown)", async () => {
    const s = scene();
    s.given("$old", CARL, "what carl said long ago");
    const got = await withReply(entry({ replyTo: "$old" }), out("still true"), s.deps);
    assert.equal(got.body, "carl: (re: what carl said long ago) still true");
    assert.equal(got.tags, undefined, "no msgid known");
    assert.deepEqual(s.fetched, ["$old"]);
    const ghost = scene();
    ghost.given("$g", GHOST_DAVE, "from IRC");
    assert.equal((await withReply(entry({ replyTo: "$g" }), out("ok"), ghost.deps)).body, "Dave: (re: from IRC) ok", "a ghost is named by its nick");
  });

  it("never another room's message: the same event id logged in another room is not used", async () => {
    const s = scene();
    s.messages.record({ roomId: OTHER, eventId: "$orig", msgid: "m-secret", nick: "Dave", text: "secret" });
    const got = await withReply(entry({ replyTo: "$orig" }), out("hm"), s.deps);
    assert.deepEqual(got, out("hm"), "unknown original: the text as it was");
  });

  it("a reply to oneself names nobody; text already addressed to the nick gets no second prefix", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$mine", msgid: "m-2", nick: "Bob[m]", text: "I said this" });
    s.messages.record({ roomId: ROOM, eventId: "$dave", nick: "Dave", text: "and I this" });
    assert.equal((await withReply(entry({ replyTo: "$mine" }), out("and I meant it"), s.deps)).body, "and I meant it");
    assert.equal((await withReply(entry({ replyTo: "$dave", pm: true }), out("to you"), s.deps)).body, "to you", "a private conversation names nobody");
    assert.equal((await withReply(entry({ replyTo: "$dave" }), out("dave: you did"), s.deps)).body, "dave: you did");
    assert.equal((await withReply(entry({ replyTo: "$dave" }), out("Dave is right"), s.deps)).body, "Dave is right");
    assert.equal((await withReply(entry({ replyTo: "$dave" }), out("Davey: no"), s.deps)).body, "Dave: Davey: no", "another nick that starts the same is not the nick");
    s.fill(RECENT_MESSAGES);
    assert.equal((await withReply(entry({ replyTo: "$dave" }), out("Dave, you did"), s.deps)).body, "Dave, (re: and I this) you did");
    assert.equal((await withReply(entry({ replyTo: "$mine" }), out("still"), s.deps)).body, "(re: I said this) still");
  });

  it("an ACTION keeps its words first and names whom it answers after them", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$dave", nick: "Dave", text: "hello all" });
    assert.equal((await withReply(entry({ replyTo: "$dave", kind: "action" }), out("waves", "action"), s.deps)).body, "waves (re Dave)");
    assert.equal((await withReply(entry({ replyTo: "$dave", kind: "action" }), out("waves at Dave", "action"), s.deps)).body, "waves at Dave");
    s.fill(RECENT_MESSAGES);
    assert.equal((await withReply(entry({ replyTo: "$dave", kind: "action" }), out("waves", "action"), s.deps)).body, "waves (re Dave: hello all)");
  });

  it("a quote is the start of the first line, cut at a word, with an ellipsis", () => {
    const long = "word ".repeat(30).trim();
    const q = quoteOf(long);
    assert.ok(q.endsWith("…") && Array.from(q).length <= QUOTE_CHARS + 1, q);
    assert.ok(!q.slice(0, -1).endsWith(" ") && q.slice(0, -1).split(" ").every((w) => w === "word"), q);
    assert.equal(quoteOf("first\nsecond"), "first…");
    assert.equal(quoteOf("  short   one "), "short one");
  });
});

describe("Matrix -> IRC edits (outgoing/edit.ts)", () => {
  it("a long text is corrected by a marked copy without working out a substitution (its search grows with the text)", async () => {
    const s = scene();
    const long = "a ".repeat(30000).trim();
    s.messages.record({ roomId: ROOM, eventId: "$long", msgid: "m-long", nick: "bob[m]", text: long });
    const fixed = `${long.slice(0, -1)}b`;
    const got = await withEdit(entry({ replaces: "$long", body: fixed }), out(fixed), s.deps);
    assert.equal(got.body, `* ${fixed}`);
  });

  it("a small change to one's recent message: s/old/new/ as one line, and the log keeps the corrected text", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$orig", msgid: "m-1", nick: "bob[m]", text: "the cat sat" });
    const got = await withEdit(entry({ replaces: "$orig", body: "the dog sat" }), out("the dog sat"), s.deps);
    assert.deepEqual(got, { kind: "privmsg", body: "s/cat/dog/", logText: "the dog sat" });
    assert.equal(s.messages.byEvent(ROOM, "$orig")?.text, "the dog sat");
  });

  it("an edit of an edit compares with the latest text", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$orig", nick: "bob[m]", text: "the cat sat" });
    await withEdit(entry({ replaces: "$orig", eventId: "$e1" }), out("the dog sat"), s.deps);
    const second = await withEdit(entry({ replaces: "$orig", eventId: "$e2" }), out("the dog stood"), s.deps);
    assert.equal(second.body, "s/sat/stood/");
    const third = await withEdit(entry({ replaces: "$orig", eventId: "$e3" }), out("the dog stood"), s.deps);
    assert.equal(third.skip, true, "the same text again: nothing to say");
  });

  it("a large change, an old original, someone else's or an unknown one: the corrected text, marked", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$orig", nick: "bob[m]", text: "the cat sat" });
    const large = await withEdit(entry({ replaces: "$orig" }), out("a completely different sentence"), s.deps);
    assert.equal(large.body, "* a completely different sentence");
    s.messages.record({ roomId: ROOM, eventId: "$old", nick: "bob[m]", text: "the cat sat on the mat today" });
    s.fill(RECENT_MESSAGES);
    assert.equal((await withEdit(entry({ replaces: "$old" }), out("the dog sat on the mat today"), s.deps)).body, "* the dog sat on the mat today");
    s.messages.record({ roomId: ROOM, eventId: "$dave", nick: "Dave", text: "the cat sat" });
    assert.equal((await withEdit(entry({ replaces: "$dave" }), out("the dog sat"), s.deps)).body, "* the dog sat");
    assert.equal(s.messages.byEvent(ROOM, "$dave")?.text, "the cat sat", "someone else's message is not revised");
    assert.equal((await withEdit(entry({ replaces: "$never" }), out("the dog sat"), s.deps)).body, "* the dog sat", "never bridged: marked");
    assert.equal((await withEdit(entry({ replaces: "$never", kind: "action" }), out("sits", "action"), s.deps)).body, "sits (edited)");
  });

  it("an unchanged edit says nothing", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$orig", nick: "bob[m]", text: "same" });
    assert.equal((await withEdit(entry({ replaces: "$orig" }), out("same"), s.deps)).skip, true);
    s.given("$hs", BOB, "from the homeserver");
    assert.equal((await withEdit(entry({ replaces: "$hs" }), out("from the homeserver"), s.deps)).skip, true, "read from the homeserver: unchanged too");
  });

  it("from the homeserver, an edited original is read as its latest edit other than this one", async () => {
    const s = scene();
    const edit = (id: string, body: string) => ({ event_id: id, sender: BOB, type: "m.room.message", content: { msgtype: "m.text", body: `* ${body}`, "m.new_content": { msgtype: "m.text", body }, "m.relates_to": { rel_type: "m.replace", event_id: "$hs" } } });
    s.given("$hs", BOB, "the cat sat", { "m.relations": { "m.replace": edit("$e1", "the dog sat") } });
    assert.equal((await withEdit(entry({ replaces: "$hs", eventId: "$e2" }), out("the dog sat"), s.deps)).skip, true, "compared with the earlier edit");
    s.given("$hs", BOB, "the cat sat", { "m.relations": { "m.replace": edit("$e2", "the dog sat") } });
    assert.equal((await withEdit(entry({ replaces: "$hs", eventId: "$e2" }), out("the dog sat"), s.deps)).body, "* the dog sat", "this edit itself: compared with the original");
  });

  it("a reply's edit compares with the words the sender wrote, not the nick and quote IRC saw", async () => {
    const s = scene();
    s.messages.record({ roomId: ROOM, eventId: "$dave", msgid: "m-d", nick: "Dave", text: "hello" });
    const reply = await prepareOutgoing(entry({ eventId: "$r", replyTo: "$dave", body: "the cat sat" }), s.deps);
    assert.equal(reply.body, "Dave: the cat sat");
    s.messages.record({ roomId: ROOM, eventId: "$r", nick: "bob[m]", text: reply.logText ?? reply.body });
    const fix = await prepareOutgoing(entry({ eventId: "$e", replaces: "$r", body: "the dog sat" }), s.deps);
    assert.equal(fix.body, "s/cat/dog/");
  });
});

describe("s/old/new/ (outgoing/substitution.ts)", () => {
  const table: [string, string, string | undefined][] = [
    ["the cat sat", "the dog sat", "s/cat/dog/"],
    ["the cat sat", "the cot sat", "s/cat/cot/"],
    ["a cat and a cat sat", "a cat and a dog sat", "s/and a cat/and a dog/"],
    ["path a/b here", "path a/c here", "s/a\\/b/a\\/c/"],
    ["same", "same", undefined],
    ["one\ntwo", "one\nthree", "s/two/three/"],
    ["one two", "one\ntwo", undefined],
  ];
  for (const [before, after, want] of table) {
    it(`${JSON.stringify(before)} -> ${JSON.stringify(after)}: ${String(want)}`, () => {
      assert.equal(substitution(before, after), want);
    });
  }
});
