import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_IRC_TEXT, matrixToIrc } from "../../src/format/matrixToIrc";
import type { NickDirectory } from "../../src/format/nickDirectory";

const B = "\x02";
const I = "\x1d";
const U = "\x1f";
const S = "\x1e";
const M = "\x11";
const C = "\x03";

const nicks: Pick<NickDirectory, "nickOfUser"> = { nickOfUser: (id) => (id === "@bob:example.org" ? "bob[m]" : id === "@irc_carol:example.org" ? "Carol" : undefined) };

/** [what, HTML, IRC text] (the body is "**markdown**" in every case: it must never be sent) */
const CASES: readonly (readonly [string, string, string])[] = [
  ["strong and b are bold", "<strong>x</strong> <b>y</b>", `${B}x${B} ${B}y${B}`],
  ["em and i are italic", "<em>hi</em> <i>there</i>", `${I}hi${I} ${I}there${I}`],
  ["u is underline", "<u>u</u>", `${U}u${U}`],
  ["del, s and strike are strikethrough (one run: no needless toggles)", "<del>a</del><s>b</s><strike>c</strike> <s>d</s>", `${S}abc${S} ${S}d${S}`],
  ["code is monospace", "run <code>ls -l</code>", `run ${M}ls -l${M}`],
  ["nested styles: the outer one is restored after the inner one", "<b>a<i>b</i>c</b>d", `${B}a${I}b${I}c${B}d`],
  ["the same style nested is not toggled off inside", "<b>a<strong>b</strong>c</b>", `${B}abc${B}`],
  ["unclosed tags end with the text, nothing dangles", "<b>unclosed <i>nest", `${B}unclosed ${I}nest${B}${I}`],
  ["a stray closing tag is ignored", "</b>x</i>", "x"],
  ["misnested tags are closed as the parser closes them", "<b>a<i>b</b>c</i>", `${B}a${I}b${B}${I}c`],
  ["entities decoded", "&lt;b&gt; &amp; &quot;q&quot; &#39;s &eacute;", `<b> & "q" 's é`],
  ["<br> breaks the line", "one<br>two<br/>three", "one\ntwo\nthree"],
  ["paragraphs are lines, source whitespace is not", "<p>a</p>\n<p>b</p>\n", "a\nb"],
  ["typed spaces are kept", "a  b", "a  b"],
  ["div and headings are lines; headings bold", "<h1>Title</h1><div>text</div>", `${B}Title${B}\ntext`],
  ["styles reopened on every line", "<b>a<br>b</b>", `${B}a${B}\n${B}b${B}`],
  ["pre keeps its lines and spaces, monospace", "<pre><code>if x:\n    y()\n</code></pre>", `${M}if x:${M}\n${M}    y()${M}`],
  ["blockquote: each line prefixed", "<blockquote>\n<p>q1<br>q2</p>\n</blockquote>\n<p>after</p>", "> q1\n> q2\nafter"],
  ["nested blockquote", "<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n> > b"],
  ["unordered list", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n", "• one\n• two"],
  ["ordered list, with start", '<ol start="3"><li>a</li><li>b</li></ol>', "3. a\n4. b"],
  ["nested list indented", "<ul><li>a<ul><li>b</li></ul></li></ul>", "• a\n  • b"],
  ["list item of two lines: the second indented", "<ol><li>a<br>b</li></ol>", "1. a\n   b"],
  ["a link with its own text: text and URL", '<a href="https://example.org/x">click</a>', "click <https://example.org/x>"],
  ["a link whose text is its URL: once", '<a href="https://example.org/">https://example.org</a> <a href="https://x.org">x.org</a>', "https://example.org x.org"],
  ["a mailto link", '<a href="mailto:a@b.c">a@b.c</a>', "a@b.c"],
  ["a link without text: the URL", '<a href="https://example.org/x"></a>', "https://example.org/x"],
  ["a pill: the user's nick on IRC", '<a href="https://matrix.to/#/@bob:example.org">Bob Display</a>: hi', "bob[m]: hi"],
  ["a pill of a ghost: the IRC nick", '<a href="https://matrix.to/#/@irc_carol:example.org">carol (IRC)</a>', "Carol"],
  ["an encoded pill with via", '<a href="https://matrix.to/#/%40bob%3Aexample.org?via=example.org">B</a>', "bob[m]"],
  ["a matrix: URI pill", '<a href="matrix:u/bob:example.org">B</a>', "bob[m]"],
  ["an unknown user's pill: its text", '<a href="https://matrix.to/#/@zed:example.org">Zed</a>', "Zed"],
  ["a pill in bold stays bold", '<b><a href="https://matrix.to/#/@bob:example.org">Bob</a></b>', `${B}bob[m]${B}`],
  ["a room pill: its text, nothing more", '<a href="https://matrix.to/#/#room:example.org">#room:example.org</a>', "#room:example.org"],
  ["@room is nothing special", "@room look", "@room look"],
  ["font color: nearest of the 16", '<font color="#fe0101">r</font>', `${C}04r${C}`],
  ["data-mx-color and data-mx-bg-color", '<font data-mx-color="#000000" data-mx-bg-color="#FFFFFF">x</font>', `${C}01,00x${C}`],
  ["a colour of the 99 palette keeps its number", '<font data-mx-color="#ff8c00">o</font>', `${C}53o${C}`],
  ["a #rgb colour", '<span data-mx-color="#f00">r</span>', `${C}04r${C}`],
  ["background only: default foreground", '<span data-mx-bg-color="#ff0000">r</span>', `${C}99,04r${C}`],
  ["an invalid colour is ignored", '<font color="red; x">r</font>', "r"],
  ["colours nest and restore", '<font color="#ff0000">a<font color="#0000fc">b</font>c</font>', `${C}04a${C}12b${C}04c${C}`],
  ["a background ending resets the colours", '<font data-mx-color="#ff0000">a<span data-mx-bg-color="#0000fc">b</span>c</font>', `${C}04a${C}04,12b${C}${C}04c${C}`],
  ["a digit after a colour code is kept apart", '<font color="#ff0000">5</font>9', `${C}045${C}${B}${B}9`],
  ["a comma and digit after a foreground are kept apart", '<font color="#ff0000">,5</font>', `${C}04${B}${B},5${C}`],
  ["a spoiler: announced, black on black", 'see <span data-mx-spoiler="">the end</span>!', `see spoiler: ${C}01,01the end${C}!`],
  ["a spoiler with a reason; colours inside cannot show it", '<span data-mx-spoiler="plot"><font color="#ff0000">x</font></span>', `spoiler (plot): ${C}01,01x${C}`],
  ["the reply fallback is dropped", "<mx-reply><blockquote><a href=\"https://matrix.to/#/!r/$e\">In reply to</a> old</blockquote></mx-reply>the reply", "the reply"],
  ["an image: its alt, else [image]", '<img src="mxc://a/b" alt=":cat:"> <img src="mxc://a/c">', ":cat: [image]"],
  ["unknown tags: their text", "<details><summary>more</summary><marquee>hidden</marquee></details>", "more\nhidden"],
  ["script and style contents never reach IRC", "<script>alert(1)</script><style>p{}</style>ok", "ok"],
  ["sup, sub and span are just text", "x<sup>2</sup> <span>y</span>", "x2 y"],
  ["empty HTML falls back to the body", "", "**markdown**"],
];

describe("Matrix -> IRC formatting", () => {
  for (const [what, html, irc] of CASES) {
    it(what, () => {
      assert.equal(matrixToIrc({ body: "**markdown**", html }, nicks), irc);
    });
  }

  it("without HTML, the body as it is", () => {
    assert.equal(matrixToIrc({ body: "**x** and _y_\nline two" }, nicks), "**x** and _y_\nline two");
  });

  it("the markdown-ish body is never sent when there is HTML", () => {
    assert.equal(matrixToIrc({ body: "**x**", html: "<strong>x</strong>" }, nicks), `${B}x${B}`);
  });

  it("deep nesting is shown at 8 levels, and what one event becomes is bounded", () => {
    const quotes = matrixToIrc({ body: "q", html: `${"<blockquote>".repeat(20)}deep${"</blockquote>".repeat(20)}` }, nicks);
    assert.equal(quotes, `${"> ".repeat(8)}deep`);
    const lists = matrixToIrc({ body: "l", html: "<ul><li>x".repeat(6000) }, nicks);
    assert.ok(lists.length <= MAX_IRC_TEXT + 40, `${lists.length} characters`);
    assert.ok(lists.endsWith("[… cut: too long]"));
  });
});

