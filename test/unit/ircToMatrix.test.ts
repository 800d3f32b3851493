import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ircToMatrix, type MentionFinder } from "../../src/format/ircToMatrix";
import type { MentionSpan } from "../../src/format/mentionSpans";
import type { NamedUser, NickDirectory } from "../../src/format/nickDirectory";
import { NO_NICKS } from "../../src/format/nickDirectory";

const FONT = (attrs: string, inner: string): string => `<font ${attrs}>${inner}</font>`;

/** [what, IRC text, body, html (undefined: none)] */
const CASES: readonly (readonly [string, string, string, string | undefined])[] = [
  ["plain text has no HTML", "just words", "just words", undefined],
  ["bold", "\x02bold\x02 and not", "bold and not", "<strong>bold</strong> and not"],
  ["italic", "\x1dit\x1d", "it", "<em>it</em>"],
  ["underline", "\x1fu\x1f", "u", "<u>u</u>"],
  ["strikethrough", "\x1es\x1e", "s", "<del>s</del>"],
  ["monospace", "\x11m\x11", "m", "<code>m</code>"],
  ["bold never closed ends with the line", "\x02open", "open", "<strong>open</strong>"],
  ["reset ends every style", "\x02\x1d\x0304b\x0f plain", "b plain", '<font data-mx-color="#ff0000"><strong><em>b</em></strong></font> plain'],
  ["nested styles: italic inside bold, then bold ends first", "\x02a\x1db\x02c\x1d", "abc", "<strong>a<em>b</em></strong><em>c</em>"],
  ["codes that style nothing give no HTML", "\x02\x02\x1d\x1dx\x0f", "x", undefined],
  ["colour 0-15 foreground", "\x0304red", "red", FONT('data-mx-color="#ff0000"', "red")],
  ["colour one digit", "\x034red", "red", FONT('data-mx-color="#ff0000"', "red")],
  ["colour with background", "\x0301,15x", "x", FONT('data-mx-color="#000000" data-mx-bg-color="#d2d2d2"', "x")],
  ["colour 16-98", "\x0352a\x0398b", "ab", FONT('data-mx-color="#ff0000"', "a") + FONT('data-mx-color="#ffffff"', "b")],
  ["colour 99 is the default", "\x0399,04x", "x", FONT('data-mx-bg-color="#ff0000"', "x")],
  ["colour reset by a bare \\x03", "\x0304a\x03b", "ab", FONT('data-mx-color="#ff0000"', "a") + "b"],
  ["only two digits are a colour", "\x031234", "34", FONT('data-mx-color="#0000fc"', "34")],
  ["a comma not followed by a digit is text", "\x0304,x", ",x", FONT('data-mx-color="#ff0000"', ",x")],
  ["a new foreground keeps the background", "\x0304,02a\x0303b", "ab", FONT('data-mx-color="#ff0000" data-mx-bg-color="#00007f"', "a") + FONT('data-mx-color="#009300" data-mx-bg-color="#00007f"', "b")],
  ["hex colour", "\x04FF8800hex", "hex", FONT('data-mx-color="#ff8800"', "hex")],
  ["hex colour with background", "\x04ff8800,00ff00x", "x", FONT('data-mx-color="#ff8800" data-mx-bg-color="#00ff00"', "x")],
  ["short hex is a colour reset, its digits text", "\x04abcx", "abcx", undefined],
  ["reverse without colours: white on black", "\x16r\x16n", "rn", FONT('data-mx-color="#ffffff" data-mx-bg-color="#000000"', "r") + "n"],
  ["reverse swaps colours", "\x0304,01\x16r", "r", FONT('data-mx-color="#000000" data-mx-bg-color="#ff0000"', "r")],
  ["colour with bold inside", "\x0304a\x02b\x02", "ab", `<font data-mx-color="#ff0000">a<strong>b</strong></font>`],
  ["<script> from IRC is text", "<script>alert(1)</script>", "<script>alert(1)</script>", undefined],
  ["everything is escaped in HTML", "\x02<script>&\"'</script>", "<script>&\"'</script>", "<strong>&#60;script&#62;&#38;&#34;&#39;&#60;/script&#62;</strong>"],
  ["an entity stays text", "\x02&amp;", "&amp;", "<strong>&#38;amp;</strong>"],
  ["other control characters are kept", "a\x01b\x02c", "a\x01bc", "a\x01b<strong>c</strong>"],
  ["empty line", "", "", undefined],
  ["a multiline message's line break is a <br> in HTML", "line one \x02bold\x02\nline two", "line one bold\nline two", "line one <strong>bold</strong><br>line two"],
];

describe("IRC -> Matrix formatting", () => {
  for (const [what, text, body, html] of CASES) {
    it(what, () => {
      const got = ircToMatrix(text, NO_NICKS);
      assert.equal(got.body, body);
      assert.equal(got.html, html);
      assert.deepEqual(got.mentions, []);
    });
  }
});

const ALICE: NamedUser = { userId: "@alice:example.org", displayName: "Alice <A>" };
const BOB: NamedUser = { userId: "@bob:example.org", displayName: "Bob" };
const KNOWN = new Map([
  ["alice[m]", ALICE],
  ["bob", BOB],
]);
const directory: Pick<NickDirectory, "userOfNick"> = { userOfNick: (nick) => KNOWN.get(nick.toLowerCase()) };

/** A stand-in for mentionSpans: every known nick as a whole word (what the real one promises). */
const words: MentionFinder = (text, nicks) => {
  const spans: MentionSpan[] = [];
  for (const m of text.matchAll(/[^\s:,!]+/g)) {
    const user = nicks.userOfNick(m[0]);
    if (user !== undefined) spans.push({ start: m.index, end: m.index + m[0].length, user });
  }
  return spans;
};

describe("IRC -> Matrix mentions", () => {
  const pill = (u: NamedUser, shown = u.displayName.replace("<", "&#60;").replace(">", "&#62;")): string => `<a href="https://matrix.to/#/${u.userId}">${shown}</a>`;
  const cases: readonly (readonly [string, string, string, string, readonly string[]])[] = [
    ["a nick at the start: a pill, the body keeps the nick", "alice[m]: hi", "alice[m]: hi", `${pill(ALICE)}: hi`, [ALICE.userId]],
    ["two users, one twice: mentioned once each", "bob, alice[m] and BOB", "bob, alice[m] and BOB", `${pill(BOB)}, ${pill(ALICE)} and ${pill(BOB)}`, [BOB.userId, ALICE.userId]],
    ["a pill inside bold", "\x02hey bob\x02!", "hey bob!", `<strong>hey ${pill(BOB)}</strong>!`, [BOB.userId]],
    ["a nick that crosses a style change is one pill, in its first character's style", "\x02bo\x02b hi", "bob hi", `<strong>${pill(BOB)}</strong> hi`, [BOB.userId]],
    ["a nick split by a colour code", "\x0304b\x03ob", "bob", `<font data-mx-color="#ff0000">${pill(BOB)}</font>`, [BOB.userId]],
    ["an unknown nick is text", "carol: hi", "carol: hi", "", []],
  ];
  for (const [what, text, body, html, mentions] of cases) {
    it(what, () => {
      const got = ircToMatrix(text, directory, words);
      assert.equal(got.body, body);
      assert.equal(got.html, html === "" ? undefined : html);
      assert.deepEqual(got.mentions, mentions);
    });
  }

  it("spans out of order, overlapping or outside the text are not pills", () => {
    const bad: MentionFinder = () => [
      { start: 4, end: 7, user: BOB },
      { start: 0, end: 3, user: BOB },
      { start: 1, end: 5, user: ALICE },
      { start: 6, end: 99, user: ALICE },
      { start: 2, end: 2, user: ALICE },
    ];
    const got = ircToMatrix("bob bob", directory, bad);
    assert.equal(got.html, `${pill(BOB)} ${pill(BOB)}`);
    assert.deepEqual(got.mentions, [BOB.userId]);
  });

  it("uses mentionSpans by default (no fake passed)", () => {
    assert.deepEqual(ircToMatrix("plain", NO_NICKS).mentions, []);
  });
});
