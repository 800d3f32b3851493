import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientOptions } from "../../src/irc/clientOptions";
import type { ConnectionOptions } from "../../src/irc/connectionTypes";
import type { TransportOptions } from "../../src/irc/transport";

const options: ConnectionOptions = {
  id: "test/alice",
  server: { host: "irc.example.org", port: 6697, tls: true, bindAddress: undefined, password: "server-pass" },
  realname: "alice",
  pacing: { burstLines: 5, lineIntervalMs: 100, maxQueuedLines: 10 },
  keepalive: { pingIntervalS: 30, pingTimeoutS: 30 },
  reconnect: { minMs: 1000, maxMs: 2000 },
  gate: { request: () => undefined, cancel: () => undefined, report: () => undefined, holdReason: undefined },
  priority: () => 0,
};
const certificate = { key: "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n", cert: "-----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE-----\n" };
const tlsEndpoint = { host: "irc.example.org", port: 6697, tls: true };
const plainEndpoint = { host: "irc.example.org", port: 6667, tls: false };
const transportOf = (o: ReturnType<typeof clientOptions>): TransportOptions => o.ircbridge ?? assert.fail("the bridge's transport options");

describe("irc-framework options for one connection attempt", () => {
  it("a client certificate on TLS: presented by the transport, with SASL EXTERNAL", () => {
    const o = clientOptions(options, tlsEndpoint, { nick: "alice", username: "alice", auth: undefined, certificate });
    const tls = transportOf(o).tlsConnect ?? assert.fail("TLS");
    assert.equal(tls.key, certificate.key);
    assert.equal(tls.cert, certificate.cert);
    assert.equal(tls.servername, "irc.example.org");
    assert.equal(o.sasl_mechanism, "EXTERNAL");
  });

  it("on plain TCP no certificate is sent and SASL EXTERNAL is not asked for", () => {
    const o = clientOptions(options, plainEndpoint, { nick: "alice", username: "alice", auth: undefined, certificate });
    assert.equal(transportOf(o).tlsConnect, undefined);
    assert.equal(o.sasl_mechanism, undefined);
  });

  it("the server password is sent as PASS and never tried as an account login; a stored password is", () => {
    const none = clientOptions(options, tlsEndpoint, { nick: "alice", username: "alice", auth: undefined });
    assert.equal(none.password, "server-pass");
    assert.deepEqual(none.account, { account: "", password: "" }, "an empty account: irc-framework does not take PASS for SASL PLAIN");
    assert.equal(transportOf(none).tlsConnect?.cert, undefined);
    const stored = clientOptions(options, tlsEndpoint, { nick: "alice", username: "alice", auth: { account: "alice", password: "pw" } });
    assert.deepEqual(stored.account, { account: "alice", password: "pw" });
    assert.equal(stored.sasl_mechanism, undefined, "PLAIN, irc-framework's default");
  });

  it("a silent server is watched by the transport's keepalive (PING after pingIntervalSeconds of quiet, dropped after pingTimeoutSeconds), not by irc-framework's timers", () => {
    const o = clientOptions({ ...options, keepalive: { pingIntervalS: 10, pingTimeoutS: 45 } }, plainEndpoint, { nick: "alice", username: "alice", auth: undefined }, { registered: () => true });
    assert.equal(o.ping_timeout, 0);
    assert.equal(o.ping_interval, 0, "irc-framework PINGed every interval however busy the connection was");
    assert.equal(transportOf(o).idleTimeoutMs, 45000);
    assert.equal(transportOf(o).pingIntervalMs, 10000);
    assert.equal(transportOf(o).registered?.(), true);
  });
});
