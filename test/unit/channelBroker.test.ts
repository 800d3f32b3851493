import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelBroker } from "../../src/broker/channelBroker";
import { FakeClock } from "../support/fakeClock";

function setup(windowMs = 60000, graceMs = 3000) {
  const clock = new FakeClock();
  const delivered: string[] = [];
  const stats = { handovers: 0, duplicates: 0, late: 0 };
  const broker = new ChannelBroker<string>(
    { windowMs, graceMs },
    {
      deliver: (_channel, event) => delivered.push(event),
      onHandover: () => stats.handovers++,
      onDuplicate: () => stats.duplicates++,
      onLateDelivery: () => stats.late++,
    },
    clock,
  );
  return { clock, delivered, stats, broker };
}

describe("event broker", () => {
  it("delivers each event once although every connection hears it", () => {
    const { broker, delivered, stats } = setup();
    for (const c of ["a", "b", "c"]) broker.join("#chan", c);
    assert.equal(broker.readerOf("#chan"), "a");
    for (let i = 0; i < 10; i++) for (const c of ["b", "a", "c"]) broker.heard("#chan", c, `k${i}`, `m${i}`);
    assert.deepEqual(delivered, Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.equal(stats.duplicates, 0, "copies heard by non-readers are not duplicates of the reader");
  });

  it("drops a repeated key heard again by the reader, and counts it", () => {
    const { broker, delivered, stats } = setup();
    broker.join("#chan", "a");
    broker.heard("#chan", "a", "k1", "m1");
    broker.heard("#chan", "a", "k1", "m1 again");
    assert.deepEqual(delivered, ["m1"]);
    assert.equal(stats.duplicates, 1);
  });

  it("reader leaves in the middle of a burst: nothing lost, nothing duplicated, in order", () => {
    const { broker, delivered, stats } = setup();
    for (const c of ["a", "b", "c"]) broker.join("#chan", c);
    for (let i = 0; i < 100; i++) {
      // The reader "a" is a little behind the others and stops hearing at 40.
      broker.heard("#chan", "b", `k${i}`, `m${i}`);
      broker.heard("#chan", "c", `k${i}`, `m${i}`);
      if (i < 40) broker.heard("#chan", "a", `k${i}`, `m${i}`);
      if (i === 60) broker.leave("#chan", "a");
    }
    assert.deepEqual(delivered, Array.from({ length: 100 }, (_, i) => `m${i}`));
    assert.equal(broker.readerOf("#chan"), "b");
    assert.equal(stats.handovers, 2, "first election, then the handover");
  });

  it("a reader whose socket died silently: the others' copies are delivered after the grace time", () => {
    const { broker, delivered, clock, stats } = setup(60000, 3000);
    broker.join("#chan", "a");
    broker.join("#chan", "b");
    broker.heard("#chan", "a", "k0", "m0");
    broker.heard("#chan", "b", "k0", "m0");
    for (let i = 1; i <= 5; i++) {
      clock.advance(100);
      broker.heard("#chan", "b", `k${i}`, `m${i}`);
    }
    assert.deepEqual(delivered, ["m0"]);
    clock.advance(3000);
    assert.deepEqual(delivered, ["m0", "m1", "m2", "m3", "m4", "m5"]);
    assert.ok(stats.late > 0);
    broker.leave("#chan", "a");
    broker.heard("#chan", "b", "k6", "m6");
    assert.deepEqual(delivered, ["m0", "m1", "m2", "m3", "m4", "m5", "m6"]);
  });

  it("a lagging reader within the grace time delivers each event once", () => {
    const { broker, delivered, clock } = setup(60000, 3000);
    broker.join("#chan", "a");
    broker.join("#chan", "b");
    broker.heard("#chan", "b", "k1", "m1");
    clock.advance(500);
    broker.heard("#chan", "a", "k1", "m1");
    clock.advance(5000);
    assert.deepEqual(delivered, ["m1"]);
  });

  it("the IRC bot connection is preferred as reader", () => {
    const { broker } = setup();
    broker.join("#chan", "alice");
    assert.equal(broker.readerOf("#chan"), "alice");
    broker.join("#chan", "bot", true);
    assert.equal(broker.readerOf("#chan"), "bot");
    broker.leave("#chan", "bot");
    assert.equal(broker.readerOf("#chan"), "alice");
  });

  it("forgets keys after the window", () => {
    const { broker, delivered, clock } = setup(1000, 100);
    broker.join("#chan", "a");
    broker.heard("#chan", "a", "k", "first");
    clock.advance(2000);
    broker.heard("#chan", "a", "k", "second");
    assert.deepEqual(delivered, ["first", "second"]);
  });

  it("keeps channels apart", () => {
    const { broker, delivered } = setup();
    broker.join("#one", "a");
    broker.join("#two", "b");
    broker.heard("#one", "a", "same", "one");
    broker.heard("#two", "b", "same", "two");
    assert.deepEqual(delivered, ["one", "two"]);
    assert.deepEqual(broker.channelsOf("a"), ["#one"]);
  });

  it("random interleavings, lags and reader losses: every event exactly once, in order", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 200; round++) {
      const { broker, delivered, clock } = setup(60000, 2000);
      const conns = ["a", "b", "c", "d"];
      conns.forEach((c) => broker.join("#x", c));
      const position = new Map(conns.map((c) => [c, 0]));
      const alive = new Set(conns);
      const total = 50;
      while ([...alive].some((c) => (position.get(c) ?? 0) < total)) {
        const c = [...alive][Math.floor(rand() * alive.size)] ?? "a";
        const p = position.get(c) ?? 0;
        if (p < total) {
          broker.heard("#x", c, `k${p}`, `m${p}`);
          position.set(c, p + 1);
        }
        if (rand() < 0.02 && alive.size > 1) {
          alive.delete(c);
          broker.leave("#x", c);
        }
        if (rand() < 0.05) clock.advance(Math.floor(rand() * 3000));
      }
      clock.advance(10000);
      assert.deepEqual(delivered, Array.from({ length: total }, (_, i) => `m${i}`), `round ${round}`);
    }
  });
});
