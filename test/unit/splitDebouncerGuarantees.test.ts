import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SplitDebouncer, looksLikeNetsplit } from "../../src/fromIrc/splitDebouncer";
import { FakeClock } from "../support/fakeClock";

describe("netsplit debounce: what a split looks like, and each leave at its own time", () => {
  const reasons: [string, boolean][] = [
    [" irc.a.net irc.b.net ", true],
    ["Quit: irc.a.net irc.b.net", false],
    ["irc.a.net irc.b.net and more", false],
    ["irc.a.net  irc.b.net", false],
    ["irca ircb.net", false],
    ["irc.a.net ircb", false],
    ["a.b c.d", true],
  ];
  for (const [reason, split] of reasons) it(`${JSON.stringify(reason)} ${split ? "looks" : "does not look"} like a netsplit`, () => assert.equal(looksLikeNetsplit(reason), split));

  it("leaves held at different times are each carried out at their own time, with one timer", () => {
    const clock = new FakeClock();
    const debouncer = new SplitDebouncer(1000, clock);
    const left: string[] = [];
    debouncer.hold("#c", "alice", () => left.push(`alice@${clock.now()}`));
    clock.advance(300);
    debouncer.hold("#c", "bob", () => left.push(`bob@${clock.now()}`));
    assert.equal(clock.liveTimers, 1);
    assert.equal(debouncer.pending, 2);
    clock.advance(700);
    assert.deepEqual(left, ["alice@1000"], "bob's window is not over");
    assert.equal(debouncer.pending, 1);
    clock.advance(299);
    assert.deepEqual(left, ["alice@1000"]);
    clock.advance(1);
    assert.deepEqual(left, ["alice@1000", "bob@1300"]);
    assert.equal(clock.liveTimers, 0, "nothing held: no timer");
  });

  it("holding the same nick again restarts its window and leaves once", () => {
    const clock = new FakeClock();
    const debouncer = new SplitDebouncer(1000, clock);
    const left: string[] = [];
    debouncer.hold("#c", "alice", () => left.push("first"));
    clock.advance(500);
    debouncer.hold("#c", "alice", () => left.push("second"));
    assert.equal(debouncer.pending, 1);
    clock.advance(500);
    assert.deepEqual(left, []);
    clock.advance(500);
    assert.deepEqual(left, ["second"]);
  });

  it("a hold after the timer fired arms it again", () => {
    const clock = new FakeClock();
    const debouncer = new SplitDebouncer(1000, clock);
    const left: string[] = [];
    debouncer.hold("#c", "alice", () => left.push("alice"));
    clock.advance(1000);
    debouncer.hold("#c", "bob", () => left.push("bob"));
    clock.advance(1000);
    assert.deepEqual(left, ["alice", "bob"]);
  });

  it("after a leave, the timer is set for the earliest of those still held", () => {
    const clock = new FakeClock();
    const debouncer = new SplitDebouncer(1000, clock);
    const left: string[] = [];
    debouncer.hold("#c", "a", () => left.push(`a@${clock.now()}`));
    clock.advance(500);
    debouncer.hold("#c", "b", () => left.push(`b@${clock.now()}`));
    clock.advance(100);
    debouncer.hold("#c", "c", () => left.push(`c@${clock.now()}`));
    clock.advance(2000);
    assert.deepEqual(left, ["a@1000", "b@1500", "c@1600"]);
  });
});

