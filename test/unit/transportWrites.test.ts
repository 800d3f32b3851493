import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { once } from "node:events";
import { BridgeTransport } from "../../src/irc/transport";

test("lines written in one tick leave together at its end, in order", async () => {
  const received: Buffer[] = [];
  const server = createServer((s) => s.on("data", (d: Buffer) => received.push(d)));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const transport = new BridgeTransport({
    ircbridge: { endpoint: { host: "127.0.0.1", port, tls: false }, tlsConnect: undefined, localAddress: undefined, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 0 },
  });
  let socket: Socket | undefined;
  transport.on("extra", (_name, s) => (socket = s));
  transport.connect();
  await new Promise<void>((resolve) => transport.once("open", resolve));
  const s = socket ?? assert.fail("the transport's socket");
  transport.writeLine("CAP LS 302");
  transport.writeLine("NICK alice");
  transport.writeLine("USER alice 0 * :Alice");
  // Still in this tick: held together, nothing written yet.
  assert.equal(s.writableCorked, 1);
  assert.ok(s.writableLength > 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(s.writableCorked, 0);
  for (let i = 0; i < 100 && Buffer.concat(received).length < 46; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(Buffer.concat(received).toString("utf8"), "CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :Alice\r\n");
  transport.disposeSocket();
  server.close();
});
