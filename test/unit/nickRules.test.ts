import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ghostNick } from "../../src/fromMatrix/ghostNick";
import { banMask } from "../../src/irc/channelRequests";
import { ServerNickLimits, targetNickProblem } from "../../src/irc/nickRules";
import { fakeNetwork } from "../support/fakeNetwork";

const LIMITS = { nicklen: 30, chantypes: "#&" };

describe("nicks an action may go to (targetNickProblem)", () => {
  const valid = ["bob", "Bob[m]", "a|b", "x\\y`z^{}", "_under", "nick-1", "ñandú", "[away]", "a".repeat(30)];
  for (const nick of valid) it(`accepts ${JSON.stringify(nick)}`, () => assert.equal(targetNickProblem(nick, LIMITS), undefined));

  const refused: [string, RegExp][] = [
    ["", /empty/],
    ["*", /cannot contain "\*"/],
    ["a*", /cannot contain "\*"/],
    ["a?b", /cannot contain "\?"/],
    ["a!b", /cannot contain "!"/],
    ["a@b", /cannot contain "@"/],
    ["a,b", /cannot contain ","/],
    ["#chan", /cannot contain "#"/],
    ["&chan", /cannot contain "&"/],
    [":x", /cannot contain ":"/],
    ["a:b", /cannot contain ":"/],
    ["a b", /spaces/],
    ["a\rb", /line breaks/],
    ["a\nb", /line breaks/],
    ["a\u0000b", /control/],
    ["a\u00a0b", /spaces/],
    ["a\u200bb", /control/],
    ["1abc", /digit or '-'/],
    ["-abc", /digit or '-'/],
    ["$a:x", /cannot contain "\$"/],
    ["~q", /cannot contain "~"/],
    ["+v", /cannot contain "\+"/],
    ["a.b", /cannot contain "\."/],
    ["a".repeat(31), /at most 30 characters/],
  ];
  for (const [nick, why] of refused) it(`refuses ${JSON.stringify(nick)}`, () => assert.match(targetNickProblem(nick, LIMITS) ?? "", why));

  it("a CHANTYPES character the server announced may not start a nick", () => {
    assert.match(targetNickProblem("^chan", { nicklen: 30, chantypes: "#^" }) ?? "", /starts a channel name/);
    assert.equal(targetNickProblem("^chan", LIMITS), undefined);
  });

  it("the server's NICKLEN and CHANTYPES are learnt from ISUPPORT; defaults until then", () => {
    const limits = new ServerNickLimits();
    assert.deepEqual([limits.nicklen, limits.chantypes], [30, "#&"]);
    limits.learn((name) => ({ NICKLEN: "16", CHANTYPES: "#" })[name]);
    assert.deepEqual([limits.nicklen, limits.chantypes], [16, "#"]);
    limits.learn((name) => (name === "NICKLEN" ? "nonsense" : undefined));
    assert.deepEqual([limits.nicklen, limits.chantypes], [16, "#"], "a value that is no number is ignored");
  });
});

describe("ghost ids -> nicks (ghostNick)", () => {
  const network = fakeNetwork();
  const table: [string, string | RegExp | undefined][] = [
    ["@irc_bob:example.org", "bob"],
    ["@irc_bob=5bm=5d:example.org", "bob[m]"],
    ["@irc_=2a:example.org", /"\*" is not a valid nick/],
    ["@irc_a=2cb:example.org", /"a,b" is not a valid nick .*","/],
    ["@irc_=23chan:example.org", /"#chan" is not a valid nick/],
    ["@irc_=3anick:example.org", /":nick" is not a valid nick/],
    ["@irc_a=21b=40c:example.org", /"a!b@c"/],
    ["@irc_a=0db:example.org", /"a\\u000db" is not a valid nick/],
    ["@irc_a=00b:example.org", /"a\\u0000b"/],
    ["@someone:example.org", undefined],
    ["@irc_bob:other.org", undefined],
  ];
  for (const [ghost, expected] of table) {
    it(ghost, () => {
      const decoded = ghostNick(network, ghost);
      if (expected === undefined) assert.equal(decoded, undefined);
      else if (typeof expected === "string") assert.deepEqual(decoded, { ok: true, nick: expected });
      else {
        assert.ok(decoded !== undefined && !decoded.ok, `${ghost} is refused`);
        assert.match(decoded.why, expected);
      }
    });
  }
});

describe("ban masks are built from parts that name someone (banMask)", () => {
  const table: [string, string | undefined, string | undefined][] = [
    ["spammer", "bad.host", "*!*@bad.host"],
    ["spammer", undefined, "spammer!*@*"],
    ["spammer", "*", "spammer!*@*"],
    ["spammer", "a*b", "spammer!*@*"],
    ["spammer", "a b", "spammer!*@*"],
    ["spammer", "x@y", "spammer!*@*"],
    ["*", undefined, undefined],
    ["*", "*", undefined],
    ["a,b", undefined, undefined],
    ["#chan", undefined, undefined],
    ["?", "", undefined],
    ["", undefined, undefined],
  ];
  for (const [nick, host, mask] of table) {
    it(`${nick} @ ${String(host)} -> ${String(mask)}`, () => assert.equal(banMask(nick, host), mask));
  }
});
