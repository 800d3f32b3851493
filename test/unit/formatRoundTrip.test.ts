/**
 * Properties of the two conversions, on random input (fast-check):
 * - random styled text written as IRC codes -> ircToMatrix -> HTML -> matrixToIrc is the same text
 *   in the same style, character by character (colours: the same visible colour; a hex colour
 *   outside the mIRC palette comes back as the nearest of the 16 classic ones, as documented);
 * - no IRC text, however broken, yields HTML with a tag or attribute outside the allow-list, and
 *   its text (pills aside) is exactly the body.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Parser } from "htmlparser2";
import { hexOfIrcColour, ircColourOfHex } from "../../src/format/colours";
import { PLAIN, parseIrc } from "../../src/format/ircCodes";
import { ircToMatrix, type MentionFinder } from "../../src/format/ircToMatrix";
import { matrixToIrc } from "../../src/format/matrixToIrc";
import { NO_NICKS } from "../../src/format/nickDirectory";

type Colours = { kind: "none" } | { kind: "irc"; fg?: number; bg?: number } | { kind: "hex"; fg: string; bg?: string };
interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
  mono: boolean;
  colours: Colours;
}

const index = fc.integer({ min: 0, max: 98 });
const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, "0")}`);
const colours: fc.Arbitrary<Colours> = fc.oneof(
  fc.constant<Colours>({ kind: "none" }),
  fc.record({ fg: fc.option(index, { nil: undefined }), bg: fc.option(index, { nil: undefined }) }).map((c): Colours => ({ kind: "irc", ...(c.fg === undefined ? {} : { fg: c.fg }), ...(c.bg === undefined ? {} : { bg: c.bg }) })),
  fc.record({ fg: hex, bg: fc.option(hex, { nil: undefined }) }).map((c): Colours => ({ kind: "hex", fg: c.fg, ...(c.bg === undefined ? {} : { bg: c.bg }) })),
);
const TEXT_CHARS = Array.from("ab xy<>&\"';=/09,.#é");
const run: fc.Arbitrary<Run> = fc.record({
  text: fc.string({ unit: fc.constantFrom(...TEXT_CHARS), minLength: 1, maxLength: 8 }),
  bold: fc.boolean(),
  italic: fc.boolean(),
  underline: fc.boolean(),
  strike: fc.boolean(),
  mono: fc.boolean(),
  colours,
});

const two = (n: number): string => String(n).padStart(2, "0");

/** The test's own IRC writer: each run starts from a reset and switches its styles on. */
function ircOf(runs: readonly Run[]): string {
  return runs
    .map((r) => {
      const c = r.colours;
      let colour = "";
      if (c.kind === "irc" && (c.fg !== undefined || c.bg !== undefined)) colour = `\x03${two(c.fg ?? 99)}${c.bg === undefined ? "" : `,${two(c.bg)}`}`;
      if (c.kind === "hex") colour = `\x04${c.fg.slice(1)}${c.bg === undefined ? "" : `,${c.bg.slice(1)}`}`;
      const flags = `${r.bold ? "\x02" : ""}${r.italic ? "\x1d" : ""}${r.underline ? "\x1f" : ""}${r.strike ? "\x1e" : ""}${r.mono ? "\x11" : ""}`;
      return `\x0f${colour}${flags}${colour !== "" && flags === "" ? "\x02\x02" : ""}${r.text}`;
    })
    .join("");
}

/** The colour IRC users see after the round trip, as "#rrggbb". */
function seen(c: number | string | undefined): string | undefined {
  if (c === undefined) return undefined;
  if (typeof c === "number") return hexOfIrcColour(c);
  return hexOfIrcColour(ircColourOfHex(c));
}

/** One entry per character: the character and its style, as the test expects them. */
function expected(runs: readonly Run[]): string[] {
  return runs.flatMap((r) => {
    const fg = r.colours.kind === "none" ? undefined : seen(r.colours.fg);
    const bg = r.colours.kind === "none" ? undefined : seen(r.colours.bg);
    return Array.from(r.text).map((ch) => JSON.stringify([ch, r.bold, r.italic, r.underline, r.strike, r.mono, fg ?? null, bg ?? null]));
  });
}

/** One entry per character of IRC text as parsed: the character and its style. */
function actual(irc: string): string[] {
  return parseIrc(irc).flatMap((r) => Array.from(r.text).map((ch) => JSON.stringify([ch, r.style.bold, r.style.italic, r.style.underline, r.style.strike, r.style.mono, r.style.fg ?? null, r.style.bg ?? null])));
}

const noMentions: MentionFinder = () => [];

describe("formatting round trip (property)", () => {
  it("styled text -> IRC codes -> Matrix HTML -> IRC codes keeps every character's text and style", () => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 8 }), (runs) => {
        const irc = ircOf(runs);
        const matrix = ircToMatrix(irc, NO_NICKS, noMentions);
        assert.equal(matrix.body, runs.map((r) => r.text).join(""));
        const back = matrixToIrc({ body: matrix.body, ...(matrix.html === undefined ? {} : { html: matrix.html }) }, { nickOfUser: () => undefined });
        assert.deepEqual(actual(back), expected(runs));
      }),
      { numRuns: 600 },
    );
  });
});

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  strong: [],
  em: [],
  u: [],
  del: [],
  code: [],
  font: ["data-mx-color", "data-mx-bg-color"],
  a: ["href"],
  br: [],
};

/** Tags and attributes of the HTML that are not allowed (each as a string), and its text. */
function inspect(html: string): { refused: string[]; text: string } {
  const refused: string[] = [];
  let text = "";
  const parser = new Parser({
    onopentag(name, attrs) {
      const allowed = ALLOWED[name];
      if (allowed === undefined) refused.push(`<${name}>`);
      if (name === "br") text += "\n";
      for (const [key, value] of Object.entries(attrs)) {
        if (!(allowed ?? []).includes(key)) refused.push(`${name} ${key}`);
        else if (key.startsWith("data-mx-") && !/^#[0-9a-f]{6}$/.test(value)) refused.push(`${name} ${key}=${value}`);
        else if (key === "href" && !value.startsWith("https://matrix.to/#/")) refused.push(`a href=${value}`);
      }
    },
    ontext(data) {
      text += data;
    },
  });
  parser.write(html);
  parser.end();
  return { refused, text };
}

const IRC_CHARS = Array.from("\x02\x03\x04\x0f\x11\x16\x1d\x1e\x1f0123456789,abcdefABCDEF <>&\"'=/;#o");
/** Random IRC text: formatting codes, digits, hex digits, HTML's special characters, and "bob" often. */
const ircText = fc.array(fc.oneof(fc.constantFrom(...IRC_CHARS), fc.constant("bob")), { maxLength: 40 }).map((parts) => parts.join(""));

/** Pills of every "bob", for a user whose id and display name try to break out of the HTML. */
const evilPills: MentionFinder = (text) =>
  [...text.matchAll(/bob/g)].map((m) => ({
    start: m.index,
    end: m.index + 3,
    user: { userId: `@bob"><script>alert(1)</script>:x'`, displayName: `<img src=x onerror="alert(1)">&amp;` },
  }));

describe("IRC text never becomes markup it did not ask for (property)", () => {
  it("any IRC text: only allowed tags and attributes, and the HTML's text is the body", () => {
    fc.assert(
      fc.property(ircText, (irc) => {
        const matrix = ircToMatrix(irc, NO_NICKS, noMentions);
        if (matrix.html === undefined) return;
        const { refused, text } = inspect(matrix.html);
        assert.deepEqual(refused, []);
        assert.equal(text, matrix.body);
      }),
      { numRuns: 1000 },
    );
  });

  it("any IRC text with pills of a user whose id and name hold HTML: only allowed tags and attributes", () => {
    fc.assert(
      fc.property(ircText, (irc) => {
        const matrix = ircToMatrix(irc, NO_NICKS, evilPills);
        if (matrix.html === undefined) return;
        const { refused, text } = inspect(matrix.html);
        assert.deepEqual(refused, []);
        if (matrix.body.includes("bob")) assert.ok(text.includes(`<img src=x onerror="alert(1)">&amp;`), "the display name is text, not markup");
      }),
      { numRuns: 1000 },
    );
  });
});

const TAGS = ["b", "strong", "i", "em", "u", "del", "s", "code", "pre", "p", "br", "blockquote", "ul", "ol", "li", "a", "font", "span", "h1", "mx-reply", "img", "div"];
const ATTRS = ['', ' color="#ff0000"', ' data-mx-bg-color="#00ff00"', ' data-mx-color="#123"', ' data-mx-spoiler=""', ' href="https://matrix.to/#/@bob:x"', ' href="https://example.org"', ' alt="a"'];
/** Random tag soup: opening and closing tags in any order (unbalanced, misnested), text, entities. */
const tagSoup = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...TAGS), fc.constantFrom(...ATTRS)).map(([tag, attrs]) => `<${tag}${attrs}>`),
      fc.constantFrom(...TAGS).map((tag) => `</${tag}>`),
      fc.constantFrom("x", "12", ",3", " ", "\n", "&amp;", "&lt;b&gt;", "y z"),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));

describe("Matrix HTML never leaves IRC styles dangling (property)", () => {
  it("any tag soup: every line ends with no style on, and no \\x0f is written", () => {
    fc.assert(
      fc.property(tagSoup, (html) => {
        const irc = matrixToIrc({ body: "body", html }, { nickOfUser: () => "bob" });
        assert.ok(!irc.includes("\x0f"));
        for (const line of irc.split("\n")) {
          const runs = parseIrc(`${line}END`);
          const last = runs[runs.length - 1];
          assert.ok(last !== undefined && last.text.endsWith("END"));
          assert.deepEqual(last.style, PLAIN, `a style is left on in ${JSON.stringify(line)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
