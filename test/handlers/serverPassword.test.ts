/**
 * A network that refuses the bridge's server password (464, then ERROR, as Ergo does): every user
 * waiting for a connection is told once, plainly, that it is the bridge's configuration; the log
 * says it as an error (without the password); and the network is backed off like a throttle
 * instead of being probed every probeIntervalMs. The bot's login is sent as SASL where offered.
 */
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { describe, it } from "node:test";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { recordingLogger } from "../support/recordingLogger";
import { parseConfig } from "../../src/config/load";
import { buildNetworkContext } from "../../src/irc/networkContext";
import { testNetworkBridge } from "../support/testNetworkBridge";
import { onLines } from "../support/socketLines";

const BOT = "@ircbridge:example.org";

/** A server that refuses every registration as Ergo refuses a wrong PASS; it records what it got. */
async function refusingServer(): Promise<{ port: number; received: string[]; connections: () => number; close: () => Promise<void> }> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    onLines(socket, (line) => {
      received.push(line);
      if (/^USER /.test(line)) {
        socket.write(":srv 464 * :Password incorrect\r\nERROR :Password incorrect\r\n");
        socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("a wrong server password", () => {
  it("each waiting user is told once, the log says it, and the network is backed off, not hammered", async () => {
    const server = await refusingServer();
    const { log, lines, settled } = recordingLogger();
    const notices: [string, string][] = [];
    const config = parseConfig(
      `
homeserver: { url: "http://homeserver.invalid:8008", domain: example.org }
ircNetworks:
  - { id: testnet, name: TestNet, address: 127.0.0.1, port: ${server.port}, tls: false, password: wrong-pass-xyz,
      connect: { jitterMs: 0, probeIntervalMs: 100, breakerMinSeconds: 1, breakerMaxSeconds: 60 } }
`,
      "test.yaml",
    );
    const network = buildNetworkContext(config.ircNetworks[0] ?? assert.fail("no network"), "example.org");
    const { bridge } = testNetworkBridge({ network, store: await openNedbStore(undefined), api: new FakeMatrixApi(), botUserId: BOT, log, notify: (userId, text) => notices.push([userId, text]) });
    try {
      await bridge.start();
      bridge.joinedInMatrix("!room:example.org", "@alice:example.org", "alice");
      bridge.joinedInMatrix("!room:example.org", "@bob:example.org", "bob");
      // About 3.5 s: the breaker's 1 s, then 2 s; probing every 100 ms instead would be ~35 attempts.
      await new Promise((r) => setTimeout(r, 3500));
      await settled();
      assert.ok(server.received.includes("PASS wrong-pass-xyz"), "the configured password was sent");
      assert.ok(server.connections() >= 3, `retried meanwhile (${server.connections()} connections)`);
      assert.ok(server.connections() <= 6, `backed off like a throttle, not probed every 100 ms: ${server.connections()} connections in 3.5 s`);
      for (const user of ["@alice:example.org", "@bob:example.org"]) {
        const told = notices.filter(([u]) => u === user).map(([, text]) => text);
        assert.equal(told.length, 1, `${user} told once, not per retry: ${JSON.stringify(told)}`);
        assert.match(told[0] ?? "", /^TestNet refused the bridge's server password, .* tell the bridge's operator/);
      }
      assert.ok(lines.some((l) => l.level === "error" && /refused the bridge's server password: fix ircNetworks\[\]\.password/.test(l.message)), "the log says it as an error");
      assert.ok(!lines.some((l) => l.text.includes("wrong-pass-xyz")), "the password is never logged");
      assert.match(bridge.scheduler.holdReason ?? "", /refused the bridge's server password/);
    } finally {
      await bridge.stop();
      await server.close();
    }
  });
});
