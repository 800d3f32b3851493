/**
 * `npm run bench:names`: what a NAMES reply costs a connection that reads it (irc-framework parses
 * each 353 line into user objects, the connection maps them into a names event, the network feed
 * drops it: the member list is known from the channel's reader) against one that skips it unread
 * (src/irc/namesReplies.ts). When users join one channel one after another, the k-th joiner's
 * connection is sent a list of k members: at 1,000 users, 500 on average, about 13 lines of 40 nicks.
 *
 * A real IrcConnection (irc-framework, the bridge's transport) and a scripted server over loopback,
 * both in this process: the server's writes and the socket reads are the same either way, so the
 * difference between the two rows is the reading. CPU of the whole process (process.cpuUsage), per
 * reply: the server sends 25 replies, then a marker, per round trip.
 * A script, not a timed test: numbers vary with the machine; nothing passes or fails.
 */
import type { NamesEvent } from "../src/irc/events";
import { connected } from "../test/support/connectedClient";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
/** Replies the server sends per round trip, so the round trip (the request, the marker) weighs little. */
const BURST = 25;
const MEMBERS = (process.env.BENCH_MEMBERS ?? "100,500,1000").split(",").map(Number);
const PER_LINE = 40;

/** The 353 lines and the 366 of a channel of `members` nicks (bench_user_0000 …), 40 to a line. */
function reply(channel: string, members: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at < members; at += PER_LINE) {
    const nicks = Array.from({ length: Math.min(PER_LINE, members - at) }, (_, i) => `${i === 0 && at === 0 ? "@" : ""}bench_user_${String(at + i).padStart(4, "0")}`);
    lines.push(`:irc.example.org 353 alice = ${channel} :${nicks.join(" ")}`);
  }
  lines.push(`:irc.example.org 366 alice ${channel} :End of /NAMES list.`);
  return lines;
}

async function run(members: number, skip: boolean): Promise<{ readonly cpuUs: number; readonly lists: number; readonly lines: number }> {
  const { server, connection, done } = await connected(["message-tags"], { namesElsewhere: () => skip });
  try {
    let lists = 0;
    let markers = 0;
    let wake: (() => void) | undefined;
    connection.on("names", (_e: NamesEvent) => lists++);
    connection.on("message", () => {
      markers++;
      wake?.();
    });
    const lines = reply("#bench", members);
    server.onLine = (line, send) => {
      if (!line.startsWith("TOPIC ")) return;
      for (let i = 0; i < BURST; i++) for (const l of lines) send(l);
      send(":bob!b@h PRIVMSG alice :marker");
    };
    const round = async (expected: number) => {
      const arrived = new Promise<void>((resolve) => (wake = () => markers >= expected && resolve()));
      if (connection.send("TOPIC", ["#bench"]) === false) throw new Error("the connection refused to send");
      await arrived;
    };
    for (let r = 1; r <= ROUNDS / 10; r++) await round(r);
    lists = 0;
    const base = markers;
    const start = process.cpuUsage();
    for (let r = 1; r <= ROUNDS; r++) await round(base + r);
    const used = process.cpuUsage(start);
    return { cpuUs: (used.user + used.system) / BURST, lists, lines: lines.length };
  } finally {
    await done();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`NAMES replies, ${ROUNDS * BURST} per row (one connection, a scripted server in this process; CPU of the whole process per reply)\n`);
  for (const members of MEMBERS) {
    for (const skip of [false, true]) {
      const r = await run(members, skip);
      const label = `${members} members (${r.lines} lines), ${skip ? "skipped unread" : "read"}`;
      process.stdout.write(`${label.padEnd(42)} ${(r.cpuUs / ROUNDS).toFixed(0).padStart(6)} µs per reply, ${r.lists} names events\n`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`namesBench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
