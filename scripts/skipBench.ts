/**
 * `node dist/scripts/skipBench.js` (after `npm run -s build`): what the check that drops a copy of a
 * channel line another connection already heard (src/irc/heardElsewhere.ts) costs per line, in
 * process. Every member of a channel of N bridged users runs it on each of the channel's lines, so it
 * is paid N times per line. The context is built like the connection's: names compared with the
 * server's casemapping, channel types from ISUPPORT, msgids looked up by folded channel. A script,
 * not a timed test: numbers vary with the machine; nothing passes or fails.
 */
import { foldCase, sameName } from "../src/irc/casemapping";
import { heardElsewhere, watchersWaitFor, type SkipContext } from "../src/irc/heardElsewhere";

const LINES = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const isupport = new Map([["CHANTYPES", "#&"], ["CASEMAPPING", "rfc1459"]]);
const known = new Set<string>();
for (let i = 0; i < LINES; i++) known.add(`#bench\u0000m${i}`);

const ctx: SkipContext = {
  known: (channel, msgid) => known.has(`${foldCase(channel, "rfc1459")}\u0000${msgid}`),
  isMe: (nick) => sameName(nick, "Bench_User_0042", isupport.get("CASEMAPPING") === "ascii" ? "ascii" : "rfc1459"),
  isChannel: (name) => name !== "" && (isupport.get("CHANTYPES") ?? "#&").includes(name.charAt(0)),
  waitingFor: (command) => watchersWaitFor(command, { joins: false, requests: false }),
};

const kinds: readonly (readonly [string, (i: number) => string])[] = [
  ["JOIN (extended-join)", (i) => `@msgid=m${i};time=2026-12-03T19:25:31.826Z :bench_user_${1000 + i}!~u@xzc4tg99yfu5i.irc JOIN #Bench * bench_user_${1000 + i}`],
  ["PRIVMSG", (i) => `@msgid=m${i};time=2026-12-03T19:25:31.826Z :bench_user_${1000 + i}!~u@xzc4tg99yfu5i.irc PRIVMSG #Bench :hey, did anyone get the new release to build on arm64?`],
  ["not a copy (a numeric)", (i) => `:irc.example.org 353 bench_user_0042 = #Bench :bench_user_${i} bench_user_${i + 1} bench_user_${i + 2}`],
];

const rows: string[] = [];
for (const [name, make] of kinds) {
  const lines = Array.from({ length: LINES }, (_, i) => make(i));
  let skipped = 0;
  for (let r = 0; r < ROUNDS / 5; r++) for (const line of lines) if (heardElsewhere(line, ctx)) skipped++;
  skipped = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) for (const line of lines) if (heardElsewhere(line, ctx)) skipped++;
  const ns = Number(process.hrtime.bigint() - start);
  rows.push(`${name.padEnd(24)} ${(ns / 1000 / (ROUNDS * LINES)).toFixed(3).padStart(7)} µs per line, ${skipped} of ${ROUNDS * LINES} skipped`);
}
process.stdout.write(`heardElsewhere, ${ROUNDS * LINES} lines of each kind:\n${rows.join("\n")}\n`);
