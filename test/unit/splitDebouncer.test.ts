import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SplitDebouncer, looksLikeNetsplit } from "../../src/fromIrc/splitDebouncer";
import { FakeClock } from "../support/fakeClock";

describe("netsplit debounce", () => {
  const reasons: [string, boolean][] = [
    ["insp1.test insp2.test", true],
    ["*.net *.split", true],
    ["irc.libera.chat lead.libera.chat", true],
    ["Quit: bye", false],
    ["Ping timeout: 120 seconds", false],
    ["going home now", false],
    ["", false],
  ];
  for (const [reason, split] of reasons) it(`"${reason}" ${split ? "looks" : "does not look"} like a netsplit`, () => assert.equal(looksLikeNetsplit(reason), split));

  it("a rejoin within the window cancels the leave; no rejoin carries it out after the window", () => {
    const clock = new FakeClock();
    const debouncer = new SplitDebouncer(10000, clock);
    const left: string[] = [];
    debouncer.hold("#c", "alice", () => left.push("alice"));
    debouncer.hold("#c", "bob", () => left.push("bob"));
    clock.advance(4000);
    assert.equal(debouncer.rejoined("#c", "alice"), true);
    assert.equal(debouncer.rejoined("#c", "carol"), false);
    clock.advance(5999);
    assert.deepEqual(left, []);
    clock.advance(1);
    assert.deepEqual(left, ["bob"]);
    assert.equal(debouncer.pending, 0);
    assert.equal(debouncer.rejoined("#c", "bob"), false, "too late: bob's ghost left and joins again as usual");
  });

  it("keeps channels apart", () => {
    const clock = new FakeClock();
    const debouncer = new SplitDebouncer(1000, clock);
    const left: string[] = [];
    debouncer.hold("#a", "alice", () => left.push("#a"));
    debouncer.hold("#b", "alice", () => left.push("#b"));
    debouncer.rejoined("#a", "alice");
    clock.advance(1000);
    assert.deepEqual(left, ["#b"]);
  });
});
