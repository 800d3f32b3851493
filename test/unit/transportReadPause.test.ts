import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, TLSSocket } from "node:tls";
import { once } from "node:events";
import { BridgeTransport, FOLLOW_AT_ONCE_BYTES } from "../../src/irc/transport";
import { ReadPauses } from "../../src/irc/readPauses";
import { FakeClock } from "../support/fakeClock";
import { until } from "../support/until";

/**
 * Two transports to one loopback server: `a` pauses (its pauses' timer is a fake clock the test
 * moves), `control` never does. A line starting with "copy" stands for a copy another connection
 * heard: skipped unread.
 */
async function scene(t: { after(fn: () => void): void }, mayPause = true) {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.on("data", () => undefined);
    accepted.push(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  let skipped = 0;
  const open = async (readPauses: ReadPauses | undefined) => {
    const lines: string[] = [];
    const transport = new BridgeTransport({
      ircbridge: {
        endpoint: { host: "127.0.0.1", port, tls: false },
        tlsConnect: undefined,
        localAddress: undefined,
        decodeLine: (b) => b.toString("utf8"),
        idleTimeoutMs: 60000,
        registered: () => true,
        mayPause: () => mayPause,
        skipLine: (line) => {
          if (!line.startsWith("copy")) return false;
          skipped++;
          return true;
        },
        readPauses,
      },
    });
    transport.on("line", (line: string) => lines.push(line));
    const before = accepted.length;
    transport.connect();
    await new Promise<void>((resolve) => transport.once("open", resolve));
    await until(() => accepted.length > before, "the server accepted");
    return { transport, lines, server: accepted[before] as Socket };
  };
  const a = await open(pauses);
  const control = await open(undefined);
  t.after(() => {
    a.transport.disposeSocket();
    control.transport.disposeSocket();
    server.close();
  });
  /** Resolves once `control` has read `marker`, sent after whatever was sent to `a`, and the event loop has gone round once more. */
  const afterMarker = async (marker: string) => {
    control.server.write(`${marker}\r\n`);
    await until(() => control.lines.includes(marker), `the control connection read ${marker}`);
    await new Promise((r) => setImmediate(r));
  };
  return { a, control, pauses, clock, skipped: () => skipped, afterMarker };
}

test("a read of nothing but skipped lines pauses the socket: what comes next is read only at the tick, in order", async (t) => {
  const { a, pauses, clock, afterMarker } = await scene(t);
  a.server.write("copy 1\r\n");
  await until(() => pauses.size === 1, "paused after a read of copies only");
  a.server.write(":bob!b@h PRIVMSG me :one\r\n:bob!b@h PRIVMSG me :two\r\n");
  await afterMarker("m1");
  assert.deepEqual(a.lines, [], "nothing read while paused (the control read a marker sent after it)");
  clock.advance(500);
  await until(() => a.lines.length === 2, "the lines read at the tick");
  assert.deepEqual(a.lines, [":bob!b@h PRIVMSG me :one", ":bob!b@h PRIVMSG me :two"]);
  assert.equal(pauses.size, 0, "a read that handed a line on does not pause");
  // Read at once now: no tick needed.
  a.server.write(":bob!b@h PRIVMSG me :three\r\n");
  await until(() => a.lines.length === 3, "read at once after a read that handed a line on");
});

test("a line written resumes a paused socket at once: its answer is read without the tick", async (t) => {
  const { a, pauses } = await scene(t);
  a.server.write("copy 1\r\n");
  await until(() => pauses.size === 1, "paused");
  a.transport.writeLine("PING :x");
  assert.equal(pauses.size, 0, "resumed by the write");
  a.server.write(":srv PONG srv :x\r\n");
  await until(() => a.lines.includes(":srv PONG srv :x"), "the answer read with the clock not moved");
});

test("a read mixing a copy and a line handed on does not pause", async (t) => {
  const { a, pauses, afterMarker } = await scene(t);
  a.server.write("copy 1\r\n:bob!b@h PRIVMSG me :hi\r\n");
  await until(() => a.lines.length === 1, "the line handed on");
  await afterMarker("m1");
  assert.equal(pauses.size, 0);
});

test(`a read of ${FOLLOW_AT_ONCE_BYTES} bytes or more is followed at once, copies only or not (the connection may be behind)`, async (t) => {
  const { a, pauses, skipped } = await scene(t);
  const line = `copy ${"x".repeat(95)}\r\n`;
  const count = Math.ceil((2 * FOLLOW_AT_ONCE_BYTES) / line.length);
  a.server.write(line.repeat(count));
  await until(() => skipped() === count, "every copy read and skipped");
  assert.equal(pauses.size, 0, "not paused after a large read");
  a.server.write(":bob!b@h PRIVMSG me :next\r\n");
  await until(() => a.lines.length === 1, "the next line read with the clock not moved");
});

test("a connection that may not pause now (not registered, or waiting for an answer) is never paused", async (t) => {
  const { a, pauses, skipped } = await scene(t, false);
  a.server.write("copy 1\r\n");
  await until(() => skipped() === 1, "the copy read");
  assert.equal(pauses.size, 0);
  a.server.write(":srv 001 me :Welcome\r\n");
  await until(() => a.lines.length === 1, "read at once");
});

test("a paused TLS socket empties its whole backlog at one tick: its stream's chunks are not left for later ticks", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "readpause-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=pause.test"], { stdio: "ignore" });
  let accepted: TLSSocket | undefined;
  const server = createTlsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (socket) => {
    socket.on("error", () => undefined);
    socket.on("data", () => undefined);
    accepted = socket;
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  const lines: string[] = [];
  const transport = new BridgeTransport({
    ircbridge: {
      endpoint: { host: "127.0.0.1", port, tls: true },
      tlsConnect: { rejectUnauthorized: false },
      tlsCheck: { verify: () => undefined, explain: () => undefined },
      localAddress: undefined,
      decodeLine: (b) => b.toString("utf8"),
      idleTimeoutMs: 60000,
      registered: () => true,
      mayPause: () => true,
      skipLine: (line) => line.startsWith("copy"),
      readPauses: pauses,
    },
  });
  t.after(() => {
    transport.disposeSocket();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  transport.on("line", (line: string) => lines.push(line));
  let own: TLSSocket | undefined;
  transport.on("extra", (_what, socket) => (own = socket instanceof TLSSocket ? socket : undefined));
  transport.connect();
  await new Promise<void>((resolve) => transport.once("open", resolve));
  await until(() => accepted !== undefined && own !== undefined, "the server accepted");
  const remote = accepted as TLSSocket;
  remote.write("copy 0\r\n");
  await until(() => pauses.size === 1, "paused after a read of copies only");
  // While paused: five records of copies, then the line that matters, each written on its own
  // (one TLS record each: the paused stream keeps them as separate chunks).
  for (let k = 1; k <= 5; k++) {
    remote.write(`copy ${k}\r\n`);
    await new Promise((r) => setImmediate(r));
  }
  const last = ":bob!b@h PRIVMSG me :after the copies\r\n";
  remote.write(last);
  // All of it decrypted and waiting in the paused socket's stream before the tick.
  const waiting = 5 * "copy k\r\n".length + last.length;
  await until(() => (own?.readableLength ?? 0) >= waiting, "the records waiting in the paused stream");
  assert.equal(lines.length, 0, "nothing read while paused");
  // One tick: everything waiting is read, the line after the copies included.
  clock.advance(500);
  await until(() => lines.includes(":bob!b@h PRIVMSG me :after the copies"), "the line after five records of copies, read at one tick");
});

test("a line cut by a pause (its start read with a copy, its end after the tick) is read whole, once", async (t) => {
  const { a, pauses, clock, afterMarker } = await scene(t);
  a.server.write("copy 1\r\n:bob!b@h PRIV");
  await until(() => pauses.size === 1, "paused: the read's only whole line was a copy");
  a.server.write("MSG me :whole\r\n");
  await afterMarker("m1");
  assert.equal(a.lines.length, 0, "the end waits in the socket");
  clock.advance(500);
  await until(() => a.lines.length === 1, "the line read at the tick");
  assert.deepEqual(a.lines, [":bob!b@h PRIVMSG me :whole"]);
});

test("a paused socket that the server closes is noticed at the tick, with its lines read first", async (t) => {
  const { a, pauses, clock } = await scene(t);
  const closed = new Promise<void>((resolve) => a.transport.on("close", () => resolve()));
  a.server.write("copy 1\r\n");
  await until(() => pauses.size === 1, "paused");
  a.server.end(":srv NOTICE me :last words\r\n");
  clock.advance(500);
  await closed;
  assert.deepEqual(a.lines, [":srv NOTICE me :last words"]);
});
