import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelBroker } from "../../src/broker/channelBroker";
import { FakeClock } from "../support/fakeClock";

function setup(windowMs = 60000, graceMs = 3000) {
  const clock = new FakeClock();
  const delivered: string[] = [];
  const late: string[] = [];
  const broker = new ChannelBroker<string>(
    { windowMs, graceMs },
    { deliver: (channel, event) => delivered.push(`${channel} ${event}`), onLateDelivery: (channel) => late.push(channel) },
    clock,
  );
  return { clock, delivered, late, broker };
}

describe("event broker: the dedupe window, the grace timer, channels with no member", () => {
  it("with no member (history replayed), a key heard twice within the window is delivered once", () => {
    const { broker, delivered, clock } = setup(1000, 100);
    assert.equal(broker.heard("#c", "history", "k", "old"), true);
    assert.equal(broker.heard("#c", "history", "k", "old"), false, "the same line replayed again");
    clock.advance(999);
    assert.equal(broker.heard("#c", "history", "k", "old"), false);
    assert.deepEqual(delivered, ["#c old"]);
    clock.advance(1);
    assert.equal(broker.heard("#c", "history", "k", "new"), true, "the window is over");
    assert.deepEqual(delivered, ["#c old", "#c new"]);
  });

  it("every key of an expired window is forgotten, not only the oldest", () => {
    const { broker, delivered, clock } = setup(1000, 100);
    broker.join("#c", "a");
    broker.heard("#c", "a", "k1", "m1");
    broker.heard("#c", "a", "k2", "m2");
    broker.heard("#c", "a", "k3", "m3");
    clock.advance(1000);
    broker.heard("#c", "a", "k3", "m3 later");
    broker.heard("#c", "a", "k2", "m2 later");
    assert.deepEqual(delivered, ["#c m1", "#c m2", "#c m3", "#c m3 later", "#c m2 later"]);
  });

  it("a key heard again after the window is delivered once more, and its repeats are dropped again", () => {
    const { broker, delivered, clock } = setup(1000, 100);
    broker.join("#c", "a");
    broker.heard("#c", "a", "k", "first");
    clock.advance(1000);
    assert.equal(broker.heard("#c", "a", "k", "second"), true);
    assert.equal(broker.heard("#c", "a", "k", "second"), false, "within the new window");
    clock.advance(500);
    assert.equal(broker.heard("#c", "a", "k", "second"), false);
    assert.deepEqual(delivered, ["#c first", "#c second"]);
  });

  it("one grace timer per channel, however many events wait; none left once the channel is emptied and its keys left the window", () => {
    const { broker, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "b", "k1", "m1");
    broker.heard("#c", "b", "k2", "m2");
    broker.heard("#c", "b", "k3", "m3");
    assert.equal(clock.liveTimers, 1);
    broker.heard("#c", "a", "k1", "m1");
    broker.heard("#c", "a", "k2", "m2");
    broker.heard("#c", "a", "k3", "m3");
    broker.leave("#c", "b");
    broker.leave("#c", "a");
    assert.equal(clock.liveTimers, 1, "the grace timer is cancelled; one timer forgets the keys");
    clock.advance(60000);
    assert.equal(clock.liveTimers, 0, "the emptied channel is forgotten");
    assert.equal(broker.known("#c", "k1"), false);
  });

  it("the grace timer delivers only what is due: an event whose grace time is not over still waits", () => {
    const { broker, delivered, late, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "b", "k1", "m1");
    clock.advance(1000);
    broker.heard("#c", "b", "k2", "m2");
    clock.advance(500);
    broker.heard("#c", "a", "k1", "m1");
    assert.deepEqual(delivered, ["#c m1"], "the reader delivered m1 itself");
    clock.advance(1500);
    assert.deepEqual(delivered, ["#c m1"], "at 3000 ms m2 (first heard at 1000 ms) is not due yet");
    assert.deepEqual(late, []);
    clock.advance(1000);
    assert.deepEqual(delivered, ["#c m1", "#c m2"]);
    assert.deepEqual(late, ["#c"]);
  });
});
