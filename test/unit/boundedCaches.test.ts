import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FifoRate } from "../../src/util/fifoRate";
import { Lru } from "../../src/util/lru";
import { FakeClock } from "../support/fakeClock";

const tick = () => new Promise((r) => setImmediate(r));

describe("LRU", () => {
  it("holds at most its capacity, forgetting the least recently used", () => {
    const lru = new Lru<string, number>(3);
    lru.set("a", 1);
    lru.set("b", 2);
    lru.set("c", 3);
    assert.equal(lru.get("a"), 1, "a is now the most recent");
    lru.set("d", 4);
    assert.equal(lru.size, 3);
    assert.equal(lru.has("b"), false, "b was the least recently used");
    assert.deepEqual(["a", "c", "d"].map((k) => lru.get(k)), [1, 3, 4]);
    lru.set("c", 30);
    lru.set("e", 5);
    assert.equal(lru.has("a"), false);
    assert.equal(lru.get("c"), 30);
  });
});

describe("FIFO rate", () => {
  it("serves a burst at once, then one per interval, strictly in the order asked, and reports the wait", async () => {
    const clock = new FakeClock();
    const waits: number[] = [];
    const depth: number[] = [];
    const rate = new FifoRate(2, 2, clock, { waiting: (n) => depth.push(n), waited: (ms) => waits.push(ms) });
    const served: number[] = [];
    for (let i = 0; i < 6; i++) void rate.take().then(() => served.push(i));
    await tick();
    assert.deepEqual(served, [0, 1]);
    assert.equal(rate.waiting, 4);
    clock.advance(499);
    await tick();
    assert.deepEqual(served, [0, 1]);
    clock.advance(1);
    await tick();
    assert.deepEqual(served, [0, 1, 2]);
    clock.advance(1500);
    await tick();
    assert.deepEqual(served, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(waits, [0, 0, 500, 1000, 1500, 2000]);
    assert.equal(depth.at(-1), 0);
    assert.equal(clock.liveTimers, 0, "no timer left once nobody waits");
  });
});
