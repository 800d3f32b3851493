import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeNick, unescapeNick } from "../../src/matrix/localpart";
import { NetworkIds } from "../../src/matrix/networkIds";

const VALID_LOCALPART = /^[a-z0-9._=\-/]+$/;

describe("ghost localparts", () => {
  const table: [string, string][] = [
    ["bob", "bob"],
    ["Bob", "bob"],
    ["BOB_", "bob_"],
    ["Bob[m]", "bob=5bm=5d"],
    ["a|b", "a=7cb"],
    ["x\\y`z^{}", "x=5cy=60z=5e=7b=7d"],
    ["eq=ual", "eq=3dual"],
    ["nick-1", "nick-1"],
    ["ñandú", "=c3=b1and=c3=ba"],
  ];
  for (const [nick, localpart] of table) {
    it(`${nick} -> ${localpart}`, () => {
      assert.equal(escapeNick(nick), localpart);
      assert.match(escapeNick(nick), VALID_LOCALPART);
      assert.equal(unescapeNick(localpart), nick.toLowerCase());
    });
  }

  it("every printable ASCII nick character gives a valid lower-case localpart", () => {
    for (let c = 33; c < 127; c++) {
      const nick = `a${String.fromCharCode(c)}b`;
      const lp = escapeNick(nick);
      assert.match(lp, VALID_LOCALPART, `for ${JSON.stringify(nick)}`);
      assert.equal(unescapeNick(lp), nick.toLowerCase());
    }
  });

  it("refuses text that is not an escaped nick", () => {
    for (const bad of ["", "=zz", "=5", "UPPER", "a b", "=41"]) assert.equal(unescapeNick(bad), undefined, bad);
  });
});

describe("network ids", () => {
  const ids = new NetworkIds({ ghostTemplate: "irc_{nick}", aliasTemplate: "irc_{channel}" }, "example.org");

  it("ghost user ids both ways", () => {
    assert.equal(ids.ghostUserId("Alice[m]"), "@irc_alice=5bm=5d:example.org");
    assert.equal(ids.nickOfGhost("@irc_alice=5bm=5d:example.org"), "alice[m]");
    assert.equal(ids.nickOfGhost("@irc_:example.org"), undefined);
    assert.equal(ids.nickOfGhost("@someone:example.org"), undefined);
    assert.equal(ids.nickOfGhost("@irc_bob:other.org"), undefined);
  });

  it("portal aliases both ways", () => {
    assert.equal(ids.portalAlias("#chan"), "#irc_#chan:example.org");
    assert.equal(ids.channelOfAlias("#irc_#Chan:example.org"), "#Chan");
    assert.equal(ids.channelOfAlias("#irc_chan:example.org"), undefined);
    assert.equal(ids.channelOfAlias("#other_#chan:example.org"), undefined);
  });

  it("namespace regexes match our ids and nothing else", () => {
    const ghost = new RegExp(`^${ids.ghostRegex}$`);
    const alias = new RegExp(`^${ids.aliasRegex}$`);
    assert.ok(ghost.test(ids.ghostUserId("Some[Nick]")));
    assert.ok(!ghost.test("@irc_bob:example.org.evil"));
    assert.ok(!ghost.test("@ircbot:example.org"));
    assert.ok(alias.test(ids.portalAlias("#matrix-dev")));
    assert.ok(!alias.test("#irc_nochan:example.org"));
  });

  it("templates with a suffix", () => {
    const s = new NetworkIds({ ghostTemplate: "{nick}/libera", aliasTemplate: "{channel}/libera" }, "hs");
    assert.equal(s.ghostUserId("Bob"), "@bob/libera:hs");
    assert.equal(s.nickOfGhost("@bob/libera:hs"), "bob");
    assert.equal(s.channelOfAlias("##chat/libera:hs"), "#chat");
    assert.equal(s.channelOfAlias("###chat/libera:hs"), "##chat");
  });
});
