import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProvisionError } from "../../src/provisioning/links";
import { handleExchange, OpenIdExchange, type OpenIdSettings } from "../../src/provisioning/openId";
import { DEFAULT_DISALLOWED_IP_RANGES } from "../../src/provisioning/openId/ipRanges";
import { ProvisioningSessions } from "../../src/provisioning/openId/sessions";
import { FakeClock } from "../support/fakeClock";
import { FakeFederationNet, openIdServer, wellKnownServer } from "../support/fakeFederationNet";
import { recordingLogger } from "../support/recordingLogger";

const LIFETIME_S = 3600;
// Public addresses (none in the default disallowed ranges).
const WEB = "93.184.216.34";
const FED = "93.184.216.35";
const FED6 = "2606:2800:220:1:248:1893:25c8:1946";

function setup(settings: Partial<OpenIdSettings> = {}, maxInFlight?: number) {
  const net = new FakeFederationNet();
  const clock = new FakeClock();
  clock.t = 1_000_000;
  const sessions = new ProvisioningSessions({ lifetimeMs: LIFETIME_S * 1000, maxSessions: 100, maxPerUser: 5 }, clock);
  const { log, lines, settled } = recordingLogger();
  const exchange = new OpenIdExchange({
    settings: { disallowedIpRanges: DEFAULT_DISALLOWED_IP_RANGES, overrides: {}, sessionLifetimeSeconds: LIFETIME_S, ...settings },
    net,
    sessions,
    log,
    maxInFlight,
  });
  return { net, clock, sessions, exchange, lines, settled };
}

/** The exchange's refusal (status, errcode), failing the test when it succeeds or throws anything else. */
async function refusal(promise: Promise<unknown>): Promise<ProvisionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProvisionError) return err;
    throw err;
  }
  assert.fail("the exchange succeeded");
}

describe("OpenID exchange: finding the server", () => {
  it("follows .well-known delegation to a name with a port, and asks there with the delegated Host and TLS name", async () => {
    const { net, exchange } = setup();
    net.hosts.set("example.org", [WEB]);
    net.hosts.set("matrix.example.org", [FED]);
    net.servers.set(`${WEB}:443`, wellKnownServer({ "m.server": "matrix.example.org:8448" }));
    net.servers.set(`${FED}:8448`, openIdServer({ "tok-alice": "@alice:example.org" }));

    const result = await exchange.exchange({ matrixServer: "example.org", openIdToken: "tok-alice" });

    assert.equal(result.userId, "@alice:example.org");
    assert.match(result.token, /^ircbr-wdt-[A-Za-z0-9_-]{43}$/);
    assert.equal(exchange.userOf(result.token), "@alice:example.org");
    const [asked] = net.userInfoRequests;
    assert.deepEqual(
      { scheme: asked?.scheme, address: asked?.address, port: asked?.port, hostHeader: asked?.hostHeader, tlsName: asked?.tlsName },
      { scheme: "https", address: FED, port: 8448, hostHeader: "matrix.example.org:8448", tlsName: "matrix.example.org" },
    );
    assert.equal(asked?.path, "/_matrix/federation/v1/openid/userinfo?access_token=tok-alice");
  });

  it("without a well-known, uses SRV _matrix-fed._tcp, with the server name as Host and TLS name", async () => {
    const { net, exchange } = setup();
    net.hosts.set("srv.example", [WEB]);
    net.servers.set(`${WEB}:443`, wellKnownServer(undefined, 404));
    net.srv.set("_matrix-fed._tcp.srv.example", [
      { name: "backup.srv.example", port: 9000, priority: 20, weight: 0 },
      { name: "fed.srv.example", port: 8449, priority: 10, weight: 5 },
    ]);
    net.hosts.set("fed.srv.example", [FED6]);
    net.servers.set(`${FED6}:8449`, openIdServer({ t: "@bob:srv.example" }));

    const result = await exchange.exchange({ matrixServer: "srv.example", openIdToken: "t" });

    assert.equal(result.userId, "@bob:srv.example");
    const [asked] = net.userInfoRequests;
    assert.deepEqual([asked?.address, asked?.port, asked?.hostHeader, asked?.tlsName], [FED6, 8449, "srv.example", "srv.example"]);
  });

  it("without a well-known or SRV record, asks port 8448 of the name itself", async () => {
    const { net, exchange } = setup();
    net.hosts.set("plain.example", [WEB]); // nothing on :443 at all
    net.servers.set(`${WEB}:8448`, openIdServer({ t: "@carol:plain.example" }));

    assert.equal((await exchange.exchange({ matrixServer: "plain.example", openIdToken: "t" })).userId, "@carol:plain.example");
    assert.deepEqual(
      net.requests.map((r) => `${r.address}:${r.port}${r.path.split("?")[0] ?? ""} Host=${r.hostHeader}`),
      [`${WEB}:443/.well-known/matrix/server Host=plain.example`, `${WEB}:8448/_matrix/federation/v1/openid/userinfo Host=plain.example`],
    );
  });

  it("a server name with a port is asked there, without a well-known", async () => {
    const { net, exchange } = setup();
    net.hosts.set("ported.example", [WEB]);
    net.servers.set(`${WEB}:8008`, openIdServer({ t: "@dan:ported.example:8008" }));
    assert.equal((await exchange.exchange({ matrixServer: "ported.example:8008", openIdToken: "t" })).userId, "@dan:ported.example:8008");
    assert.deepEqual(net.requests.map((r) => r.hostHeader), ["ported.example:8008"]);
  });

  it("an unreachable server or one that cannot be found is a 502, with no session", async () => {
    const { net, exchange, sessions } = setup();
    net.hosts.set("down.example", [WEB]);
    assert.deepEqual(
      [await refusal(exchange.exchange({ matrixServer: "down.example", openIdToken: "t" }))].map((e) => [e.status, e.errcode]),
      [[502, "M_AS_BAD_OPENID"]],
    );
    const unknown = await refusal(exchange.exchange({ matrixServer: "nowhere.example", openIdToken: "t" }));
    assert.deepEqual([unknown.status, unknown.errcode], [502, "M_AS_BAD_OPENID"]);
    assert.equal(sessions.size, 0);
  });
});

describe("OpenID exchange: addresses the bridge may not contact", () => {
  it("refuses a server that resolves into a private range, before sending it anything", async () => {
    const { net, exchange, sessions } = setup();
    net.hosts.set("intranet.example", ["10.1.2.3"]);
    net.servers.set("10.1.2.3:443", wellKnownServer({ "m.server": "intranet.example:8448" }));
    net.servers.set("10.1.2.3:8448", openIdServer({ t: "@eve:intranet.example" }));

    const err = await refusal(exchange.exchange({ matrixServer: "intranet.example", openIdToken: "t" }));

    assert.deepEqual([err.status, err.errcode], [403, "M_AS_BAD_OPENID"]);
    assert.deepEqual(net.requests, []);
    assert.equal(sessions.size, 0);
  });

  it("refuses delegation (or SRV) into a disallowed range: only the public well-known was asked", async () => {
    const { net, exchange } = setup();
    net.hosts.set("example.org", [WEB]);
    net.servers.set(`${WEB}:443`, wellKnownServer({ "m.server": "internal.example.org" }));
    net.hosts.set("internal.example.org", ["192.168.1.5"]);
    net.servers.set("192.168.1.5:8448", openIdServer({ t: "@eve:example.org" }));
    const err = await refusal(exchange.exchange({ matrixServer: "example.org", openIdToken: "t" }));
    assert.equal(err.status, 403);
    assert.deepEqual(net.userInfoRequests, []);

    const srv = setup();
    srv.net.hosts.set("srv.example", [WEB]);
    srv.net.srv.set("_matrix-fed._tcp.srv.example", [{ name: "loop.srv.example", port: 8448, priority: 0, weight: 0 }]);
    srv.net.hosts.set("loop.srv.example", ["::ffff:127.0.0.1"]);
    srv.net.servers.set("::ffff:127.0.0.1:8448", openIdServer({ t: "@eve:srv.example" }));
    assert.equal((await refusal(srv.exchange.exchange({ matrixServer: "srv.example", openIdToken: "t" }))).status, 403);
    assert.deepEqual(srv.net.userInfoRequests, []);
  });

  it("refuses an IP literal server name in a disallowed range, and a name with any disallowed address", async () => {
    const { net, exchange } = setup();
    net.servers.set("127.0.0.1:8448", openIdServer({ t: "@eve:127.0.0.1" }));
    assert.equal((await refusal(exchange.exchange({ matrixServer: "127.0.0.1", openIdToken: "t" }))).status, 403);
    net.hosts.set("mixed.example", [WEB, "169.254.169.254"]);
    net.servers.set(`${WEB}:8448`, openIdServer({ t: "@eve:mixed.example" }));
    assert.equal((await refusal(exchange.exchange({ matrixServer: "mixed.example", openIdToken: "t" }))).status, 403);
    assert.deepEqual(net.requests, []);
  });

  it("the configured ranges replace the default ones", async () => {
    const { net, exchange } = setup({ disallowedIpRanges: ["93.184.216.0/24"] });
    net.hosts.set("example.org", [WEB]);
    assert.equal((await refusal(exchange.exchange({ matrixServer: "example.org", openIdToken: "t" }))).status, 403);
    net.hosts.set("lan.example", ["10.0.0.7"]);
    net.servers.set("10.0.0.7:8448", openIdServer({ t: "@f:lan.example" }));
    assert.equal((await exchange.exchange({ matrixServer: "lan.example", openIdToken: "t" })).userId, "@f:lan.example");
  });

  it("an override is asked at its URL, trusted even in a disallowed range, with the server name as Host", async () => {
    const { net, exchange } = setup({ overrides: { localhost: "http://127.0.0.1:18008" } });
    net.servers.set("127.0.0.1:18008", openIdServer({ t: "@gina:localhost" }));

    const result = await exchange.exchange({ matrixServer: "localhost", openIdToken: "t" });

    assert.equal(exchange.userOf(result.token), "@gina:localhost");
    assert.deepEqual(
      net.requests.map((r) => [r.scheme, r.address, r.port, r.hostHeader]),
      [["http", "127.0.0.1", 18008, "localhost"]],
    );
  });
});

describe("OpenID exchange: who the server may vouch for (CVE-2023-38691)", () => {
  for (const sub of ["@admin:victim.org", "@admin:example.org.evil", "@admin:example.org:8448", "@admin:EXAMPLE.ORG", "admin:example.org", "@:example.org", ""]) {
    it(`example.org answering sub ${JSON.stringify(sub)} opens no session`, async () => {
      const { net, exchange, sessions } = setup();
      net.hosts.set("example.org", [WEB]);
      net.servers.set(`${WEB}:8448`, openIdServer({ good: "@alice:example.org", bad: sub }));
      // Positive control: the same server vouching for its own user works.
      const ok = await exchange.exchange({ matrixServer: "example.org", openIdToken: "good" });
      assert.equal(exchange.userOf(ok.token), "@alice:example.org");

      const err = await refusal(exchange.exchange({ matrixServer: "example.org", openIdToken: "bad" }));

      assert.equal(err.errcode, "M_AS_BAD_OPENID");
      assert.ok(err.status === 403 || err.status === 502, `status ${err.status}`);
      assert.equal(sessions.size, 1);
    });
  }

  it("an override does not lift the check: an overridden server still vouches only for its own users", async () => {
    const { net, exchange, sessions } = setup({ overrides: { "evil.example": "http://127.0.0.1:18008" } });
    net.servers.set("127.0.0.1:18008", openIdServer({ t: "@admin:localhost" }));
    const err = await refusal(exchange.exchange({ matrixServer: "evil.example", openIdToken: "t" }));
    assert.deepEqual([err.status, err.errcode], [403, "M_AS_BAD_OPENID"]);
    assert.equal(net.userInfoRequests.length, 1);
    assert.equal(sessions.size, 0);
  });

  it("a token the server does not know is a 401 and opens no session", async () => {
    const { net, exchange, sessions } = setup();
    net.hosts.set("example.org", [WEB]);
    net.servers.set(`${WEB}:8448`, openIdServer({ good: "@alice:example.org" }));
    const err = await refusal(exchange.exchange({ matrixServer: "example.org", openIdToken: "forged" }));
    assert.deepEqual([err.status, err.errcode], [401, "M_AS_BAD_OPENID"]);
    assert.equal(net.userInfoRequests.length, 1);
    assert.equal(sessions.size, 0);
  });
});

describe("OpenID exchange: bad input", () => {
  const bodies: [string, unknown][] = [
    ["no body", undefined],
    ["an array", []],
    ["no matrixServer", { openIdToken: "t" }],
    ["no openIdToken", { matrixServer: "example.org" }],
    ["a number as server", { matrixServer: 5, openIdToken: "t" }],
    ["a server with a path", { matrixServer: "example.org/x", openIdToken: "t" }],
    ["a URL as server", { matrixServer: "https://example.org", openIdToken: "t" }],
    ["a server with a user", { matrixServer: "a@example.org", openIdToken: "t" }],
    ["a port out of range", { matrixServer: "example.org:70000", openIdToken: "t" }],
    ["an empty token", { matrixServer: "example.org", openIdToken: "" }],
    ["a token with a space", { matrixServer: "example.org", openIdToken: "a b" }],
    ["a token with a line break", { matrixServer: "example.org", openIdToken: "a\r\nb" }],
  ];
  for (const [what, body] of bodies) {
    it(`${what}: 400 M_AS_BAD_VALUE, nothing asked`, async () => {
      const { net, exchange } = setup();
      net.hosts.set("example.org", [WEB]);
      const err = await refusal(exchange.exchange(body));
      assert.deepEqual([err.status, err.errcode], [400, "M_AS_BAD_VALUE"]);
      assert.deepEqual(net.requests, []);
    });
  }
});

describe("provisioning sessions from an exchange", () => {
  async function signedIn() {
    const s = setup();
    s.net.hosts.set("example.org", [WEB]);
    s.net.servers.set(`${WEB}:8448`, openIdServer({ t1: "@alice:example.org", t2: "@bob:example.org" }));
    const { token } = await s.exchange.exchange({ matrixServer: "example.org", openIdToken: "t1" });
    return { ...s, token };
  }

  it("a session lasts openIdSessionLifetimeSeconds, then names nobody", async () => {
    const { exchange, clock, token } = await signedIn();
    clock.advance(LIFETIME_S * 1000 - 1);
    assert.equal(exchange.userOf(token), "@alice:example.org");
    clock.advance(1);
    assert.equal(exchange.userOf(token), undefined);
  });

  it("a wrong token names nobody; each exchange gets its own token", async () => {
    const { exchange, token } = await signedIn();
    const other = await exchange.exchange({ matrixServer: "example.org", openIdToken: "t2" });
    assert.notEqual(other.token, token);
    assert.equal(exchange.userOf(other.token), "@bob:example.org");
    assert.equal(exchange.userOf(token), "@alice:example.org");
    for (const wrong of ["", "t1", "ircbr-wdt-", `${token}x`, token.slice(0, -1), token.toUpperCase()]) {
      assert.equal(exchange.userOf(wrong), undefined, wrong);
    }
  });

  it("never logs the OpenID token or the session token", async () => {
    const { exchange, lines: logged, settled, token } = await signedIn();
    await refusal(exchange.exchange({ matrixServer: "example.org", openIdToken: "secret-forged-token" }));
    await settled();
    const lines = logged.map((l) => l.text);
    assert.ok(lines.some((l) => l.includes("session opened")), "the exchange logged (positive control)");
    assert.ok(lines.some((l) => l.includes("did not accept")), "the refusal logged (positive control)");
    for (const secret of [token, "t1", "secret-forged-token"]) {
      assert.deepEqual(lines.filter((l) => l.includes(`${secret}"`) || l.includes(`=${secret}`)), [], secret);
    }
  });
});

describe("handleExchange (what the API mounts at POST /v1/exchange_openid)", () => {
  it("answers 200 {token, userId}, or the refusal as {errcode, error} without the token", async () => {
    const { net, exchange } = setup();
    net.hosts.set("example.org", [WEB]);
    net.servers.set(`${WEB}:8448`, openIdServer({ good: "@alice:example.org", bad: "@root:victim.org" }));
    const handle = handleExchange(exchange);

    const ok = await handle({ matrixServer: "example.org", openIdToken: "good" });
    assert.equal(ok.status, 200);
    assert.deepEqual(Object.keys(ok.body).sort(), ["token", "userId"]);

    const refused = await handle({ matrixServer: "example.org", openIdToken: "bad" });
    assert.equal(refused.status, 403);
    assert.deepEqual(Object.keys(refused.body).sort(), ["errcode", "error"]);
    assert.doesNotMatch(JSON.stringify(refused.body), /"bad"|=bad/);
  });
});

describe("OpenID exchange: a server that does not serve userinfo", () => {
  it("a 404 (no openid resource) or a 500 is a 502, not taken for a refused token", async () => {
    const { net, exchange, sessions } = setup({ overrides: { "a.example": "http://93.184.216.40:8008", "b.example": "http://93.184.216.41:8008" } });
    net.servers.set("93.184.216.40:8008", () => ({ status: 404, json: { errcode: "M_UNRECOGNIZED" } }));
    net.servers.set("93.184.216.41:8008", () => ({ status: 500, json: undefined }));
    for (const matrixServer of ["a.example", "b.example"]) {
      const err = await refusal(exchange.exchange({ matrixServer, openIdToken: "t" }));
      assert.deepEqual([err.status, err.errcode], [502, "M_AS_BAD_OPENID"], matrixServer);
      assert.match(err.message, /did not answer the OpenID userinfo request/);
    }
    assert.equal(net.userInfoRequests.length, 2);
    assert.equal(sessions.size, 0);
  });
});

describe("OpenID exchange: bounded work", () => {
  it("at most maxInFlight exchanges at once; the next is refused with 429 until one ends", async () => {
    const { net, exchange } = setup({}, 2);
    net.hosts.set("slow.example", [WEB]);
    const answers: ((a: { status: number; json: unknown }) => void)[] = [];
    net.servers.set(`${WEB}:8448`, () => new Promise((resolve) => answers.push(resolve)));
    const first = exchange.exchange({ matrixServer: "slow.example", openIdToken: "a" });
    const second = exchange.exchange({ matrixServer: "slow.example", openIdToken: "b" });
    while (answers.length < 2) await new Promise((r) => setImmediate(r));

    const err = await refusal(exchange.exchange({ matrixServer: "slow.example", openIdToken: "c" }));
    assert.deepEqual([err.status, err.errcode], [429, "M_AS_LIMIT_EXCEEDED"]);
    assert.equal(net.userInfoRequests.length, 2);

    for (const answer of answers) answer({ status: 200, json: { sub: "@u:slow.example" } });
    await Promise.all([first, second]);
    answers.length = 0;
    const third = exchange.exchange({ matrixServer: "slow.example", openIdToken: "c" });
    while (answers.length < 1) await new Promise((r) => setImmediate(r));
    answers[0]?.({ status: 200, json: { sub: "@u:slow.example" } });
    assert.equal((await third).userId, "@u:slow.example");
  });

  it("signOut ends a session", async () => {
    const { net, exchange } = setup();
    net.hosts.set("example.org", [WEB]);
    net.servers.set(`${WEB}:8448`, openIdServer({ t: "@alice:example.org" }));
    const { token } = await exchange.exchange({ matrixServer: "example.org", openIdToken: "t" });
    assert.equal(exchange.signOut(token), true);
    assert.equal(exchange.userOf(token), undefined);
    assert.equal(exchange.signOut(token), false);
  });
});
