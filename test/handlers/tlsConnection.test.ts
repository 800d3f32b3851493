/**
 * A real IrcConnection (irc-framework over the bridge's transport) against scripted servers with a
 * self-signed certificate made by openssl: the certificate check, and the IRCv3 STS upgrade.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { IrcConnection, type ConnectionOptions } from "../../src/irc/connection";
import type { ServerSettings } from "../../src/irc/serverSettings";
import { StsPolicies } from "../../src/irc/sts";
import { DEFAULT_TLS, normalizeFingerprint } from "../../src/irc/tlsOptions";
import type { StsPolicyRecord } from "../../src/store/store";
import { onceGate } from "../support/connectedClient";
import { FakeIrcServer } from "../support/fakeIrcServer";

type Closed = { reason: string; tlsRefused?: boolean };

function selfSigned(): { key: string; cert: string; pin: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "tlsconn-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=secure.test", "-addext", "subjectAltName=DNS:secure.test,IP:127.0.0.1"], { stdio: "ignore" });
  const cert = readFileSync(join(dir, "cert.pem"), "utf8");
  return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert, pin: normalizeFingerprint(new X509Certificate(cert).fingerprint256) ?? "", dir };
}

/** Starts a connection and resolves with how its first attempt ended: registered, or closed with why. */
function attempt(server: ServerSettings): { connection: IrcConnection; outcome: Promise<{ registered: true } | Closed> } {
  const options: ConnectionOptions = {
    id: "test/tls",
    server,
    realname: "@alice:example.org",
    pacing: { burstLines: 100, lineIntervalMs: 0, maxQueuedLines: 100 },
    keepalive: { pingIntervalS: 3600, pingTimeoutS: 3600 },
    reconnect: { minMs: 60000, maxMs: 60000 },
    gate: onceGate(),
    priority: () => 0,
  };
  const connection = new IrcConnection(options);
  const outcome = new Promise<{ registered: true } | Closed>((resolve) => {
    connection.on("registered", () => resolve({ registered: true }));
    connection.on("closed", (e) => resolve(e));
  });
  connection.start({ nick: "alice", username: "alice" });
  return { connection, outcome };
}

describe("TLS connections (a scripted server with a self-signed certificate)", () => {
  const made = selfSigned();
  const servers: FakeIrcServer[] = [];
  const connections: IrcConnection[] = [];
  let tlsServer: FakeIrcServer;
  let tlsPort = 0;
  const serve = async (caps: readonly string[], tls?: { key: string; cert: string }) => {
    const server = new FakeIrcServer(caps, tls);
    servers.push(server);
    return { server, port: await server.listen() };
  };
  const run = (server: ServerSettings) => {
    const a = attempt(server);
    connections.push(a.connection);
    return a.outcome;
  };

  before(async () => {
    ({ server: tlsServer, port: tlsPort } = await serve(["sts=duration=300,port=1"], made));
  });
  after(async () => {
    for (const c of connections) c.close("test over");
    for (const s of servers) await s.close();
    rmSync(made.dir, { recursive: true, force: true });
  });

  it("without a pin: refused before a line is written, saying it is self-signed, with the fingerprint", async () => {
    const before = tlsServer.received.length;
    const outcome = await run({ host: "127.0.0.1", port: tlsPort, tls: true, bindAddress: undefined });
    assert.ok("reason" in outcome, "not registered");
    assert.equal(outcome.tlsRefused, true);
    assert.match(outcome.reason, /self-signed and not pinned/);
    assert.ok(outcome.reason.includes(new X509Certificate(made.cert).fingerprint256), outcome.reason);
    assert.deepEqual(tlsServer.received.slice(before), [], "nothing reached the server (no PASS, no NICK)");
  });

  it("with a wrong pin: refused, naming the fingerprint that is not among the pins", async () => {
    const outcome = await run({ host: "127.0.0.1", port: tlsPort, tls: true, bindAddress: undefined, tlsSettings: { ...DEFAULT_TLS, pins: ["AB".repeat(32)] } });
    assert.ok("reason" in outcome);
    assert.match(outcome.reason, /not among the pinned fingerprints/);
  });

  it("with the pin: connected", async () => {
    const outcome = await run({ host: "127.0.0.1", port: tlsPort, tls: true, bindAddress: undefined, tlsSettings: { ...DEFAULT_TLS, pins: [made.pin] } });
    assert.deepEqual(outcome, { registered: true });
  });

  it("with a CA file that signs it (the certificate itself) and the name on it: connected; a wrong name is refused by name", async () => {
    const ca = { ...DEFAULT_TLS, ca: made.cert };
    assert.deepEqual(await run({ host: "127.0.0.1", port: tlsPort, tls: true, bindAddress: undefined, tlsSettings: { ...ca, servername: "secure.test" } }), { registered: true });
    const wrong = await run({ host: "127.0.0.1", port: tlsPort, tls: true, bindAddress: undefined, tlsSettings: { ...ca, servername: "other.test" } });
    assert.ok("reason" in wrong);
    assert.match(wrong.reason, /is for secure\.test, 127\.0\.0\.1, not other\.test/);
  });

  it("STS: a plaintext server advertising sts=port=N sends the connection to TLS on N, the policy heard there is remembered, and a remembered policy never falls back to plaintext", async () => {
    const { server: secure, port: securePort } = await serve(["sts=duration=300,port=1"], made);
    const { server: plain, port: plainPort } = await serve([`sts=port=${securePort},duration=999`]);
    const records: StsPolicyRecord[] = [];
    const store = {
      all: () => Promise.resolve([...records]),
      put: (r: StsPolicyRecord) => Promise.resolve(void records.splice(0, records.length, r)),
      remove: () => Promise.resolve(void records.splice(0)),
    };
    const quiet = { info: () => undefined, warn: () => undefined };
    const sts = new StsPolicies("net");
    await sts.load(store, quiet);
    const tlsSettings = { ...DEFAULT_TLS, pins: [made.pin] };
    const outcome = await run({ host: "127.0.0.1", port: plainPort, tls: false, bindAddress: undefined, tlsSettings, sts });
    assert.deepEqual(outcome, { registered: true });
    assert.ok(secure.received.some((l) => /^NICK alice/.test(l)), "registered on the TLS server");
    assert.ok(plain.received.includes("CAP LS 302"));
    assert.ok(plain.received.includes("QUIT :upgrading to TLS"), "the plaintext connection was left");
    assert.deepEqual(
      records.map((r) => [r.host, r.port]),
      [["127.0.0.1", securePort]],
      "remembered: the host, and the TLS port it connected to",
    );

    // After a restart: a new book from the store sends the first attempt straight to TLS; with TLS
    // refused (no pin now) the reason says why there is no plaintext fallback.
    const restarted = new StsPolicies("net");
    await restarted.load(store, quiet);
    const plainBefore = plain.received.length;
    const refused = await run({ host: "127.0.0.1", port: plainPort, tls: false, bindAddress: undefined, sts: restarted });
    assert.ok("reason" in refused);
    assert.equal(refused.tlsRefused, true);
    assert.match(refused.reason, /self-signed and not pinned.*STS policy asks for TLS only \(port \d+, until .*\), so the bridge does not fall back to plaintext/);
    assert.equal(plain.received.length, plainBefore, "the plaintext server was not contacted");
  });
});
