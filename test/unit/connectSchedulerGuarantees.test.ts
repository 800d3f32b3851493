import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectScheduler, type ConnectSettings } from "../../src/irc/connectScheduler";
import { FakeClock } from "../support/fakeClock";

const SETTINGS: ConnectSettings = {
  perSecond: 10,
  burst: 5,
  concurrent: 3,
  jitterMs: 0,
  probeIntervalMs: 1000,
  breakerMinMs: 5000,
  breakerMaxMs: 20000,
  attemptTimeoutMs: 30000,
};

function scene(settings: Partial<ConnectSettings> = {}, random = () => 0) {
  const clock = new FakeClock();
  const started: string[] = [];
  const trips: { reason: string; forMs: number }[] = [];
  let recoveries = 0;
  const scheduler = new ConnectScheduler(
    { ...SETTINGS, ...settings },
    { onTrip: (reason, forMs) => trips.push({ reason, forMs }), onRecovered: () => recoveries++ },
    clock,
    random,
  );
  const ask = (id: string, priority = 0, delayMs = 0) => scheduler.request(id, { go: () => started.push(id), priority: () => priority }, delayMs);
  return { clock, started, trips, scheduler, ask, recoveries: () => recoveries };
}

describe("connect scheduler: counts, reasons and edges of its guarantees", () => {
  it("counts who waits and who is attempting", () => {
    const s = scene({ concurrent: 2 });
    for (const id of ["a", "b", "c", "d"]) s.ask(id);
    assert.equal(s.scheduler.attempting, 2);
    assert.equal(s.scheduler.queued, 2);
    s.scheduler.report("a", { kind: "registered" });
    assert.equal(s.scheduler.attempting, 2, "c took a's place");
    assert.equal(s.scheduler.queued, 1);
    assert.equal(s.scheduler.tripCount, 0);
  });

  it("after the burst, the next attempt starts exactly one token interval later", () => {
    const s = scene({ burst: 2, perSecond: 10, concurrent: 100 });
    for (const id of ["a", "b", "c", "d"]) s.ask(id);
    assert.deepEqual(s.started, ["a", "b"]);
    s.clock.advance(99);
    assert.equal(s.started.length, 2);
    s.clock.advance(1);
    assert.equal(s.started.length, 3);
    s.clock.advance(100);
    assert.equal(s.started.length, 4);
  });

  it("a long idle time refills the bucket only up to the burst", () => {
    const s = scene({ burst: 2, perSecond: 10, concurrent: 100 });
    s.clock.advance(60000);
    for (const id of ["a", "b", "c", "d"]) s.ask(id);
    assert.deepEqual(s.started, ["a", "b"]);
  });

  it("tokens earned part-way count from when they were earned", () => {
    const s = scene({ burst: 2, perSecond: 10, concurrent: 100 });
    s.ask("a");
    s.ask("b");
    s.clock.advance(150);
    s.ask("c");
    assert.deepEqual(s.started, ["a", "b", "c"], "a token was earned at 100");
    s.ask("d");
    s.clock.advance(49);
    assert.equal(s.started.length, 3);
    s.clock.advance(1);
    assert.deepEqual(s.started, ["a", "b", "c", "d"], "the next at 200, not 250");
  });

  it("cancelling an attempt under way frees its place at once", () => {
    const s = scene({ concurrent: 1 });
    s.ask("a");
    s.ask("b");
    s.scheduler.cancel("a");
    assert.deepEqual(s.started, ["a", "b"]);
    assert.equal(s.scheduler.attempting, 1);
  });

  it("a cancelled outcome frees the place and changes no mode", () => {
    const s = scene({ concurrent: 1 });
    s.ask("a");
    s.ask("b");
    s.scheduler.report("a", { kind: "cancelled" });
    assert.deepEqual(s.started, ["a", "b"]);
    assert.equal(s.scheduler.holdReason, undefined);
    assert.equal(s.recoveries(), 0);
  });

  it("says why connections wait: unreachable while probing; refused with the seconds left while tripped; nothing when open", () => {
    const s = scene();
    assert.equal(s.scheduler.holdReason, undefined);
    s.ask("a");
    s.scheduler.report("a", { kind: "unreachable", reason: "ECONNREFUSED" });
    assert.equal(s.scheduler.holdReason, "the IRC server cannot be reached; retrying");
    s.ask("a");
    s.clock.advance(1000);
    s.scheduler.report("a", { kind: "throttled", reason: "K-lined" });
    assert.equal(s.scheduler.holdReason, "the server refused new connections (K-lined); retrying in 5 s");
    s.clock.advance(1);
    assert.equal(s.scheduler.holdReason, "the server refused new connections (K-lined); retrying in 5 s", "rounded up");
    s.clock.advance(1000);
    assert.equal(s.scheduler.holdReason, "the server refused new connections (K-lined); retrying in 4 s");
    s.clock.advance(3999);
    assert.equal(s.scheduler.holdReason, undefined, "the breaker time is over");
    assert.equal(s.scheduler.tripCount, 1);
    s.ask("a");
    s.scheduler.report("a", { kind: "registered" });
    assert.equal(s.recoveries(), 1);
    assert.equal(s.scheduler.holdReason, undefined);
  });

  it("an unreachable report while the breaker is open does not shorten or replace the breaker", () => {
    const s = scene({ concurrent: 10 });
    s.ask("a");
    s.ask("b");
    s.scheduler.report("a", { kind: "throttled", reason: "too many connections" });
    s.scheduler.report("b", { kind: "unreachable", reason: "reset" });
    assert.match(s.scheduler.holdReason ?? "", /refused new connections \(too many connections\)/);
    s.ask("a");
    s.ask("b");
    s.clock.advance(4999);
    assert.equal(s.started.length, 2);
    s.clock.advance(1);
    assert.equal(s.started.length, 3, "one probe when the breaker time is over");
  });

  it("probing: the probe interval gets jitter, and one attempt at a time however long it takes", () => {
    const s = scene({ concurrent: 10, jitterMs: 1000 }, () => 0.5);
    s.scheduler.request("a", { go: () => s.started.push("a"), priority: () => 0 }, 0, false);
    s.scheduler.report("a", { kind: "unreachable", reason: "ECONNREFUSED" });
    s.scheduler.request("a", { go: () => s.started.push("a"), priority: () => 0 }, 0, false);
    s.scheduler.request("b", { go: () => s.started.push("b"), priority: () => 0 }, 0, false);
    s.clock.advance(1499);
    assert.deepEqual(s.started, ["a"], "probe interval 1000 + jitter 500");
    s.clock.advance(1);
    assert.equal(s.started.length, 2);
    s.clock.advance(20000);
    assert.equal(s.started.length, 2, "one probe in flight while probing");
  });

  it("a registration while open is no recovery", () => {
    const s = scene();
    s.ask("a");
    s.scheduler.report("a", { kind: "registered" });
    assert.equal(s.recoveries(), 0);
  });

  it("stop forgets everyone and leaves no timer", () => {
    const s = scene({ concurrent: 1, burst: 1, perSecond: 1 });
    for (const id of ["a", "b", "c"]) s.ask(id, 0, 10);
    s.clock.advance(10);
    assert.equal(s.clock.liveTimers, 1);
    s.scheduler.stop();
    assert.equal(s.clock.liveTimers, 0);
    assert.equal(s.scheduler.queued, 0);
    assert.equal(s.scheduler.attempting, 0);
    s.clock.advance(100000);
    assert.deepEqual(s.started, ["a"]);
  });

  it("a concurrency-held queue wakes when the oldest attempt times out, not later", () => {
    const s = scene({ concurrent: 2, attemptTimeoutMs: 1000 });
    s.ask("a");
    s.clock.advance(300);
    s.ask("b");
    s.ask("c");
    s.clock.advance(699);
    assert.deepEqual(s.started, ["a", "b"]);
    s.clock.advance(1);
    assert.deepEqual(s.started, ["a", "b", "c"], "a's attempt timed out at 1000");
  });

  it("an attempt counts for the whole attempt timeout from when it started, even one started late", () => {
    const s = scene({ concurrent: 1, attemptTimeoutMs: 1000 });
    s.ask("a");
    s.clock.advance(500);
    s.ask("b");
    s.clock.advance(500);
    assert.deepEqual(s.started, ["a", "b"], "a timed out at 1000");
    s.ask("c");
    s.clock.advance(999);
    assert.deepEqual(s.started, ["a", "b"], "b started at 1000: it counts until 2000");
    s.clock.advance(1);
    assert.deepEqual(s.started, ["a", "b", "c"]);
  });

  it("a ready request held by the bucket starts when the token is earned, even while a delayed one waits", () => {
    const s = scene({ burst: 1, perSecond: 10, concurrent: 10 });
    s.ask("a");
    s.ask("b");
    s.ask("later", 0, 5000);
    s.clock.advance(100);
    assert.deepEqual(s.started, ["a", "b"]);
    s.clock.advance(4900);
    assert.deepEqual(s.started, ["a", "b", "later"]);
  });

  it("no timer is left when nobody waits", () => {
    const s = scene();
    s.ask("a");
    s.ask("b", 0, 100);
    s.clock.advance(100);
    assert.deepEqual(s.started, ["a", "b"]);
    assert.equal(s.clock.liveTimers, 0);
    s.scheduler.report("a", { kind: "registered" });
    s.scheduler.report("b", { kind: "registered" });
    const held = scene({ concurrent: 1 });
    held.ask("a");
    held.ask("b");
    assert.equal(held.clock.liveTimers, 1, "b waits for a's report or its attempt timeout");
    held.scheduler.report("a", { kind: "registered" });
    assert.deepEqual(held.started, ["a", "b"]);
    assert.equal(held.clock.liveTimers, 0, "that wait is over: its timer is gone");
  });

  it("after an idle time the next token is due one interval after the first attempt, not earlier", () => {
    const s = scene({ burst: 1, perSecond: 10, concurrent: 10 });
    s.clock.advance(1050);
    s.ask("a");
    s.ask("b");
    s.clock.advance(99);
    assert.deepEqual(s.started, ["a"]);
    s.clock.advance(1);
    assert.deepEqual(s.started, ["a", "b"]);
  });

  it("while probing, an attempt that was already under way and registers ends the probing at once", () => {
    const s = scene({ concurrent: 10 });
    s.ask("a");
    s.ask("b");
    s.ask("c");
    s.scheduler.report("a", { kind: "unreachable", reason: "reset" });
    assert.equal(s.scheduler.holdReason, "the IRC server cannot be reached; retrying");
    s.scheduler.report("b", { kind: "registered" });
    assert.equal(s.recoveries(), 1);
    assert.equal(s.scheduler.holdReason, undefined);
  });

  it("while probing, a throttle trips the breaker", () => {
    const s = scene({ concurrent: 10 });
    s.ask("a");
    s.ask("b");
    s.scheduler.report("a", { kind: "unreachable", reason: "reset" });
    s.scheduler.report("b", { kind: "throttled", reason: "Throttled" });
    assert.deepEqual(s.trips, [{ reason: "Throttled", forMs: 5000 }]);
  });

  it("stop on a scheduler with nothing to do is harmless", () => {
    const s = scene();
    s.scheduler.stop();
    s.ask("a");
    assert.deepEqual(s.started, ["a"]);
  });
});

