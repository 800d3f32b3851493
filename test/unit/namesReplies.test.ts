import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NamesReplies, paramOf } from "../../src/irc/namesReplies";
import { numericOf } from "../../src/irc/serverChatter";

const names = (channel: string, who: string) => `:irc.example.org 353 alice = ${channel} :${who}`;
const end = (channel: string) => `:irc.example.org 366 alice ${channel} :End of /NAMES list.`;
const isChannel = (name: string) => name.startsWith("#");

/** What the skipper says of each line, in order. */
function run(replies: NamesReplies, lines: readonly string[]): boolean[] {
  return lines.map((line) => replies.skip(line, numericOf(line)));
}

describe("NAMES replies the feed has from the reader are skipped whole (namesReplies.ts)", () => {
  it("a reply of a channel the feed has from elsewhere is skipped, 353 lines and 366; another channel's is read", () => {
    const asked: string[] = [];
    const replies = new NamesReplies((channel) => (asked.push(channel), channel === "#known"), () => false, isChannel);
    const skipped = run(replies, [names("#known", "a b"), names("#known", "c"), end("#known"), names("#new", "a"), end("#new")]);
    assert.deepEqual(skipped, [true, true, true, false, false]);
    assert.deepEqual(asked, ["#known", "#new"], "asked once per reply, at its first line");
  });

  it("the answer given at a reply's first line holds until its 366, whichever way the feed's answer changes", () => {
    let elsewhere = true;
    const replies = new NamesReplies(() => elsewhere, () => false, isChannel);
    assert.deepEqual(run(replies, [names("#c", "a")]), [true]);
    elsewhere = false; // the reader left mid-reply: the rest must not reach irc-framework as half a list
    assert.deepEqual(run(replies, [names("#c", "b"), end("#c")]), [true, true]);
    // The next reply is asked again (positive control: the answer is not stuck).
    assert.deepEqual(run(replies, [names("#c", "a b")]), [false]);
    elsewhere = true;
    assert.deepEqual(run(replies, [names("#c", "c"), end("#c")]), [false, false], "a reply asked while the feed lacked it is read to its end");
    assert.deepEqual(run(replies, [names("#c", "a"), end("#c")]), [true, true]);
  });

  it("every reply is read while a request waits (a user's own NAMES)", () => {
    let waits = true;
    const replies = new NamesReplies(() => true, () => waits, isChannel);
    assert.deepEqual(run(replies, [names("#c", "a"), end("#c")]), [false, false]);
    waits = false;
    assert.deepEqual(run(replies, [names("#c", "a"), end("#c")]), [true, true]);
  });

  it("replies of two channels are told apart, and the 366 is matched in any case; other lines are never skipped", () => {
    const replies = new NamesReplies((channel) => channel === "#A", () => false, isChannel);
    assert.deepEqual(run(replies, [names("#A", "x"), names("#b", "y"), end("#b"), end("#a")]), [true, false, false, true]);
    assert.deepEqual(run(replies, [end("#A")]), [false], "a 366 with no reply under way is read");
    const other = [":irc.example.org 332 alice #A :topic", "@msgid=1 :bob!b@h PRIVMSG #A :353", ":irc.example.org 353 alice"];
    assert.deepEqual(run(replies, other), [false, false, false]);
  });

  it("a 366 that ends no reply under way (366 * after a NAMES of every channel) ends them all: no answer outlives its reply", () => {
    let waits = true;
    let elsewhere = false;
    const replies = new NamesReplies(() => elsewhere, () => waits, isChannel);
    // A user's NAMES of every channel: the request settles before the server is done, so later lines are asked without it.
    assert.deepEqual(run(replies, [names("#a", "x")]), [false]);
    waits = false;
    elsewhere = true;
    assert.deepEqual(run(replies, [names("#b", "y"), end("*")]), [true, false]);
    // The next replies of #a and #b are asked afresh: a request waits now, so both are read.
    waits = true;
    assert.deepEqual(run(replies, [names("#b", "y"), end("#b"), names("#a", "x"), end("#a")]), [false, false, false, false]);
  });

  it("a 353 without the symbol (the old form: its third parameter is the names) is read and leaves nothing held", () => {
    const replies = new NamesReplies(() => true, () => false, isChannel);
    assert.deepEqual(run(replies, [":irc.example.org 353 alice #c :a b", ":irc.example.org 366 alice #c :End"]), [false, false]);
    assert.deepEqual(run(replies, [names("#c", "a"), end("#c")]), [true, true], "positive control: the same channel in the usual form is skipped");
  });

  it("paramOf finds a parameter after the command, through repeated spaces and into the trailing one", () => {
    const line = ":s 353 alice  = #chan :a b c";
    const from = line.indexOf("353") + 3;
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => paramOf(line, from, i)), ["alice", "=", "#chan", "a b c", undefined]);
  });
});
