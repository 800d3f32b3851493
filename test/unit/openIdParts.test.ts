import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { ProvisionError } from "../../src/provisioning/links";
import { DEFAULT_DISALLOWED_IP_RANGES, IpRanges, rangeProblem } from "../../src/provisioning/openId/ipRanges";
import { parseServerName } from "../../src/provisioning/openId/serverDiscovery";
import { ProvisioningSessions } from "../../src/provisioning/openId/sessions";
import { FakeClock } from "../support/fakeClock";

describe("server names (Server-Server API grammar)", () => {
  const table: [string, ReturnType<typeof parseServerName>][] = [
    ["example.org", { host: "example.org", port: undefined, ipVersion: 0 }],
    ["matrix.example.org:8448", { host: "matrix.example.org", port: 8448, ipVersion: 0 }],
    ["localhost", { host: "localhost", port: undefined, ipVersion: 0 }],
    ["1.2.3.4", { host: "1.2.3.4", port: undefined, ipVersion: 4 }],
    ["1.2.3.4:1234", { host: "1.2.3.4", port: 1234, ipVersion: 4 }],
    ["[1234:5678::abcd]", { host: "1234:5678::abcd", port: undefined, ipVersion: 6 }],
    ["[1234:5678::abcd]:5678", { host: "1234:5678::abcd", port: 5678, ipVersion: 6 }],
    ["", undefined],
    ["example.org:", undefined],
    ["example.org:0", undefined],
    ["example.org:65536", undefined],
    ["example.org/path", undefined],
    ["user@example.org", undefined],
    ["1234:5678::abcd", undefined],
    ["[not-ipv6]", undefined],
    ["-bad.example", undefined],
    ["exa mple.org", undefined],
    ["https://example.org", undefined],
  ];
  for (const [text, expected] of table) {
    it(JSON.stringify(text), () => assert.deepEqual(parseServerName(text), expected));
  }
});

describe("disallowed IP ranges", () => {
  const ranges = new IpRanges(DEFAULT_DISALLOWED_IP_RANGES);
  const table: [string, boolean][] = [
    ["127.0.0.1", true],
    ["10.255.0.1", true],
    ["172.31.255.255", true],
    ["172.32.0.1", false],
    ["192.168.0.1", true],
    ["169.254.169.254", true],
    ["0.0.0.0", true],
    ["::", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:10.0.0.1", true],
    ["fd12::1", true],
    ["fe80::1", true],
    ["93.184.216.34", false],
    ["2606:2800:220:1:248:1893:25c8:1946", false],
    ["not an address", true],
  ];
  for (const [address, inside] of table) {
    it(`${address}: ${inside ? "disallowed" : "allowed"}`, () => assert.equal(ranges.contains(address), inside));
  }
  it("a range that is none is named", () => {
    assert.equal(rangeProblem("10.0.0.0/8"), undefined);
    assert.equal(rangeProblem("fc00::/7"), undefined);
    assert.equal(rangeProblem("10.0.0.1"), undefined);
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "fc00::/129", "example.org/8", "10.0.0.0/8/8", "10.0.0.0/x"]) {
      assert.match(rangeProblem(bad) ?? "", /is not an IP range/, bad);
    }
  });
});

describe("the OpenID config keys", () => {
  const base = { homeserver: { url: "http://localhost:8008", domain: "localhost" }, ircNetworks: [{ id: "n", name: "N", address: "irc.example.org" }] };
  it("defaults: the private ranges, no overrides, a day", () => {
    const { provisioning } = parseConfig(JSON.stringify(base), "test");
    assert.deepEqual(provisioning.openIdDisallowedIpRanges, DEFAULT_DISALLOWED_IP_RANGES);
    assert.deepEqual(provisioning.openIdOverrides, {});
    assert.equal(provisioning.openIdSessionLifetimeSeconds, 86400);
  });
  const invalid: [string, unknown, RegExp][] = [
    ["a bad range", { openIdDisallowedIpRanges: ["10.0.0.0/8", "nope"] }, /provisioning\.openIdDisallowedIpRanges.*"nope" is not an IP range/],
    ["a bad server name", { openIdOverrides: { "https://x": "http://127.0.0.1:8008" } }, /provisioning\.openIdOverrides\["https:\/\/x"\]: key must be a Matrix server name/],
    ["a bad URL", { openIdOverrides: { localhost: "ftp://127.0.0.1" } }, /provisioning\.openIdOverrides\.localhost.*not an http or https URL/],
    ["a lifetime below a minute", { openIdSessionLifetimeSeconds: 5 }, /provisioning\.openIdSessionLifetimeSeconds/],
  ];
  for (const [what, provisioning, message] of invalid) {
    it(`${what} is refused, naming the key`, () => {
      assert.throws(() => parseConfig(JSON.stringify({ ...base, provisioning }), "test"), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }
});

describe("provisioning session bounds", () => {
  const limits = { lifetimeMs: 60_000, maxSessions: 3, maxPerUser: 2 };

  it("a user's newest sessions end their oldest, nobody else's", () => {
    const clock = new FakeClock();
    const sessions = new ProvisioningSessions(limits, clock);
    const bob = sessions.issue("@bob:x").token;
    const a1 = sessions.issue("@alice:x").token;
    const a2 = sessions.issue("@alice:x").token;
    const a3 = sessions.issue("@alice:x").token;
    assert.deepEqual([a1, a2, a3, bob].map((t) => sessions.userOf(t)), [undefined, "@alice:x", "@alice:x", "@bob:x"]);
  });

  it("when full, a new session is refused (429) until one expires; nobody is logged out for it", () => {
    const clock = new FakeClock();
    const sessions = new ProvisioningSessions(limits, clock);
    const held = ["@a:x", "@b:x", "@c:x"].map((u) => sessions.issue(u).token);
    assert.throws(
      () => sessions.issue("@d:x"),
      (err: unknown) => err instanceof ProvisionError && err.status === 429 && err.errcode === "M_AS_LIMIT_EXCEEDED",
    );
    assert.deepEqual(held.map((t) => sessions.userOf(t)), ["@a:x", "@b:x", "@c:x"]);
    clock.advance(60_000);
    assert.equal(sessions.userOf(sessions.issue("@d:x").token), "@d:x");
    assert.equal(sessions.size, 1);
  });

  it("keeps only a digest of each token; revoke ends a session", () => {
    const sessions = new ProvisioningSessions(limits, new FakeClock(), () => Buffer.alloc(32, 7));
    const { token } = sessions.issue("@a:x");
    assert.equal(token, `ircbr-wdt-${Buffer.alloc(32, 7).toString("base64url")}`);
    const stored = JSON.stringify(Object.values(sessions).map((v: unknown) => (v instanceof Map ? [...v] : null)));
    assert.match(stored, /@a:x/, "the session is in what was looked at (positive control)");
    assert.equal(stored.includes(token.slice(10)), false);
    assert.equal(sessions.revoke(token), true);
    assert.equal(sessions.userOf(token), undefined);
    assert.equal(sessions.revoke(token), false);
  });
});
