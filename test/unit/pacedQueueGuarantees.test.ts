import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PacedQueue, systemClock } from "../../src/irc/pacedQueue";
import { FakeClock } from "../support/fakeClock";

function setup(burstLines = 2, lineIntervalMs = 100, maxQueuedLines = 50) {
  const clock = new FakeClock();
  const written: { line: string; at: number }[] = [];
  const queue = new PacedQueue({ burstLines, lineIntervalMs, maxQueuedLines }, (line) => written.push({ line, at: clock.now() }), clock);
  return { clock, written, queue, lines: () => written.map((w) => w.line) };
}

/** Settles a promise into "resolved" / "rejected: message" / "pending" without awaiting forever. */
async function stateOf(p: Promise<void> | false): Promise<string> {
  if (p === false) return "refused";
  let state = "pending";
  p.then(
    () => (state = "resolved"),
    (err: unknown) => (state = `rejected: ${err instanceof Error ? err.message : String(err)}`),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
}

describe("paced send queue: what its guarantees promise beyond the happy path", () => {
  it("after the burst, each next line is written exactly one interval after the previous one", () => {
    const { clock, written, queue } = setup(2, 100);
    queue.resume();
    for (let i = 0; i < 5; i++) void queue.push(`L${i}`);
    assert.deepEqual(written.map((w) => w.at), [0, 0]);
    clock.advance(99);
    assert.equal(written.length, 2, "not a millisecond early");
    clock.advance(1);
    assert.equal(written.length, 3);
    clock.advance(250);
    assert.deepEqual(written.map((w) => w.at), [0, 0, 100, 200, 300]);
    assert.equal(clock.liveTimers, 0, "no timer left once the queue is empty");
  });

  it("a line pushed mid-interval waits for the token being earned, not a whole fresh interval", () => {
    const { clock, written, queue } = setup(1, 100);
    queue.resume();
    void queue.push("a");
    clock.advance(30);
    void queue.push("b");
    assert.equal(written.length, 1);
    clock.advance(69);
    assert.equal(written.length, 1);
    clock.advance(1);
    assert.deepEqual(written.map((w) => [w.line, w.at]), [["a", 0], ["b", 100]]);
  });

  it("tokens earned while idle are credited from when they were earned, up to the burst", () => {
    const { clock, written, queue } = setup(3, 100);
    queue.resume();
    for (let i = 0; i < 3; i++) void queue.push(`a${i}`);
    clock.advance(250);
    // 2 tokens earned (at 100 and 200); the third is due at 300, not at 350.
    for (let i = 0; i < 4; i++) void queue.push(`b${i}`);
    assert.deepEqual(written.map((w) => w.at), [0, 0, 0, 250, 250]);
    clock.advance(49);
    assert.equal(written.length, 5);
    clock.advance(1);
    assert.equal(written.length, 6);
    assert.equal(written[5]?.at, 300);
  });

  it("with no interval (pacing off) every waiting line is written at once, however many", () => {
    const { written, queue } = setup(1, 0);
    for (let i = 0; i < 5; i++) void queue.push(`L${i}`);
    queue.resume();
    assert.equal(written.length, 5);
    void queue.push("L5");
    assert.equal(written.length, 6);
  });

  it("the bound counts waiting lines: written lines free their place", () => {
    const { clock, queue } = setup(1, 100, 2);
    queue.resume();
    assert.notEqual(queue.push("a"), false, "written at once");
    assert.notEqual(queue.push("b"), false);
    assert.notEqual(queue.push("c"), false);
    assert.equal(queue.length, 2);
    assert.equal(queue.push("d"), false, "two wait: full");
    clock.advance(100);
    assert.equal(queue.length, 1);
    assert.notEqual(queue.push("d"), false);
  });

  it("pushFront puts lines ahead of everything waiting, in their own order", () => {
    const { clock, queue, lines } = setup(1, 100);
    void queue.push("msg1");
    void queue.push("msg2");
    queue.pushFront(["JOIN #a", "JOIN #b"]);
    queue.resume();
    clock.advance(1000);
    assert.deepEqual(lines(), ["JOIN #a", "JOIN #b", "msg1", "msg2"]);
  });

  it("pushFront on a running queue writes at once when a token is there", () => {
    const { queue, lines } = setup(2, 100);
    queue.resume();
    queue.pushFront(["JOIN #a"]);
    assert.deepEqual(lines(), ["JOIN #a"]);
  });

  it("a withdrawn line is never written and its promise rejects; the others keep their order", async () => {
    const { clock, queue, lines } = setup(1, 100);
    const a = queue.push("a");
    const b = queue.push("b");
    const c = queue.push("c");
    assert.equal(queue.withdraw("b", new Error("nobody wants it")), true);
    assert.equal(queue.withdraw("b", new Error("again")), false, "already gone");
    assert.equal(queue.withdraw("zzz", new Error("never queued")), false);
    assert.equal(queue.length, 2);
    queue.resume();
    clock.advance(1000);
    assert.deepEqual(lines(), ["a", "c"]);
    assert.equal(await stateOf(a), "resolved");
    assert.equal(await stateOf(b), "rejected: nobody wants it");
    assert.equal(await stateOf(c), "resolved");
  });

  it("expire rejects exactly the waiting lines whose deadline has passed, and keeps the rest in order", async () => {
    const { clock, queue, lines } = setup(1, 100);
    const early = queue.push("early", 10);
    const none = queue.push("none");
    const due = queue.push("due", 20);
    const late = queue.push("late", 21);
    const alsoEarly = queue.push("alsoEarly", 5);
    const reasons: string[] = [];
    const n = queue.expire(20, () => {
      reasons.push("asked");
      return new Error("too late");
    });
    assert.equal(n, 3);
    assert.equal(reasons.length, 3, "one reason per expired line");
    assert.equal(queue.length, 2);
    assert.equal(await stateOf(early), "rejected: too late");
    assert.equal(await stateOf(due), "rejected: too late", "a deadline at `now` has passed");
    assert.equal(await stateOf(alsoEarly), "rejected: too late", "two expired lines in a row are both taken");
    assert.equal(await stateOf(late), "pending");
    assert.equal(queue.expire(20, () => new Error("again")), 0);
    queue.resume();
    clock.advance(1000);
    assert.deepEqual(lines(), ["none", "late"]);
    assert.equal(await stateOf(none), "resolved");
    assert.equal(await stateOf(late), "resolved");
  });

  it("a write that throws rejects that line's promise with the error; the next lines are still written", async () => {
    const clock = new FakeClock();
    const written: string[] = [];
    const queue = new PacedQueue(
      { burstLines: 5, lineIntervalMs: 100, maxQueuedLines: 10 },
      (line) => {
        if (line === "bad") throw new Error("socket closed");
        if (line === "odd") throw "not an Error"; // eslint-disable-line @typescript-eslint/only-throw-error
        written.push(line);
      },
      clock,
    );
    queue.resume();
    const bad = queue.push("bad");
    const odd = queue.push("odd");
    const good = queue.push("good");
    assert.equal(await stateOf(bad), "rejected: socket closed");
    assert.equal(await stateOf(odd), "rejected: not an Error");
    assert.equal(await stateOf(good), "resolved");
    assert.deepEqual(written, ["good"]);
  });

  it("clear rejects every waiting line with the reason and writes nothing more, even after time passes", async () => {
    const { clock, queue, lines } = setup(1, 100);
    queue.resume();
    const a = queue.push("a");
    const b = queue.push("b");
    const c = queue.push("c");
    queue.clear(new Error("gone"));
    assert.equal(queue.length, 0);
    clock.advance(1000);
    assert.deepEqual(lines(), ["a"]);
    assert.equal(await stateOf(a), "resolved");
    assert.equal(await stateOf(b), "rejected: gone");
    assert.equal(await stateOf(c), "rejected: gone");
    assert.equal(clock.liveTimers, 0);
  });

  it("a paused queue sets no timer; resuming takes up the pace where the tokens are", () => {
    const { clock, queue, written } = setup(1, 100);
    queue.resume();
    void queue.push("a");
    void queue.push("b");
    queue.pause();
    assert.equal(clock.liveTimers, 0, "pause cancels the pending write");
    clock.advance(40);
    queue.resume();
    assert.equal(written.length, 1, "the token is not back before 100 ms");
    clock.advance(60);
    assert.deepEqual(written.map((w) => [w.line, w.at]), [["a", 0], ["b", 100]]);
    queue.pause();
    clock.advance(1000);
    void queue.push("c");
    clock.advance(1000);
    assert.equal(written.length, 2, "a line pushed while paused waits, tokens or not");
    queue.resume();
    assert.deepEqual(written.map((w) => w.line), ["a", "b", "c"]);
  });

  it("the system clock tells the time and runs a timer once, unless it was cancelled", async () => {
    const before = Date.now();
    const now = systemClock.now();
    assert.ok(now >= before && now <= Date.now());
    const fired: string[] = [];
    const cancelled = systemClock.setTimeout(() => fired.push("cancelled"), 5);
    cancelled.cancel();
    // The kept timer firing is the positive control: timers run in the order they fall due, so the
    // cancelled one (due at 5 ms) would have fired before the kept one (due at 10 ms).
    const kept = new Promise<void>((resolve) => systemClock.setTimeout(() => (fired.push("kept"), resolve()), 10));
    await kept;
    assert.deepEqual(fired, ["kept"]);
  });

  it("after an idle time the interval counts from the first line written, not from the last token earned", () => {
    const { clock, written, queue } = setup(1, 100);
    queue.resume();
    clock.advance(1050);
    void queue.push("a");
    void queue.push("b");
    clock.advance(99);
    assert.equal(written.length, 1, "b waits a whole interval after a");
    clock.advance(1);
    assert.deepEqual(written.map((w) => [w.line, w.at]), [["a", 1050], ["b", 1150]]);
  });

  it("one timer for the whole queue, however many lines wait", () => {
    const { clock, queue } = setup(1, 100);
    queue.resume();
    for (let i = 0; i < 10; i++) void queue.push(`L${i}`);
    assert.equal(clock.liveTimers, 1);
    clock.advance(150);
    void queue.push("more");
    assert.equal(clock.liveTimers, 1);
  });
});

