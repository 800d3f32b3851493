import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { foldCase } from "../../src/irc/casemapping";
import { modeSpec, parseModeChanges } from "../../src/irc/modes";
import { RosterChannelOps } from "../../src/rooms/channelOps";
import { ChannelRoster } from "../../src/rooms/channelRoster";

const spec = modeSpec("(qaohv)~&@%+", "beI,k,l,imnpst");
function roster(prefix = spec.prefix) {
  const r = new ChannelRoster((name) => foldCase(name, "rfc1459"));
  r.setPrefix(prefix);
  return r;
}
const mode = (r: ChannelRoster, modes: string, ...params: string[]) => r.mode("#chan", parseModeChanges(modes, params, spec));

describe("channel roster", () => {
  it("NAMES with several prefixes per member, in rank order", () => {
    const r = roster();
    r.names("#Chan", [
      { nick: "Boss", modes: ["o", "q"] },
      { nick: "Bob", modes: ["v"] },
      { nick: "carol", modes: [] },
    ]);
    assert.equal(r.prefixesOf("#chan", "boss"), "qo");
    assert.equal(r.prefixesOf("#CHAN", "BOB"), "v");
    assert.equal(r.prefixesOf("#chan", "carol"), "");
    assert.deepEqual([...r.members("#chan")].sort(), ["bob", "boss", "carol"]);
  });

  it("MODE adds and removes prefixes, JOIN / NICK / PART / KICK / QUIT move members", () => {
    const r = roster();
    r.joined("#chan", "Dave[m]");
    mode(r, "+ov", "dave{M}", "Dave[m]");
    assert.equal(r.prefixesOf("#chan", "DAVE[M]"), "ov", "rfc1459: {} and [] are the same");
    mode(r, "-o", "dave[m]");
    assert.equal(r.prefixesOf("#chan", "dave[m]"), "v");
    r.renamed("#chan", "Dave[m]", "David");
    assert.equal(r.prefixesOf("#chan", "david"), "v");
    assert.equal(r.has("#chan", "dave[m]"), false);
    r.left("#chan", "David");
    assert.equal(r.prefixesOf("#chan", "david"), "");
  });

  it("ignores prefix modes the server does not have (h under (ov)@+)", () => {
    const r = roster(modeSpec("(ov)@+", undefined).prefix);
    r.joined("#chan", "x");
    r.mode("#chan", [{ add: true, mode: "h", kind: "prefix", param: "x" }]);
    assert.equal(r.prefixesOf("#chan", "x"), "");
  });

  it("keeps channel flags from MODE and from the RPL_CHANNELMODEIS snapshot; never a key", () => {
    const r = roster();
    mode(r, "+mk", "sekrit");
    assert.ok(r.hasFlag("#chan", "m") && r.hasFlag("#chan", "k"));
    mode(r, "-m+b", "*!*@x");
    assert.ok(!r.hasFlag("#chan", "m"));
    assert.ok(!r.hasFlag("#chan", "b"), "lists are not flags");
    r.channelModes("#chan", parseModeChanges("+is", [], spec));
    assert.ok(r.hasFlag("#chan", "i") && r.hasFlag("#chan", "s") && !r.hasFlag("#chan", "k"), "the snapshot replaces what was known");
    assert.ok(!JSON.stringify(r.entries("#chan")).includes("sekrit"));
  });

  it("forgets a channel the bridge left", () => {
    const r = roster();
    r.names("#chan", [{ nick: "op", modes: ["o"] }]);
    mode(r, "+i");
    r.forget("#CHAN");
    assert.equal(r.prefixesOf("#chan", "op"), "");
    assert.ok(!r.hasFlag("#chan", "i"));
  });
});

describe("ChannelOps (what the Matrix -> IRC side reads)", () => {
  const r = roster();
  r.names("#chan", [
    { nick: "owner", modes: ["q"] },
    { nick: "admin", modes: ["a"] },
    { nick: "op", modes: ["o", "v"] },
    { nick: "half", modes: ["h"] },
    { nick: "voiced", modes: ["v"] },
    { nick: "plain", modes: [] },
  ]);
  const ops = new RosterChannelOps(new Map([["net", r]]));
  const table: [string, string, boolean][] = [
    ["owner", "q", true],
    ["admin", "a", true],
    ["OP", "ov", true],
    ["half", "h", false],
    ["voiced", "v", false],
    ["plain", "", false],
    ["stranger", "", false],
  ];
  for (const [nick, prefixes, isOp] of table) {
    it(`${nick}: "${prefixes}", ${isOp ? "op" : "not op"}`, () => {
      assert.equal(ops.prefixesOf("net", "#Chan", nick), prefixes);
      assert.equal(ops.isOp("net", "#chan", nick), isOp);
    });
  }
  it("an unknown network or channel is no op", () => {
    assert.equal(ops.isOp("other", "#chan", "op"), false);
    assert.equal(ops.prefixesOf("net", "#elsewhere", "op"), "");
  });
});

describe("ChannelRoster: the index of nicks in any channel", () => {
  const CHANNELS = ["#a", "#B", "#c"];
  const NICKS = ["bob", "Bob", "carol", "[dan]", "{dan}", "eve"];
  const op = fc.oneof(
    fc.record({ kind: fc.constant("names" as const), channel: fc.constantFrom(...CHANNELS), nicks: fc.subarray(NICKS) }),
    fc.record({ kind: fc.constant("joined" as const), channel: fc.constantFrom(...CHANNELS), nick: fc.constantFrom(...NICKS) }),
    fc.record({ kind: fc.constant("left" as const), channel: fc.constantFrom(...CHANNELS), nick: fc.constantFrom(...NICKS) }),
    fc.record({ kind: fc.constant("renamed" as const), channel: fc.constantFrom(...CHANNELS), nick: fc.constantFrom(...NICKS), to: fc.constantFrom(...NICKS) }),
    fc.record({ kind: fc.constant("op" as const), channel: fc.constantFrom(...CHANNELS), nick: fc.constantFrom(...NICKS), add: fc.boolean() }),
    fc.record({ kind: fc.constant("forget" as const), channel: fc.constantFrom(...CHANNELS) }),
  );

  it("answers inAnyChannel and spelling as a scan of every channel would, after any sequence of changes", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const r = roster();
        for (const o of ops) {
          if (o.kind === "names") r.names(o.channel, o.nicks.map((nick) => ({ nick, modes: [] })));
          else if (o.kind === "joined") r.joined(o.channel, o.nick);
          else if (o.kind === "left") r.left(o.channel, o.nick);
          else if (o.kind === "renamed") r.renamed(o.channel, o.nick, o.to);
          else if (o.kind === "op") r.mode(o.channel, [{ kind: "prefix", mode: "o", add: o.add, param: o.nick }]);
          else r.forget(o.channel);
          for (const nick of NICKS) {
            const spellings = CHANNELS.flatMap((c) => r.entries(c).filter((e) => foldCase(e.nick, "rfc1459") === foldCase(nick, "rfc1459")).map((e) => e.nick));
            assert.equal(r.inAnyChannel(nick), spellings.length > 0, `inAnyChannel(${nick}) after ${JSON.stringify(o)}`);
            const spelled = r.spelling(nick);
            if (spellings.length === 0) assert.equal(spelled, undefined);
            else assert.ok(spelled !== undefined && spellings.includes(spelled), `spelling(${nick}) = ${String(spelled)}, channels have ${spellings.join(",")}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
