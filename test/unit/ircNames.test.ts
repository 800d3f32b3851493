import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldCase, parseCasemapping, sameName } from "../../src/irc/casemapping";
import { cleanNick, nickAlternatives, renderNick } from "../../src/irc/nickTemplate";
import { ChannelPolicy } from "../../src/rooms/channelPolicy";

describe("casemapping", () => {
  const table: [string, "ascii" | "rfc1459" | "strict-rfc1459", string][] = [
    ["Foo[]\\~", "rfc1459", "foo{}|^"],
    ["Foo[]\\~", "strict-rfc1459", "foo{}|~"],
    ["Foo[]\\~", "ascii", "foo[]\\~"],
    ["#Chan", "rfc1459", "#chan"],
    ["#chan", "rfc1459", "#chan"],
    ["#chan[X]\u{1F389}", "rfc1459", "#chan{x}\u{1F389}"],
    ["\u{1F389}#A", "ascii", "\u{1F389}#a"],
    ["#Été", "rfc1459", "#Été"],
    ["x~", "strict-rfc1459", "x~"],
    ["", "rfc1459", ""],
  ];
  for (const [text, mapping, folded] of table) {
    it(`${text} under ${mapping}`, () => assert.equal(foldCase(text, mapping), folded));
  }
  it("compares names with the mapping", () => {
    assert.ok(sameName("Nick[m]", "nick{m}", "rfc1459"));
    assert.ok(!sameName("Nick[m]", "nick{m}", "ascii"));
    assert.equal(parseCasemapping("ascii"), "ascii");
    assert.equal(parseCasemapping("rfc7613"), "rfc1459");
    assert.equal(parseCasemapping(undefined), "rfc1459");
  });
  it("compares in place exactly as folding both sides would", () => {
    const alphabet = ["a", "A", "z", "Z", "[", "{", "]", "}", "\\", "|", "~", "^", "@", "`", "é", "É", "\u{1F389}"];
    const names: string[] = [""];
    for (const x of alphabet) for (const y of alphabet) names.push(x + y, `n${x}`);
    for (const mapping of ["ascii", "rfc1459", "strict-rfc1459"] as const) {
      for (const a of names) for (const b of names) assert.equal(sameName(a, b, mapping), foldCase(a, mapping) === foldCase(b, mapping), `${a} ${b} ${mapping}`);
    }
  });
});

describe("nick template", () => {
  const table: [string, string | undefined, string, number, string][] = [
    ["{displayname}[m]", "Alice", "alice", 30, "Alice[m]"],
    ["{displayname}[m]", "Alice Smith", "alice", 30, "AliceSmith[m]"],
    ["{displayname}[m]", "🎉", "alice", 30, "alice[m]"],
    ["{displayname}[m]", undefined, "bob", 30, "bob[m]"],
    ["{displayname}[m]", "A very long display name indeed", "x", 9, "Averyl[m]"],
    ["{localpart}", "Whatever", "carol", 30, "carol"],
    ["{localpart}", undefined, "123abc", 30, "abc"],
    ["{displayname}", "-9lives", "cat", 30, "lives"],
    ["{localpart}", undefined, "_=2e", 30, "_2e"],
  ];
  for (const [template, displayname, localpart, nicklen, nick] of table) {
    it(`${template} for ${String(displayname)} / ${localpart} -> ${nick}`, () => {
      assert.equal(renderNick(template, { displayname, localpart }, nicklen), nick);
    });
  }

  it("never produces an empty or invalid nick", () => {
    assert.equal(renderNick("{localpart}", { localpart: "123", displayname: undefined }, 30), "m-123");
    assert.equal(cleanNick("a b\r\nc:d", 30), "abcd");
  });

  it("offers alternatives within NICKLEN", () => {
    const alts = [...nickAlternatives("abcdefghi", 9)].slice(0, 3);
    assert.deepEqual(alts, ["abcdefgh_", "abcdefgh1", "abcdefgh2"]);
    assert.equal([...nickAlternatives("bob", 30)][0], "bob_");
  });
});

describe("channel policy", () => {
  const more = { aliasForMappedChannels: false, requireBotJoin: false, maxPerMinute: 10, max: 1000, modeTimeoutSeconds: 5, published: false, useHomeserverDirectory: false };
  const policy = new ChannelPolicy({
    portals: { enabled: true, joinRule: "invite", excludedChannels: ["#Secret[ops]"], ...more },
    mappings: { "#Mapped": { roomIds: ["!a:hs", "!b:hs"] } },
  });

  it("refuses invalid and excluded channels, with the casemapping", () => {
    assert.deepEqual(policy.portalFor("#fine"), { allowed: true, joinRule: "invite" });
    assert.equal(policy.portalFor("nochannel").allowed, false);
    assert.equal(policy.portalFor("#has space").allowed, false);
    assert.equal(policy.portalFor("#secret{OPS}").allowed, false, "rfc1459 folds [] to {}");
    policy.setCasemapping("ascii");
    assert.equal(policy.portalFor("#secret{OPS}").allowed, true, "ascii does not");
    policy.setCasemapping("rfc1459");
  });

  it("finds mapped rooms regardless of case", () => {
    assert.deepEqual(policy.mappedRooms("#mapped"), ["!a:hs", "!b:hs"]);
    assert.deepEqual(policy.mappedRooms("#other"), []);
  });

  it("gives a mapped channel, in any casing, no second portal unless portals.aliasForMappedChannels", () => {
    assert.deepEqual(policy.portalFor("#MAPPED"), { allowed: false, reason: "#MAPPED is bridged to a mapped room (portals.aliasForMappedChannels is off)" });
    const both = new ChannelPolicy({ portals: { enabled: true, joinRule: "public", excludedChannels: [], ...more, aliasForMappedChannels: true }, mappings: { "#Mapped": { roomIds: ["!a:hs"] } } });
    assert.deepEqual(both.portalFor("#mapped"), { allowed: true, joinRule: "public" });
  });

  it("says why portals are off", () => {
    const off = new ChannelPolicy({ portals: { enabled: false, joinRule: "public", excludedChannels: [], ...more }, mappings: {} });
    assert.deepEqual(off.portalFor("#x"), { allowed: false, reason: "portal rooms are disabled on this network" });
  });
});
