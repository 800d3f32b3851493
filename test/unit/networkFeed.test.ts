import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NetworkFeed, type Delivered } from "../../src/broker/networkFeed";
import { parseModeChanges, modeSpec } from "../../src/irc/modes";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { HeardConnection } from "../support/heardConnection";

const spec = modeSpec("(ov)@+", undefined);
const base = { tags: {}, time: 1_700_000_000_000, batch: undefined };

function feed() {
  const delivered: Delivered[] = [];
  const empty: string[] = [];
  const modes: string[] = [];
  const clock = new FakeClock();
  const f = new NetworkFeed(
    fakeNetwork(),
    {
      deliver: (item) => delivered.push(item),
      names: () => undefined,
      channelModes: (connection, e) => modes.push(`${connection.id} ${e.channel}`),
      channelEmpty: (channel) => empty.push(channel),
      privateMessage: () => undefined,
      selfJoined: () => undefined,
      handover: () => undefined,
      duplicate: () => undefined,
    },
    clock,
    { windowMs: 60000, graceMs: 3000 },
  );
  return { f, delivered, empty, modes };
}

describe("network feed: modes, the roster and leaving a channel", () => {
  it("a MODE heard by two connections is delivered once and moves the roster once", () => {
    const { f, delivered } = feed();
    const a = new HeardConnection("a", "alice");
    const b = new HeardConnection("b", "bob");
    f.attach(a, false);
    f.attach(b, false);
    for (const [c, nick] of [[a, "alice"], [b, "bob"]] as const) c.hear("join", { ...base, nick, channel: "#chan", account: undefined });
    a.hear("names", { channel: "#chan", users: [{ nick: "alice", modes: [] }, { nick: "bob", modes: [] }, { nick: "op", modes: ["o"] }] });
    const e = { ...base, by: "op", channel: "#chan", changes: parseModeChanges("+v", ["alice"], spec) };
    a.hear("mode", e);
    assert.equal(f.roster.prefixesOf("#chan", "alice"), "v");
    // Then -v, heard by a first: b, lagging, hears its copy of +v only now. Applying that copy again
    // would give alice her voice back; once means it changes nothing.
    const lifted = { ...base, time: base.time + 1, by: "op", channel: "#chan", changes: parseModeChanges("-v", ["alice"], spec) };
    a.hear("mode", lifted);
    assert.equal(f.roster.prefixesOf("#chan", "alice"), "", "positive control: -v from a moves the roster");
    b.hear("mode", e);
    assert.equal(f.roster.prefixesOf("#chan", "alice"), "", "b's late copy of +v does not move it again");
    b.hear("mode", lifted);
    assert.equal(delivered.filter((d) => d.ev.type === "mode").length, 2, "each MODE delivered once");
    assert.equal(f.roster.prefixesOf("#chan", "alice"), "");
    a.hear("mode", { ...e, time: base.time + 2 });
    assert.equal(f.roster.prefixesOf("#chan", "alice"), "v");
    assert.equal(f.roster.prefixesOf("#CHAN", "op"), "o");
    a.hear("names", { channel: "#other", users: [{ nick: "x", modes: ["o"] }] });
    assert.equal(f.roster.prefixesOf("#other", "x"), "", "NAMES of a channel we are not in is not ours to keep");
  });

  it("the channel's modes count only from a connection in it; the last connection out empties the channel", () => {
    const { f, empty, modes } = feed();
    const a = new HeardConnection("a", "alice");
    const b = new HeardConnection("b", "bob");
    f.attach(a, false);
    f.attach(b, false);
    b.hear("channelModes", { channel: "#chan", changes: parseModeChanges("+s", [], spec) });
    assert.deepEqual(modes, [], "b is not in #chan");
    for (const [c, nick] of [[a, "alice"], [b, "bob"]] as const) c.hear("join", { ...base, nick, channel: "#chan", account: undefined });
    a.hear("channelModes", { channel: "#chan", changes: parseModeChanges("+s", [], spec) });
    assert.deepEqual(modes, ["a #chan"]);
    assert.ok(f.roster.hasFlag("#chan", "s"));
    a.hear("part", { ...base, nick: "alice", channel: "#chan", reason: "" });
    assert.deepEqual(empty, [], "bob is still there");
    b.hear("closed", { reason: "gone", fatal: false, willReconnect: true, throttled: false });
    assert.deepEqual(empty, ["#chan"]);
    assert.ok(!f.roster.hasFlag("#chan", "s"), "what was known is forgotten");
  });
});
