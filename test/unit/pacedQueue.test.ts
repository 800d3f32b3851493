import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PacedQueue } from "../../src/irc/pacedQueue";
import { FakeClock } from "../support/fakeClock";

function setup(burstLines = 3, lineIntervalMs = 100, maxQueuedLines = 50) {
  const clock = new FakeClock();
  const written: { line: string; at: number }[] = [];
  const queue = new PacedQueue({ burstLines, lineIntervalMs, maxQueuedLines }, (line) => written.push({ line, at: clock.now() }), clock);
  return { clock, written, queue };
}

describe("paced send queue", () => {
  it("holds lines until resumed, then writes a burst and one line per interval, in order", () => {
    const { clock, written, queue } = setup();
    for (let i = 0; i < 10; i++) void queue.push(`L${i}`);
    assert.equal(written.length, 0, "nothing is written before registration");
    queue.resume();
    assert.deepEqual(written.map((w) => w.line), ["L0", "L1", "L2"]);
    clock.advance(100);
    assert.equal(written.length, 4);
    clock.advance(1000);
    assert.deepEqual(written.map((w) => w.line), ["L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"]);
  });

  it("never exceeds burst + elapsed/interval lines in any window", () => {
    const { clock, written, queue } = setup(4, 250, 1000);
    queue.resume();
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < (round % 7); i++) void queue.push(`r${round}i${i}`);
      clock.advance(37 * (round % 5));
    }
    clock.advance(100000);
    for (let a = 0; a < written.length; a++) {
      for (let b = a; b < written.length; b++) {
        const window = (written[b]?.at ?? 0) - (written[a]?.at ?? 0);
        assert.ok(b - a + 1 <= 4 + Math.floor(window / 250), `lines ${a}..${b} in ${window} ms`);
      }
    }
  });

  it("refills after a quiet period, but never beyond the burst", () => {
    const { clock, written, queue } = setup(3, 100);
    queue.resume();
    clock.advance(10000);
    for (let i = 0; i < 6; i++) void queue.push(`L${i}`);
    assert.equal(written.length, 3);
  });

  it("refuses lines beyond the bound instead of dropping them silently", () => {
    const { queue } = setup(1, 100, 2);
    assert.notEqual(queue.push("a"), false);
    assert.notEqual(queue.push("b"), false);
    assert.equal(queue.push("c"), false);
    assert.equal(queue.length, 2);
  });

  it("resolves a line's promise only when written, and rejects what was never written", async () => {
    const { clock, queue } = setup(1, 100);
    const first = queue.push("a");
    const second = queue.push("b");
    assert.ok(first !== false && second !== false);
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await Promise.resolve();
    assert.equal(firstDone, false);
    queue.resume();
    await first;
    queue.clear(new Error("connection lost"));
    await assert.rejects(second, /connection lost/);
    clock.advance(1000);
  });

  it("pause keeps the order of waiting lines", () => {
    const { clock, written, queue } = setup(2, 100);
    queue.resume();
    for (let i = 0; i < 5; i++) void queue.push(`L${i}`);
    queue.pause();
    clock.advance(1000);
    assert.equal(written.length, 2);
    void queue.push("L5");
    queue.resume();
    clock.advance(1000);
    assert.deepEqual(written.map((w) => w.line), ["L0", "L1", "L2", "L3", "L4", "L5"]);
  });
});
