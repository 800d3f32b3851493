import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { completeMask, maskMatches } from "../../src/irc/masks";
import { announcedModes, modeSpec, orderPrefixes, parseModeChanges, parsePrefix, rankOf, type ModeChange } from "../../src/irc/modes";

const solanum = modeSpec("(ov)@+", "eIbq,k,flj,CFLMPQScgimnprstuz");
const unreal = modeSpec("(qaohv)~&@%+", "beI,kLf,l,psmntirzMQNRTOVKDdGPZSCc");

/** Changes as short strings: "+o nick1", "-b mask", "+m". */
const short = (changes: readonly ModeChange[]) => changes.map((c) => `${c.add ? "+" : "-"}${c.mode}${c.param === undefined ? "" : ` ${c.param}`}`);

describe("ISUPPORT PREFIX and CHANMODES", () => {
  it("reads PREFIX, highest rank first", () => {
    assert.deepEqual(parsePrefix("(qaohv)~&@%+"), [
      { mode: "q", symbol: "~" },
      { mode: "a", symbol: "&" },
      { mode: "o", symbol: "@" },
      { mode: "h", symbol: "%" },
      { mode: "v", symbol: "+" },
    ]);
    assert.deepEqual(parsePrefix(""), []);
    assert.equal(parsePrefix("(ov)@"), undefined, "modes and symbols must pair up");
    assert.equal(parsePrefix("ov@+"), undefined);
  });

  it("falls back to the RFC defaults when nothing (or nonsense) was announced", () => {
    const spec = modeSpec(undefined, undefined);
    assert.deepEqual(spec.prefix.map((p) => p.mode), ["o", "v"]);
    assert.equal(spec.lists, "beI");
    assert.deepEqual(modeSpec("garbage", undefined).prefix.map((p) => p.mode), ["o", "v"]);
  });

  it("keeps the PREFIX and CHANMODES tokens of 005 lines, over what was known", () => {
    const first = announcedModes(["me", "CASEMAPPING=rfc1459", "PREFIX=(ov)@+", "are supported"], { prefix: undefined, chanmodes: undefined });
    assert.deepEqual(first, { prefix: "(ov)@+", chanmodes: undefined });
    const second = announcedModes(["me", "CHANMODES=beI,k,l,imnpst", "are supported"], first);
    assert.deepEqual(second, { prefix: "(ov)@+", chanmodes: "beI,k,l,imnpst" });
  });

  it("ranks and orders prefix modes", () => {
    assert.equal(rankOf("q", unreal.prefix), 0);
    assert.equal(rankOf("v", unreal.prefix), 4);
    assert.equal(rankOf("h", solanum.prefix), -1);
    assert.equal(orderPrefixes(["v", "o", "q", "x"], unreal.prefix), "qov");
  });
});

describe("mode strings", () => {
  const table: [string, string, string[], ReturnType<typeof modeSpec>, string[]][] = [
    ["+ov-b with three parameters", "+ov-b", ["nick1", "nick2", "*!*@bad"], solanum, ["+o nick1", "+v nick2", "-b *!*@bad"]],
    ["flags take no parameter", "+mnt", [], solanum, ["+m", "+n", "+t"]],
    ["a key is taken when set and when removed", "+k-k", ["secret", "secret"], solanum, ["+k secret", "-k secret"]],
    ["a limit only when set", "+l-l+i", ["20"], solanum, ["+l 20", "-l", "+i"]],
    ["sign carries over", "-oo+v", ["a", "b", "c"], solanum, ["-o a", "-o b", "+v c"]],
    ["prefix modes of the server only", "+qh", ["boss", "helper"], unreal, ["+q boss", "+h helper"]],
    ["h is a flag where PREFIX has no h", "+h", ["helper"], solanum, ["+h"]],
    ["a missing parameter is undefined", "+o", [], solanum, ["+o"]],
    ["list modes in Solanum's own order", "+qe", ["*!*@q", "*!*@e"], solanum, ["+q *!*@q", "+e *!*@e"]],
  ];
  for (const [name, modes, params, spec, expected] of table) {
    it(name, () => assert.deepEqual(short(parseModeChanges(modes, params, spec)), expected));
  }

  it("classifies each change", () => {
    const kinds = parseModeChanges("+ob-k+lm", ["n", "m!*@*", "key", "5"], solanum).map((c) => c.kind);
    assert.deepEqual(kinds, ["prefix", "list", "always", "whenSet", "flag"]);
  });
});

describe("ban masks", () => {
  it("completes short masks the way servers do; extended bans are not host masks", () => {
    assert.equal(completeMask("nick"), "nick!*@*");
    assert.equal(completeMask("user@host"), "*!user@host");
    assert.equal(completeMask("nick!user"), "nick!user@*");
    assert.equal(completeMask("$a:account"), undefined);
    assert.equal(completeMask("~q:*!*@*"), undefined);
    assert.equal(completeMask("m:*!*@host"), undefined);
  });

  const table: [string, string, "ascii" | "rfc1459", boolean][] = [
    ["*!*@matrix.example.org", "Alice[m]!alice@matrix.example.org", "rfc1459", true],
    ["*!*@*.EXAMPLE.org", "Alice[m]!alice@matrix.example.org", "rfc1459", true],
    ["alice{M}!*@*", "Alice[m]!alice@matrix.example.org", "rfc1459", true],
    ["alice{M}!*@*", "Alice[m]!alice@matrix.example.org", "ascii", false],
    ["alice[m]", "ALICE[M]!alice@h", "ascii", true],
    ["*!?lice@*", "Alice[m]!alice@h", "rfc1459", true],
    ["*!?lice@*", "Alice[m]!malice@h", "rfc1459", false],
    ["*!*@other.host", "Alice[m]!alice@matrix.example.org", "rfc1459", false],
    ["bob!*@*", "Alice[m]!alice@h", "rfc1459", false],
    ["*!*@1.2.3.*", "n!u@1.2.3.4", "rfc1459", true],
    ["*!*@1.2.3.4", "n!u@1x2x3x4", "rfc1459", false],
    ["$a:alice", "Alice[m]!alice@h", "rfc1459", false],
  ];
  for (const [mask, hostmask, mapping, expected] of table) {
    it(`${mask} ${expected ? "matches" : "does not match"} ${hostmask} (${mapping})`, () => assert.equal(maskMatches(mask, hostmask, mapping), expected));
  }
});
