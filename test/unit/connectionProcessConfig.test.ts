import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { connectionProcess } from "../../src/compose/connectionProcess";
import { buildNetworkContext } from "../../src/irc/networkContext";
import { clientOptions } from "../../src/irc/clientOptions";
import { BridgeTransport } from "../../src/irc/transport";
import { RemoteTransport } from "../../src/pool/remoteTransport";
import { createLogger } from "../../src/observability/logger";

const minimal = `
homeserver: { url: "http://hs.example:8008", domain: example.org }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example }
`;

function problemPaths(text: string): string[] {
  try {
    parseConfig(text, "test.yaml");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => p.path);
  }
  return [];
}

const log = createLogger({ level: "error", file: undefined });

describe("the connectionProcess config", () => {
  it("is off by default: connections are the bridge's own sockets", () => {
    const config = parseConfig(minimal, "test.yaml");
    assert.equal(config.connectionProcess.enabled, false);
    const { link, networks } = connectionProcess(config, log, (n) => buildNetworkContext(n, "example.org"));
    assert.equal(link, undefined);
    assert.equal(networks[0]?.server.connectionProcess, undefined);
  });

  it("refuses bad values, naming the key", () => {
    assert.deepEqual(problemPaths(`${minimal}connectionProcess: { redisUrl: "http://redis:6379" }\n`), ["connectionProcess.redisUrl"]);
    assert.deepEqual(problemPaths(`${minimal}connectionProcess: { streamPrefix: "has space" }\n`), ["connectionProcess.streamPrefix"]);
    assert.deepEqual(problemPaths(`${minimal}connectionProcess: { leaseSeconds: 1 }\n`), ["connectionProcess.leaseSeconds"]);
  });

  it("when enabled, every network's connections (users' and bot's) go through the link", async () => {
    const config = parseConfig(`${minimal}connectionProcess: { enabled: true, redisUrl: "redis://127.0.0.1:1", streamPrefix: test }\n`, "test.yaml");
    const { link, networks } = connectionProcess(config, log, (n) => buildNetworkContext(n, "example.org"));
    assert.ok(link !== undefined);
    const server = networks[0]?.server ?? assert.fail("no network");
    assert.equal(server.connectionProcess?.network, "libera");
    const base = { id: "libera/@a:example.org", realname: "a", pacing: { burstLines: 1, lineIntervalMs: 0, maxQueuedLines: 1 }, keepalive: { pingIntervalS: 30, pingTimeoutS: 30 }, reconnect: { minMs: 1, maxMs: 1 }, gate: { request: () => undefined, cancel: () => undefined, report: () => undefined, holdReason: undefined }, priority: () => 0 };
    const endpoint = { host: "irc.libera.example", port: 6667, tls: false };
    const remote = clientOptions({ ...base, server }, endpoint, { nick: "a", username: "a", auth: undefined });
    assert.equal(remote.transport, RemoteTransport);
    assert.equal(remote.ircbridge?.remote?.connection, "libera/@a:example.org");
    const own = clientOptions({ ...base, server: { ...server, connectionProcess: undefined } }, endpoint, { nick: "a", username: "a", auth: undefined });
    assert.equal(own.transport, BridgeTransport);
    await link.stop();
  });
});
