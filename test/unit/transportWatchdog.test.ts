import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { once } from "node:events";
import { BridgeTransport } from "../../src/irc/transport";
import { until } from "../support/until";

/** A server that reads everything; `talk` makes it write a line every 50 ms. */
async function server(talk: boolean): Promise<{ server: Server; port: number }> {
  const s = createServer((socket: Socket) => {
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    if (talk) {
      const t = setInterval(() => socket.write(":srv NOTICE * :hello\r\n"), 50);
      socket.on("close", () => clearInterval(t));
    }
  });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  return { server: s, port: (s.address() as AddressInfo).port };
}

/** Connects, then writes a line every 50 ms (a user who keeps talking); resolves with the close reason or "open" at `untilMs`. */
async function run(port: number, untilMs: number): Promise<unknown> {
  const transport = new BridgeTransport({
    ircbridge: { endpoint: { host: "127.0.0.1", port, tls: false }, tlsConnect: undefined, localAddress: undefined, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 300 },
  });
  const closed = new Promise<unknown>((resolve) => transport.on("close", (reason: unknown) => resolve(reason)));
  transport.connect();
  await new Promise<void>((resolve) => transport.once("open", resolve));
  const writer = setInterval(() => transport.writeLine("PRIVMSG #c :still here"), 50);
  const result = await Promise.race([closed, new Promise((r) => setTimeout(() => r("open"), untilMs))]);
  clearInterval(writer);
  transport.disposeSocket();
  return result;
}

test("a server that says something keeps the connection open past the watchdog's time (control)", async () => {
  const { server: s, port } = await server(true);
  assert.equal(await run(port, 1000), "open");
  s.close();
});

test("a server that says nothing is dropped after idleTimeoutMs although the bridge keeps writing, and the reason says so", async () => {
  const { server: s, port } = await server(false);
  const reason = await run(port, 3000);
  assert.ok(reason instanceof Error, `closed by the watchdog, not still ${String(reason)}`);
  assert.match(reason.message, /nothing heard from the server/);
  s.close();
});

/** A server that records when each line came; with `answer` it PONGs every PING; `talkMs` makes it write a line every 30 ms for that long. */
async function pingServer(options: { answer: boolean; talkMs: number }) {
  const lines: { at: number; line: string }[] = [];
  let talkEnded = 0;
  const s = createServer((socket: Socket) => {
    socket.on("error", () => undefined);
    let buffer = "";
    socket.on("data", (d) => {
      buffer += d.toString("utf8");
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        lines.push({ at: Date.now(), line });
        if (options.answer && line.startsWith("PING ")) socket.write(`:srv PONG srv ${line.slice(5)}\r\n`);
      }
    });
    if (options.talkMs > 0) {
      const t = setInterval(() => socket.write(":srv NOTICE * :busy\r\n"), 30);
      setTimeout(() => {
        clearInterval(t);
        talkEnded = Date.now();
      }, options.talkMs);
      socket.on("close", () => clearInterval(t));
    }
  });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  return { server: s, port: (s.address() as AddressInfo).port, lines, talkEnded: () => talkEnded };
}

function keepaliveTransport(port: number, registered: () => boolean) {
  const transport = new BridgeTransport({
    ircbridge: { endpoint: { host: "127.0.0.1", port, tls: false }, tlsConnect: undefined, localAddress: undefined, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 600, pingIntervalMs: 150, registered },
  });
  const closed = new Promise<unknown>((resolve) => transport.on("close", (reason: unknown) => resolve(reason)));
  transport.connect();
  return { transport, closed };
}


test("a registered connection PINGs only once the server has been quiet for the interval, never while it talks", async (t) => {
  const srv = await pingServer({ answer: true, talkMs: 700 });
  const { transport } = keepaliveTransport(srv.port, () => true);
  t.after(() => {
    transport.disposeSocket();
    srv.server.close();
  });
  await new Promise<void>((resolve) => transport.once("open", resolve));
  const pings = () => srv.lines.filter((l) => l.line.startsWith("PING "));
  // Positive control: a PING does come once the server stops talking.
  await until(() => pings().length > 0, "a PING after the server went quiet");
  const first = pings()[0];
  assert.ok(first !== undefined && srv.talkEnded() > 0, "the server had stopped talking");
  assert.ok(first.at >= srv.talkEnded() + 100, `no PING while the server talked (first PING ${first.at - srv.talkEnded()} ms after it stopped)`);
  // PONGs keep it open: a quiet but answering server is pinged again and again, never dropped.
  await until(() => pings().length >= 3, "PINGed again after each quiet interval");
  assert.equal(transport.isConnected(), true);
});

test("a server that does not answer the PING is dropped after the timeout, after exactly one PING", async (t) => {
  const srv = await pingServer({ answer: false, talkMs: 0 });
  const { transport, closed } = keepaliveTransport(srv.port, () => true);
  t.after(() => {
    transport.disposeSocket();
    srv.server.close();
  });
  await new Promise<void>((resolve) => transport.once("open", resolve));
  const reason = await closed;
  assert.ok(reason instanceof Error);
  assert.match(reason.message, /nothing heard from the server/);
  assert.equal(srv.lines.filter((l) => l.line === "PING :ircbridge-keepalive").length, 1);
});

test("a connection that may not PING yet (not registered) sends none, and is still dropped after the timeout", async (t) => {
  const srv = await pingServer({ answer: false, talkMs: 0 });
  const { transport, closed } = keepaliveTransport(srv.port, () => false);
  t.after(() => {
    transport.disposeSocket();
    srv.server.close();
  });
  await new Promise<void>((resolve) => transport.once("open", resolve));
  transport.writeLine("NICK alice");
  const reason = await closed;
  assert.ok(reason instanceof Error);
  assert.deepEqual(
    srv.lines.map((l) => l.line),
    ["NICK alice"],
    "positive control: the server got our line, and no PING",
  );
});
