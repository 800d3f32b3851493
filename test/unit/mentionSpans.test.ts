import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { foldCase } from "../../src/irc/casemapping";
import { mentionSpans } from "../../src/format/mentionSpans";
import type { NamedUser } from "../../src/format/nickDirectory";

/** A directory that knows these nicks (rfc1459 folding, as a server would compare them). */
function directory(...known: string[]) {
  const byFolded = new Map(known.map((nick) => [foldCase(nick, "rfc1459"), nick]));
  const asked: string[] = [];
  return {
    asked,
    userOfNick(nick: string): NamedUser | undefined {
      asked.push(nick);
      const found = byFolded.get(foldCase(nick, "rfc1459"));
      return found === undefined ? undefined : { userId: `@${found.toLowerCase().replace(/[^a-z0-9]/g, "")}:example.org`, displayName: found };
    },
  };
}

/** The spans as the words they cover. */
const named = (text: string, ...known: string[]) => mentionSpans(text, directory(...known)).map((s) => text.slice(s.start, s.end));

describe("mentionSpans: where IRC text names a known user", () => {
  const table: [string, string[], string[]][] = [
    // text, known nicks, the words that are mentions
    ["alice: hi", ["alice"], ["alice"]],
    ["alice, hi", ["alice"], ["alice"]],
    ["alice hi", ["alice"], ["alice"]],
    ["thanks alice!", ["alice"], ["alice"]],
    ["ask @alice about it", ["alice"], ["alice"]],
    ["(alice) and 'alice' and alice's and alice.", ["alice"], ["alice", "alice", "alice", "alice"]],
    ["ALICE: hi, Alice", ["alice"], ["ALICE", "Alice"]],
    ["bob[m]: ping", ["bob[m]"], ["bob[m]"]],
    ["BOB{M}: ping (rfc1459: [] and {} are one case)", ["bob[m]"], ["BOB{M}"]],
    ["foo_ is here, foo is not", ["foo_"], ["foo_"]],
    ["bar|away: back yet?", ["bar|away"], ["bar|away"]],
    ["[alice] said so, `alice` too", ["alice"], ["alice", "alice"]],
    ["malice aliced alice_ alice-b xalice", ["alice"], []],
    ["bob[m] is not bob", ["bob"], ["bob"]],
    ["alice bob carol", ["alice", "carol"], ["alice", "carol"]],
    ["no one here", ["alice"], []],
  ];
  for (const [text, known, expected] of table) {
    it(`${JSON.stringify(text)} with ${known.join(", ")} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(named(text, ...known), expected);
    });
  }

  it("a span's offsets cover the nick as written, and carry the directory's user", () => {
    const spans = mentionSpans("hey Alice: look", directory("alice"));
    assert.deepEqual(spans, [{ start: 4, end: 9, user: { userId: "@alice:example.org", displayName: "alice" } }]);
  });

  it("short nicks: one character never; two only addressing the line (start, then ':' or ',')", () => {
    assert.deepEqual(named("a: b", "a", "b"), []);
    assert.deepEqual(named("ok: done", "ok"), ["ok"]);
    assert.deepEqual(named("ok, done", "ok"), ["ok"]);
    assert.deepEqual(named("  @ok: done", "ok"), ["ok"]);
    assert.deepEqual(named("first\nok: second", "ok"), ["ok"]);
    assert.deepEqual(named("ok done", "ok"), [], "no ':' or ',': an ordinary word");
    assert.deepEqual(named("that is ok: fine", "ok"), [], "not at the start");
    assert.deepEqual(named("abc: x, abc", "abc"), ["abc", "abc"], "three characters are a mention anywhere");
  });

  it("channel names, links and addresses are not mentions", () => {
    assert.deepEqual(named("join #alice and &alice", "alice"), []);
    assert.deepEqual(named("see https://example.org/alice?u=alice and www.alice.org", "alice"), []);
    assert.deepEqual(named("mail alice@example.org", "alice"), []);
    assert.deepEqual(named("see https://example.org/x alice", "alice"), ["alice"], "the word after a link still is");
  });

  it("nicks beyond ASCII are whole words too", () => {
    assert.deepEqual(named("café: hi, cafés", "café"), ["café"]);
    assert.deepEqual(named("zoë hi", "zo"), []);
  });

  it("each word is asked of the directory once per text", () => {
    const nicks = directory("alice");
    mentionSpans("alice alice alice bob bob", nicks);
    assert.deepEqual(nicks.asked, ["alice", "bob"]);
  });

  it("property: spans are in order, do not overlap, each is a whole word the directory knows", () => {
    const word = fc.constantFrom("alice", "Bob[m]", "bob", "c|d", "x", "ok", "foo_", "[alice]", "#alice", "http://alice", "é");
    const sep = fc.constantFrom(" ", ": ", ", ", "!", "\n", "'", "(", ")", "@", "");
    const known = ["alice", "bob[m]", "c|d", "ok", "foo_"];
    fc.assert(
      fc.property(fc.array(fc.tuple(word, sep), { maxLength: 12 }), (parts) => {
        const text = parts.map(([w, s]) => w + s).join("");
        const spans = mentionSpans(text, directory(...known));
        let last = 0;
        for (const span of spans) {
          assert.ok(span.start >= last && span.end > span.start, "in order, not overlapping");
          last = span.end;
          const nick = text.slice(span.start, span.end);
          assert.ok(known.some((k) => foldCase(k, "rfc1459") === foldCase(nick, "rfc1459")), `${nick} is known`);
          const nickChar = /[A-Za-z0-9[\]\\`_^{|}\-\p{L}\p{N}]/u;
          const before = text.charAt(span.start - 1);
          const after = text.charAt(span.end);
          const wrapped = (before === "[" && after === "]") || (before === "{" && after === "}") || (before === "`" && after === "`");
          assert.ok(wrapped || (!nickChar.test(before) && !nickChar.test(after)), `${JSON.stringify(text)}: ${nick} is a whole word`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
