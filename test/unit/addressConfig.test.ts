/**
 * Config of a network's addresses and encoding (additionalAddresses, addressFamily, encodingFallback):
 * what is refused at load names its key, and what is accepted reaches the network's ServerSettings.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { buildNetworkContext } from "../../src/irc/networkContext";

const config = (network: string) => {
  const address = /^address:/.test(network) ? "" : "address: irc.example.org, ";
  return parseConfig(`homeserver: { url: "http://hs:8008", domain: example.org }\nircNetworks:\n  - { id: net, name: Net, ${address}${network} }\n`, "test.yaml");
};

function refused(network: string, path: string, message: RegExp): void {
  assert.throws(
    () => config(network),
    (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path === path && message.test(p.message)),
    `${network} -> ${path}`,
  );
}

describe("addresses and encodings in the config", () => {
  it("defaults: no more addresses, either family, windows-1252", () => {
    const net = config("port: 6697").ircNetworks[0];
    assert.ok(net);
    assert.deepEqual(net.additionalAddresses, []);
    assert.equal(net.addressFamily, "any");
    assert.equal(net.encodingFallback, "windows-1252");
  });

  it("reaches the network's server settings: addresses with the network's port and TLS, the family, the fallback", () => {
    const net = config(`port: 6697, tls: true, additionalAddresses: ["irc2.example.org", "[2001:db8::7]:7000"], addressFamily: ipv6, encodingFallback: iso-8859-15`).ircNetworks[0];
    assert.ok(net);
    const server = buildNetworkContext(net, "example.org").server;
    assert.deepEqual(server.additionalAddresses, [
      { host: "irc2.example.org", port: 6697, tls: true },
      { host: "2001:db8::7", port: 7000, tls: true },
    ]);
    assert.equal(server.family, 6);
    assert.equal(server.encodingFallback, "iso-8859-15");
    assert.ok(server.lastGood !== undefined, "one memory of the address that worked, per network");
  });

  it("refuses an encoding Node cannot decode, or one that does not keep ASCII, naming encodingFallback", () => {
    refused("encodingFallback: klingon", "ircNetworks[0].encodingFallback", /not an encoding/);
    refused("encodingFallback: utf-16le", "ircNetworks[0].encodingFallback", /ASCII/);
  });

  it("refuses an entry that is not an address, naming additionalAddresses and the entry", () => {
    refused(`additionalAddresses: ["irc2.example.org", "irc3.example.org:99999"]`, "ircNetworks[0].additionalAddresses", /entry 1 .*99999/);
    refused(`additionalAddresses: ["not an address"]`, "ircNetworks[0].additionalAddresses", /entry 0/);
  });

  it("refuses a literal address of the other family than addressFamily, naming it", () => {
    refused(`addressFamily: ipv4, additionalAddresses: ["irc2.example.org", "[2001:db8::7]"]`, "ircNetworks[0].additionalAddresses[1]", /IPv6 address, but addressFamily is ipv4/);
    refused(`address: "192.0.2.1", addressFamily: ipv6, additionalAddresses: ["irc2.example.org"]`, "ircNetworks[0].address", /IPv4 address/);
  });

  it("a user's own IPv6 address needs a server it can dial over IPv6", () => {
    refused(`ipv6: { prefix: "2001:db8::/64" }, addressFamily: ipv4`, "ircNetworks[0].ipv6.prefix", /addressFamily is ipv4/);
    const ipv4Only = (more: string) => `address: "192.0.2.1", ipv6: { prefix: "2001:db8::/64" }, additionalAddresses: [${more}]`;
    refused(ipv4Only(`"192.0.2.2:7000"`), "ircNetworks[0].ipv6.prefix", /every address is IPv4/);
    config(ipv4Only(`"192.0.2.2:7000", "irc2.example.org"`));
    config(ipv4Only(`"[2001:db8:ffff::1]"`));
  });

  it("a bindAddress needs an address of its family", () => {
    refused(`bindAddress: "192.0.2.10", addressFamily: ipv6`, "ircNetworks[0].bindAddress", /addressFamily is ipv6/);
    refused(`address: "2001:db8::1", bindAddress: "192.0.2.10"`, "ircNetworks[0].bindAddress", /no address of the network/);
    config(`address: "2001:db8::1", bindAddress: "192.0.2.10", additionalAddresses: ["192.0.2.1"]`);
  });
});
