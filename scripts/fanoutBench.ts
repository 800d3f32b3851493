/**
 * `npm run bench:fanout`: what it costs the bridge's process when one channel line reaches each of
 * N sockets, as it does in a channel of N puppets (every member hears every JOIN, PART and message;
 * the broker delivers one copy and the others are dropped unread: src/irc/heardElsewhere.ts).
 *
 * A child process (this script with --serve) accepts SOCKETS connections on loopback and writes
 * LINES JOIN lines (with msgids, as Ergo sends them) to every socket, once all are accepted, one line to all of them per
 * turn of its event loop. This process reads them two ways, in turn:
 * - `node socket`: a bare net socket reading into one shared buffer, its callback doing nothing:
 *   what Node and the kernel cost per read, the floor for any reader in Node;
 * - `bridge transport`: the bridge's own transport (src/irc/transport.ts) cutting the bytes into
 *   lines, decoding them and asking the skip check, which drops every copy (the broker "knows" each
 *   msgid), as on a connection that is not the channel's reader.
 * Per line received: user and kernel CPU of this process (process.cpuUsage), after one round to warm
 * up. A script, not a test: numbers vary with the machine; nothing passes or fails.
 */
import { fork } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";
import { BridgeTransport } from "../src/irc/transport";
import { heardElsewhere, watchersWaitFor, type SkipContext } from "../src/irc/heardElsewhere";
import { foldCase, sameName } from "../src/irc/casemapping";
import { lineDecoder } from "../src/irc/decodeLine";

const SOCKETS = Number(process.env.SOCKETS ?? 1000);
const LINES = Number(process.env.LINES ?? 200);

if (process.argv[2] === "--serve") serve();
else void main();

/** The child: accepts sockets, and on {go, base} writes `go` lines to every socket, then answers {done}. */
function serve(): void {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => undefined);
    sockets.push(socket);
    if (sockets.length === SOCKETS) process.send?.({ accepted: SOCKETS });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 });
  });
  process.on("message", (m: { go: number; base: number } | { stop: true }) => {
    if ("stop" in m) process.exit(0);
    void (async () => {
      for (let i = 0; i < m.go; i++) {
        const n = m.base + i;
        const line = Buffer.from(`@msgid=m${n};time=2026-12-04T19:25:31.826Z :bench_user_${n}!~u@xzc4tg99yfu5i.irc JOIN #Bench * bench_user_${n}\r\n`);
        for (const socket of sockets) socket.write(line);
        await new Promise((resolve) => setImmediate(resolve));
      }
      process.send?.({ done: true });
    })();
  });
}

type Reader = "node socket" | "bridge transport";

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const reader of ["node socket", "bridge transport", "node socket", "bridge transport"] as const) rows.push(await measure(reader));
  process.stdout.write(`${SOCKETS} sockets, ${LINES} lines to each (${SOCKETS * LINES} reads of a line), CPU of the reading process per line:\n${rows.join("\n")}\n`);
}

async function measure(reader: Reader): Promise<string> {
  const child = fork(__filename, ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
  const accepted = new Promise((resolve) => child.once("message", resolve));
  let lines = 0;
  const closers: (() => void)[] = [];
  const ctx: SkipContext = {
    known: (channel, msgid) => foldCase(channel, "rfc1459") === "#bench" && msgid !== "",
    isMe: (nick) => sameName(nick, "Bench_Reader", "rfc1459"),
    isChannel: (name) => name.startsWith("#"),
    waitingFor: (command) => watchersWaitFor(command, { joins: false, requests: false }),
  };
  const shared = Buffer.allocUnsafe(64 * 1024);
  for (let i = 0; i < SOCKETS; i++) {
    if (reader === "node socket") {
      // Counts bytes: a read may hold several lines.
      const socket = connect({ host: "127.0.0.1", port, onread: { buffer: shared, callback: (n) => ((lines += countLines(shared, n)), true) } });
      socket.setNoDelay(true);
      closers.push(() => socket.destroy());
    } else {
      const transport = new BridgeTransport({
        ircbridge: {
          endpoint: { host: "127.0.0.1", port, tls: false },
          tlsConnect: undefined,
          localAddress: undefined,
          decodeLine: lineDecoder(),
          idleTimeoutMs: 600000,
          pingIntervalMs: 300000,
          registered: () => false,
          skipLine: (line) => (lines++, heardElsewhere(line, ctx)),
        },
      });
      transport.on("line", () => {
        throw new Error("a copy was not skipped");
      });
      transport.connect();
      closers.push(() => transport.close(true));
    }
  }
  // Every socket accepted and connected before the lines go out (a few may wait in the listen backlog).
  await accepted;
  await new Promise((resolve) => setTimeout(resolve, 500));
  let result = "";
  for (let round = 0; round < 2; round++) {
    lines = 0;
    const started = process.cpuUsage();
    child.send({ go: LINES, base: round * LINES });
    await new Promise((resolve) => child.once("message", resolve));
    const deadline = Date.now() + 120000;
    while (lines < SOCKETS * LINES) {
      if (Date.now() > deadline) throw new Error(`only ${lines} of ${SOCKETS * LINES} lines arrived in 2 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const used = process.cpuUsage(started);
    result = `${reader.padEnd(17)} user ${(used.user / lines).toFixed(2).padStart(5)} µs, kernel ${(used.system / lines).toFixed(2).padStart(5)} µs, in all ${((used.user + used.system) / lines).toFixed(2).padStart(5)} µs per line`;
  }
  for (const close of closers) close();
  child.send({ stop: true });
  await new Promise((resolve) => child.once("exit", resolve));
  return result;
}

function countLines(buffer: Buffer, n: number): number {
  let count = 0;
  for (let at = buffer.indexOf(0x0a); at !== -1 && at < n; at = buffer.indexOf(0x0a, at + 1)) count++;
  return count;
}
