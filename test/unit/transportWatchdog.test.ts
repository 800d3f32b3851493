import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { once } from "node:events";
import { BridgeTransport } from "../../src/irc/transport";

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
  await once(transport, "open");
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
