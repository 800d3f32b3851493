/**
 * `node dist/scripts/formatBench.js` (after `npm run -s build`): what the formatting conversions add
 * to each message, in process (they are synchronous and do no I/O, so their CPU time is the added
 * latency). For typical lines both ways, each converted many times: p50 / p99 of one conversion, in
 * microseconds. A script, not a timed test: numbers vary with the machine; nothing passes or fails.
 */
import { ircToMatrix } from "../src/format/ircToMatrix";
import { matrixToIrc, type MatrixTextContent } from "../src/format/matrixToIrc";
import type { NickDirectory } from "../src/format/nickDirectory";
import { NetworkNicks } from "../src/bridge/networkNicks";
import { foldCase } from "../src/irc/casemapping";
import { ChannelRoster } from "../src/rooms/channelRoster";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20000);

const nicks: NickDirectory = {
  userOfNick: (nick) => (nick.toLowerCase() === "alice[m]" ? { userId: "@alice:example.org", displayName: "Alice" } : undefined),
  nickOfUser: (id) => (id === "@bob:example.org" ? "bob" : undefined),
};

const IRC_LINES: readonly (readonly [string, string])[] = [
  ["plain", "hey, did anyone get the new release to build on arm64? mine fails in the linker"],
  ["bold, italic, colour", "\x02note:\x02 the \x1dnightly\x1d build is \x0304,01broken\x03 again, see \x1fhttps://ci.example.org/42\x1f"],
  ["mention", "alice[m]: could you look at the failing test when you have a minute?"],
];

const MATRIX_MESSAGES: readonly (readonly [string, MatrixTextContent])[] = [
  ["plain (no HTML)", { body: "hey, did anyone get the new release to build on arm64? mine fails in the linker" }],
  ["em, strong, link", { body: "_hi_ **there**", html: 'I <em>think</em> it is <strong>fixed</strong> in <a href="https://example.org/pr/7">the PR</a>' }],
  ["pill and code", { body: "Bob: run x", html: '<a href="https://matrix.to/#/@bob:example.org">Bob</a>: run <code>npm ci</code> first, then <code>npm test</code>' }],
  ["list and quote", { body: "x", html: "<blockquote>\n<p>does it work?</p>\n</blockquote>\n<ul>\n<li>yes on <strong>amd64</strong></li>\n<li>no on arm64</li>\n</ul>\n" }],
];

function measure(run: () => unknown): { p50: number; p99: number } {
  for (let i = 0; i < 2000; i++) run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

const rows: string[] = ["| direction | message | p50 µs | p99 µs |", "| --- | --- | --- | --- |"];
for (const [what, line] of IRC_LINES) {
  const { p50, p99 } = measure(() => ircToMatrix(line, nicks));
  rows.push(`| IRC -> Matrix | ${what} | ${p50.toFixed(1)} | ${p99.toFixed(1)} |`);
}
for (const [what, content] of MATRIX_MESSAGES) {
  const { p50, p99 } = measure(() => matrixToIrc(content, nicks));
  rows.push(`| Matrix -> IRC | ${what} | ${p50.toFixed(1)} | ${p99.toFixed(1)} |`);
}
// A big bridge: mentions looked up against the roster of 1,000 channels of 50 members each (every word
// of a line is a lookup), through the network's real nick directory.
const fold = (name: string) => foldCase(name, "rfc1459");
const roster = new ChannelRoster(fold);
for (let c = 0; c < 1000; c++) roster.names(`#chan${c}`, Array.from({ length: 50 }, (_, m) => ({ nick: `user${(c * 37 + m) % 20000}`, modes: [] })));
const directory = new NetworkNicks({
  puppetOfNick: () => undefined,
  puppetNick: () => undefined,
  isOurs: () => false,
  present: (nick) => roster.spelling(nick),
  ghostUserId: (nick) => `@irc_${nick.toLowerCase()}:example.org`,
  nickOfGhost: () => undefined,
  nickTemplate: "{displayname}[m]",
});
const words = Array.from({ length: 60 }, (_, i) => (i % 12 === 0 ? `user${i * 7}` : ["the", "build", "fails", "again", "on", "arm64", "linker", "error"][i % 8])).join(" ");
{
  const { p50, p99 } = measure(() => ircToMatrix(words, directory));
  rows.push(`| IRC -> Matrix | 60 words, 5 of them nicks, roster of 1,000 channels x 50 | ${p50.toFixed(1)} | ${p99.toFixed(1)} |`);
}
process.stdout.write(`${rows.join("\n")}\n(${ITERATIONS} conversions each, after 2000 to warm up)\n`);
