/**
 * The transport's reads (irc/transport.ts): plain TCP sockets read into one shared buffer, so a line
 * split across reads must be copied out before another socket's read overwrites the buffer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { once } from "node:events";
import { BridgeTransport } from "../../src/irc/transport";
import { until } from "../support/until";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(): Promise<{ port: number; sockets: Socket[]; close: () => void }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    s.on("error", () => undefined);
    sockets.push(s);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, sockets, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
}

async function transportTo(port: number): Promise<{ transport: BridgeTransport; lines: string[] }> {
  const transport = new BridgeTransport({
    ircbridge: { endpoint: { host: "127.0.0.1", port, tls: false }, tlsConnect: undefined, localAddress: undefined, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 0 },
  });
  const lines: string[] = [];
  transport.on("line", (line: string) => lines.push(line));
  transport.connect();
  await new Promise<void>((resolve) => transport.once("open", resolve));
  return { transport, lines };
}

test("lines split across reads of two sockets, read in turns, arrive whole and each on its own connection", async (t) => {
  const a = await listen();
  const b = await listen();
  const ta = await transportTo(a.port);
  const tb = await transportTo(b.port);
  t.after(() => {
    ta.transport.disposeSocket();
    tb.transport.disposeSocket();
    a.close();
    b.close();
  });
  await until(() => a.sockets.length > 0 && b.sockets.length > 0, "both servers accepted");
  const [sa] = a.sockets;
  const [sb] = b.sockets;
  assert.ok(sa !== undefined && sb !== undefined);
  // Each piece is its own read (a pause between writes); the two sockets' reads alternate.
  const pieces: [Socket, string][] = [
    [sa, ":alice!a@h PRIVMSG #a :caf"],
    [sb, ":bob!b@h PRIVMSG #b :first whole line\r\n:bob!b@h PRIVMSG #b :sec"],
    [sa, "\u00e9 "],
    [sb, "ond \u00e9\u00e9\u00e9"],
    [sa, "d\u00e9j\u00e0 vu\r\n:alice!a@h PRIVMSG #a :next\r\n"],
    [sb, " end\n"],
  ];
  for (const [socket, text] of pieces) {
    socket.write(Buffer.from(text, "utf8"));
    await sleep(30);
  }
  await until(() => ta.lines.length >= 2 && tb.lines.length >= 2, "two lines on each connection");
  assert.deepEqual(ta.lines, [":alice!a@h PRIVMSG #a :caf\u00e9 d\u00e9j\u00e0 vu", ":alice!a@h PRIVMSG #a :next"]);
  assert.deepEqual(tb.lines, [":bob!b@h PRIVMSG #b :first whole line", ":bob!b@h PRIVMSG #b :second \u00e9\u00e9\u00e9 end"]);
});

test("a multi-byte character split between two reads is not broken", async (t) => {
  const a = await listen();
  const ta = await transportTo(a.port);
  t.after(() => {
    ta.transport.disposeSocket();
    a.close();
  });
  await until(() => a.sockets.length > 0, "the server accepted");
  const [sa] = a.sockets;
  assert.ok(sa !== undefined);
  const bytes = Buffer.from(":alice!a@h PRIVMSG #a :\u{1F389}!\r\n", "utf8");
  const cut = bytes.indexOf(0xf0) + 2;
  sa.write(bytes.subarray(0, cut));
  await sleep(30);
  sa.write(bytes.subarray(cut));
  await until(() => ta.lines.length >= 1, "the line");
  assert.deepEqual(ta.lines, [":alice!a@h PRIVMSG #a :\u{1F389}!"]);
});
