import { test } from "node:test";
import assert from "node:assert/strict";
import { ReadPauses, type PausableSocket } from "../../src/irc/readPauses";
import { FakeClock } from "../support/fakeClock";

/** A socket that records its pauses and resumes. */
class Sock implements PausableSocket {
  readonly calls: string[] = [];
  destroyed = false;
  pause(): void {
    this.calls.push("pause");
  }
  resume(): void {
    this.calls.push("resume");
  }
}

test("a paused socket is resumed at the next tick, not before; the timer runs only while a socket is paused", () => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  const a = new Sock();
  assert.equal(clock.liveTimers, 0, "no timer while nothing is paused");
  assert.equal(pauses.pause(a), true);
  assert.deepEqual(a.calls, ["pause"]);
  clock.advance(499);
  assert.deepEqual(a.calls, ["pause"], "still paused before the tick");
  clock.advance(1);
  assert.deepEqual(a.calls, ["pause", "resume"]);
  assert.equal(pauses.size, 0);
  assert.equal(clock.liveTimers, 0, "the timer stops once nothing is paused");
});

test("sockets paused between two ticks all wait for the one timer: none waits longer than everyMs", () => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  const a = new Sock();
  const b = new Sock();
  pauses.pause(a);
  clock.advance(300);
  pauses.pause(b);
  assert.equal(clock.liveTimers, 1, "one timer for all");
  clock.advance(200);
  assert.deepEqual([a.calls, b.calls], [["pause", "resume"], ["pause", "resume"]], "b waited 200 ms, a 500");
  // Paused again after the tick: a new timer, everyMs from now.
  pauses.pause(a);
  clock.advance(499);
  assert.deepEqual(a.calls, ["pause", "resume", "pause"]);
  clock.advance(1);
  assert.deepEqual(a.calls, ["pause", "resume", "pause", "resume"]);
});

test("resume() resumes at once and only a socket paused here; the tick does not resume it again", () => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  const a = new Sock();
  const other = new Sock();
  pauses.resume(other);
  assert.deepEqual(other.calls, [], "a socket never paused here is left alone");
  pauses.pause(a);
  pauses.resume(a);
  assert.deepEqual(a.calls, ["pause", "resume"]);
  clock.advance(500);
  assert.deepEqual(a.calls, ["pause", "resume"], "not resumed twice");
});

test("a socket destroyed while paused is dropped, never resumed; a destroyed socket is not paused", () => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  const a = new Sock();
  pauses.pause(a);
  a.destroyed = true;
  clock.advance(500);
  assert.deepEqual(a.calls, ["pause"]);
  assert.equal(pauses.size, 0);
  assert.equal(pauses.pause(a), false);
  assert.equal(pauses.size, 0);
  // Destroyed while paused, then resumed by hand (a close): dropped, not resumed either.
  const b = new Sock();
  pauses.pause(b);
  b.destroyed = true;
  pauses.resume(b);
  assert.deepEqual(b.calls, ["pause"]);
  assert.equal(pauses.size, 0);
});

test("everyMs 0: nothing is ever paused", () => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(0, clock);
  const a = new Sock();
  assert.equal(pauses.pause(a), false);
  assert.deepEqual(a.calls, []);
  assert.equal(clock.liveTimers, 0);
});

test("each tick reports how many sockets it resumed, once; a tick with none to resume reports nothing", () => {
  const clock = new FakeClock();
  const counts: number[] = [];
  const pauses = new ReadPauses(500, clock, (n) => counts.push(n));
  const a = new Sock();
  const b = new Sock();
  pauses.pause(a);
  pauses.pause(b);
  clock.advance(500);
  assert.deepEqual(counts, [2]);
  pauses.pause(a);
  pauses.resume(a);
  clock.advance(500);
  assert.deepEqual(counts, [2], "a socket resumed by a write is not counted at the tick");
});

test("stop() resumes every paused socket and cancels the timer", () => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  const a = new Sock();
  pauses.pause(a);
  pauses.stop();
  assert.deepEqual(a.calls, ["pause", "resume"]);
  assert.equal(clock.liveTimers, 0);
  // Stopped with nothing paused (no timer): nothing to do, no error.
  pauses.stop();
  assert.deepEqual(a.calls, ["pause", "resume"]);
  // Nothing is paused after stop.
  assert.equal(pauses.pause(a), false);
  assert.deepEqual(a.calls, ["pause", "resume"]);
  assert.equal(clock.liveTimers, 0);
});
