import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { formatIpv6, ipv6Bytes, parseIpv6Prefix, userAddress, type Ipv6Prefix } from "../../src/puppets/ipv6Address";
import { userFace, versionReply } from "../../src/puppets/puppetFace";
import { cleanRealname, cleanUsername, renderRealname, renderUsername, truncateUtf8 } from "../../src/puppets/userTemplates";
import { puppetIdentity } from "../../src/puppets/identity";
import { openNedbStore } from "../../src/store/nedbStore";
import { fakeNetwork } from "../support/fakeNetwork";

function prefix(text: string): Ipv6Prefix {
  const parsed = parseIpv6Prefix(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

/** Whether `address` lies in `p` (its first p.length bits are the prefix's). */
function inside(p: Ipv6Prefix, address: string): boolean {
  const bytes = ipv6Bytes(address);
  if (bytes === undefined) return false;
  for (let bit = 0; bit < p.length; bit++) {
    const mask = 0x80 >> (bit & 7);
    if (((bytes[bit >> 3] ?? 0) & mask) !== ((p.bytes[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

describe("IPv6 addresses per user", () => {
  it("text round-trips in RFC 5952 form", () => {
    const cases: [string, string][] = [
      ["2001:db8::1", "2001:db8::1"],
      ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["::", "::"],
      ["::1", "::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["fe80::", "fe80::"],
    ];
    for (const [input, expected] of cases) {
      const bytes = ipv6Bytes(input);
      assert.ok(bytes !== undefined, input);
      assert.equal(formatIpv6(bytes), expected, input);
    }
    assert.equal(ipv6Bytes("192.0.2.1"), undefined);
    assert.equal(ipv6Bytes("::ffff:192.0.2.1"), undefined);
    assert.equal(ipv6Bytes("2001:db8::g"), undefined);
  });

  it("prefixes are checked, each refusal saying why", () => {
    assert.equal(typeof parseIpv6Prefix("2001:db8:1::/64"), "object");
    assert.equal(typeof parseIpv6Prefix("2001:db8::/48"), "object");
    const refused: [string, RegExp][] = [
      ["2001:db8::", /with its length/],
      ["2001:db8::/abc", /must be a number/],
      ["2001:db8::/96", /from 8 to 80/],
      ["2001:db8::/4", /from 8 to 80/],
      ["2001:db8::1/64", /bits set after the first 64/],
      ["10.0.0.0/8", /not an IPv6 address/],
    ];
    for (const [text, why] of refused) {
      const parsed = parseIpv6Prefix(text);
      assert.equal(typeof parsed, "string", text);
      assert.match(typeof parsed === "string" ? parsed : "", why, text);
    }
  });

  it("one stable address per user, inside the prefix, different for different users", () => {
    const p = prefix("2001:db8:5afe::/64");
    const alice = userAddress(p, "@alice:example.org");
    assert.equal(userAddress(p, "@alice:example.org"), alice, "stable");
    assert.ok(inside(p, alice), alice);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const address = userAddress(p, `@user${i}:example.org`);
      assert.ok(inside(p, address), address);
      assert.ok(ipv6Bytes(address) !== undefined, address);
      seen.add(address);
    }
    assert.equal(seen.size, 2000);
    // The same user in another prefix: inside that one.
    const q = prefix("2001:db8:ab00::/40");
    assert.ok(inside(q, userAddress(q, "@alice:example.org")));
    assert.notEqual(userAddress(q, "@alice:example.org"), alice);
  });

  it("a bad prefix in the config names its key", () => {
    const bad = () =>
      parseConfig(
        `homeserver: { url: "http://hs:8008", domain: example.org }\nircNetworks:\n  - { id: net, name: Net, address: irc.invalid, ipv6: { prefix: "2001:db8::1/64" } }\n`,
        "test.yaml",
      );
    assert.throws(bad, (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path === "ircNetworks[0].ipv6.prefix"));
  });

  it("a prefix for an IPv4 server is refused, naming ipv6.prefix", () => {
    const config = (address: string) =>
      parseConfig(`homeserver: { url: "http://hs:8008", domain: example.org }\nircNetworks:\n  - { id: net, name: Net, address: "${address}", ipv6: { prefix: "2001:db8::/64" } }\n`, "test.yaml");
    assert.throws(() => config("192.0.2.1"), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path === "ircNetworks[0].ipv6.prefix"));
    config("2001:db8:ffff::1");
    config("irc.example.org");
  });

  it("WEBIRC without an address to send is refused, naming webirc.address", () => {
    const config = (webirc: string, ipv6 = "") =>
      parseConfig(
        `homeserver: { url: "http://hs:8008", domain: example.org }\nircNetworks:\n  - { id: net, name: Net, address: irc.invalid, webirc: ${webirc}${ipv6} }\n`,
        "test.yaml",
      );
    assert.throws(() => config("{ password: secret }"), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path === "ircNetworks[0].webirc.address"));
    assert.throws(() => config("{ password: 'two words', address: 192.0.2.1 }"), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path === "ircNetworks[0].webirc.password"));
    config("{ password: secret, address: 192.0.2.1 }");
    config("{ password: secret }", ', ipv6: { prefix: "2001:db8::/64" }');
  });
});

describe("username and realname templates", () => {
  it("usernames: template, localpart letters and digits, ident characters only, 10 at most", () => {
    const cases: [string, string, string][] = [
      ["{localpart}", "@alice:example.org", "alice"],
      ["{localpart}", "@Jean-Pierre_Dupont:example.org", "jeanpierre"],
      ["m-{localpart}", "@bob:example.org", "m-bob"],
      ["M_{localpart}", "@bob:example.org", "m_bob"],
      ["{localpart}", "@___:example.org", "matrix"],
      ["--{localpart}", "@bob:example.org", "bob"],
      ["{localpart}\r\nQUIT", "@bob:example.org", "bobquit"],
      ["x {localpart}:@!", "@bob:example.org", "xbob"],
      ["{localpart}", "@a.b.c.d.e.f.g.h.i.j.k.l:example.org", "abcdefghij"],
      ["matrix.{localpart}", "@bob:example.org", "matrix.bob"],
      ["mx.{localpart}", "@verylongname:example.org", "mx.verylon"],
    ];
    for (const [template, userId, expected] of cases) assert.equal(renderUsername(template, userId), expected, `${template} ${userId}`);
    assert.equal(cleanUsername("abcdefghi.xyz"), "abcdefghi");
  });

  it("realnames: mxid, reverse-mxid, templates", () => {
    const templates = (realnameFormat: "mxid" | "reverse-mxid", realnameTemplate?: string) => ({ userTemplate: "{localpart}", realnameFormat, realnameTemplate });
    assert.equal(renderRealname(templates("mxid"), "@alice:example.org"), "@alice:example.org");
    assert.equal(renderRealname(templates("reverse-mxid"), "@alice:example.org"), "example.org:alice");
    assert.equal(renderRealname(templates("mxid", "{localpart} on {domain} ({mxid})"), "@alice:example.org"), "alice on example.org (@alice:example.org)");
    assert.equal(renderRealname(templates("mxid", "\u0000\r\n"), "@alice:example.org"), "Matrix user");
  });

  it("realnames are cleaned of control and format characters and cut to 64 bytes on a character boundary", () => {
    assert.equal(cleanRealname("a\r\nQUIT :x\u0000b"), "a QUIT :x b");
    assert.equal(cleanRealname("left\u202eright\u200b\u0007!"), "leftright !");
    const long = cleanRealname(`@${"é".repeat(40)}:example.org`);
    assert.ok(Buffer.byteLength(long, "utf8") <= 64);
    assert.equal(long, `@${"é".repeat(31)}`);
    assert.equal(truncateUtf8("😀😀😀", 9), "😀😀");
    assert.equal(truncateUtf8("abc", 3), "abc");
    // A long Matrix id as realname, the default format.
    const id = `@${"x".repeat(100)}:example.org`;
    assert.equal(renderRealname({ userTemplate: "{localpart}", realnameFormat: "mxid", realnameTemplate: undefined }, id), id.slice(0, 64));
  });

  it("a puppet's identity follows the network's userTemplate", async () => {
    const network = fakeNetwork(", userTemplate: 'mx-{localpart}'");
    const puppets = (await openNedbStore(undefined)).puppets;
    const first = await puppetIdentity(network, "@alice:example.org", puppets, () => Promise.resolve("Alice"));
    const second = await puppetIdentity(network, "@alice:other.org", puppets, () => Promise.resolve("Alice"));
    assert.equal(first.username, "mx-alice");
    assert.equal(second.username, "mx-alice1");
  });

  it("a user's connection: realname, own address, WEBIRC with that address", () => {
    const network = fakeNetwork(", realnameFormat: reverse-mxid, ipv6: { prefix: '2001:db8:5afe::/64' }, webirc: { password: pw, hostname: matrix.example.org }");
    const face = userFace(network.face, "@alice:example.org");
    assert.equal(face.realname, "example.org:alice");
    assert.ok(face.bindAddress?.startsWith("2001:db8:5afe:0:"), face.bindAddress);
    assert.deepEqual(face.webirc, { password: "pw", username: "matrix-irc-puppet-bridge", hostname: "matrix.example.org", address: face.bindAddress });
    const plain = userFace(fakeNetwork().face, "@alice:example.org");
    assert.deepEqual(plain, { realname: "@alice:example.org", bindAddress: undefined, webirc: undefined });
    const fixed = userFace(fakeNetwork(", webirc: { password: pw, address: 192.0.2.7 }").face, "@alice:example.org");
    assert.deepEqual(fixed.webirc, { password: "pw", username: "matrix-irc-puppet-bridge", hostname: "192.0.2.7", address: "192.0.2.7" });
  });

  it("the CTCP VERSION reply names the bridge, its version and the homeserver", () => {
    assert.equal(versionReply("1.2.3", "example.org"), "matrix-irc-puppet-bridge 1.2.3, bridging Matrix users of example.org");
  });
});
