/**
 * endpoints.ts: the order a connection dials a network's addresses in, when the network counts as
 * unreachable, and which address family it dials with.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { EndpointRotation, LastGoodAddress, parseAddress, serverEndpoints } from "../../src/irc/endpoints";
import type { ServerEndpoint, ServerSettings } from "../../src/irc/serverSettings";

const ep = (host: string, port = 6697): ServerEndpoint => ({ host, port, tls: true });
const settings = (more: Partial<ServerSettings> = {}): ServerSettings => ({ host: "irc.example.org", port: 6697, tls: true, bindAddress: undefined, ...more });
const hosts = (list: readonly ServerEndpoint[]) => list.map((e) => `${e.host}:${e.port}/${e.family ?? "any"}`);

describe("EndpointRotation", () => {
  const three = [ep("a"), ep("b"), ep("c")];

  it("tries the addresses in order; the network is unreachable only after a whole round failed", () => {
    const r = new EndpointRotation(three, new LastGoodAddress());
    assert.equal(r.current().host, "a");
    assert.equal(r.failed(), true);
    assert.equal(r.current().host, "b");
    assert.equal(r.failed(), true);
    assert.equal(r.current().host, "c");
    assert.equal(r.failed(), false, "every address failed in a row");
    assert.equal(r.current().host, "a", "the next round starts over");
    assert.equal(r.failed(), true, "a new round");
  });

  it("stays on the address that registered, and a reconnect starts from it", () => {
    const r = new EndpointRotation(three, new LastGoodAddress());
    r.failed();
    r.registered();
    assert.equal(r.current().host, "b");
    // The registered connection dropped: its reconnect dials b again (connection.ts calls failed()
    // only for attempts that never registered).
    assert.equal(r.current().host, "b");
    assert.equal(r.failed(), true, "a failure after registering starts a new round");
    assert.equal(r.failed(), true);
    assert.equal(r.failed(), false);
  });

  it("a new connection starts from the address the network last registered on, until that address fails", () => {
    const memory = new LastGoodAddress();
    const first = new EndpointRotation(three, memory);
    first.failed();
    first.failed();
    first.registered();
    assert.equal(new EndpointRotation(three, memory).current().host, "c");
    const second = new EndpointRotation(three, memory);
    second.failed();
    assert.equal(new EndpointRotation(three, memory).current().host, "a", "c failed: forgotten");
  });

  it("property: within a round each address is tried once, in order, and only the last failure says unreachable", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 20 }), (n, startAt, failures) => {
        const list = Array.from({ length: n }, (_, i) => ep(`h${i}`));
        const memory = new LastGoodAddress();
        memory.worked(list[startAt % n] as ServerEndpoint);
        const r = new EndpointRotation(list, memory);
        const dialled: string[] = [];
        const verdicts: boolean[] = [];
        for (let i = 0; i < failures; i++) {
          dialled.push(r.current().host);
          verdicts.push(r.failed());
        }
        dialled.forEach((h, i) => assert.equal(h, `h${(startAt + i) % n}`));
        verdicts.forEach((more, i) => assert.equal(more, (i + 1) % n !== 0));
      }),
    );
  });
});

describe("serverEndpoints", () => {
  const many = settings({ additionalAddresses: [ep("192.0.2.7", 6667), ep("2001:db8::7"), ep("irc2.example.org")] });

  it("lists the first address then the additional ones, with the network's family preference", () => {
    assert.deepEqual(hosts(serverEndpoints(many)), ["irc.example.org:6697/any", "192.0.2.7:6667/any", "2001:db8::7:6697/any", "irc2.example.org:6697/any"]);
    assert.deepEqual(hosts(serverEndpoints({ ...many, family: 6 })), ["irc.example.org:6697/6", "2001:db8::7:6697/6", "irc2.example.org:6697/6"]);
  });

  it("a user with an IPv6 source address dials IPv6 only, whatever the network prefers", () => {
    const user = serverEndpoints({ ...many, family: 4, bindAddress: "2001:db8:1::42" });
    assert.deepEqual(hosts(user), ["irc.example.org:6697/6", "2001:db8::7:6697/6", "irc2.example.org:6697/6"]);
    assert.ok(user.every((e) => e.family === 6));
  });

  it("an IPv4 source address dials IPv4 only", () => {
    assert.deepEqual(hosts(serverEndpoints({ ...many, bindAddress: "192.0.2.10" })), ["irc.example.org:6697/4", "192.0.2.7:6667/4", "irc2.example.org:6697/4"]);
  });
});

describe("parseAddress", () => {
  it("reads host, host:port, [IPv6]:port and bare IPv6, with the network's port and TLS", () => {
    assert.deepEqual(parseAddress("irc2.example.org", 6697, true), { host: "irc2.example.org", port: 6697, tls: true });
    assert.deepEqual(parseAddress("irc2.example.org:7000", 6697, true), { host: "irc2.example.org", port: 7000, tls: true });
    assert.deepEqual(parseAddress("127.0.0.1:16667", 6697, false), { host: "127.0.0.1", port: 16667, tls: false });
    assert.deepEqual(parseAddress("[2001:db8::1]:7000", 6697, true), { host: "2001:db8::1", port: 7000, tls: true });
    assert.deepEqual(parseAddress("[2001:db8::1]", 6697, true), { host: "2001:db8::1", port: 6697, tls: true });
    assert.deepEqual(parseAddress("2001:db8::1", 6697, true), { host: "2001:db8::1", port: 6697, tls: true });
  });
  it("refuses what is not an address", () => {
    for (const bad of ["", "irc.example.org:", "irc.example.org:0", "irc.example.org:70000", "irc example.org", "[irc.example.org]:1", "a:b:c", "irc..example.org", "-x.org"]) {
      assert.equal(typeof parseAddress(bad, 6697, true), "string", bad);
    }
  });
});
