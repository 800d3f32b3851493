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

function scene(settings: Partial<ConnectSettings> = {}) {
  const clock = new FakeClock();
  const started: string[] = [];
  const trips: { reason: string; forMs: number }[] = [];
  let recoveries = 0;
  const scheduler = new ConnectScheduler(
    { ...SETTINGS, ...settings },
    { onTrip: (reason, forMs) => trips.push({ reason, forMs }), onRecovered: () => recoveries++ },
    clock,
    () => 0,
  );
  const ask = (id: string, priority = 0, delayMs = 0) => scheduler.request(id, { go: () => started.push(id), priority: () => priority }, delayMs);
  return { clock, started, trips, scheduler, ask, recoveries: () => recoveries };
}

describe("connect scheduler", () => {
  it("never has more than `concurrent` attempts in flight", () => {
    const s = scene();
    for (let i = 0; i < 10; i++) s.ask(`c${i}`);
    assert.equal(s.started.length, 3);
    s.clock.advance(5000);
    assert.equal(s.started.length, 3, "nobody reported, so nobody else starts");
    s.scheduler.report("c0", { kind: "registered" });
    assert.equal(s.started.length, 4);
  });

  it("starts at most burst + rate x time attempts (token bucket)", () => {
    const s = scene({ concurrent: 1000 });
    for (let i = 0; i < 50; i++) s.ask(`c${i}`);
    assert.equal(s.started.length, 5, "the burst");
    s.clock.advance(1000);
    assert.equal(s.started.length, 15, "burst + 10/s for 1 s");
    s.clock.advance(1000);
    assert.equal(s.started.length, 25);
    s.clock.advance(10000);
    assert.equal(s.started.length, 50);
  });

  it("lets the most recently active user go first", () => {
    const s = scene({ concurrent: 1 });
    s.ask("first", 1);
    s.ask("idle", 10);
    s.ask("active", 99);
    s.scheduler.report("first", { kind: "registered" });
    s.scheduler.report(s.started[1] ?? "", { kind: "registered" });
    assert.deepEqual(s.started, ["first", "active", "idle"]);
  });

  it("probes an unreachable server with one attempt at a time, then releases everyone", () => {
    const s = scene({ concurrent: 100, burst: 100, perSecond: 100 });
    for (let i = 0; i < 20; i++) s.ask(`c${i}`);
    assert.equal(s.started.length, 20);
    // The server is down: every attempt fails and asks again.
    for (let i = 0; i < 20; i++) {
      s.scheduler.report(`c${i}`, { kind: "unreachable", reason: "ECONNREFUSED" });
      s.ask(`c${i}`);
    }
    assert.equal(s.started.length, 20, "nothing starts before the probe interval");
    s.clock.advance(1000);
    assert.equal(s.started.length, 21, "one probe");
    const probe = s.started[20] ?? "";
    s.scheduler.report(probe, { kind: "unreachable", reason: "ECONNREFUSED" });
    s.ask(probe);
    s.clock.advance(999);
    assert.equal(s.started.length, 21);
    s.clock.advance(1);
    assert.equal(s.started.length, 22, "the next probe");
    s.scheduler.report(s.started[21] ?? "", { kind: "registered" });
    assert.equal(s.recoveries(), 1);
    assert.equal(s.started.length, 22 + 19, "everyone else at once (within the bucket)");
  });

  it("a refused server password trips the breaker like a throttle, with its cause; the hold reason says so", () => {
    const causes: string[] = [];
    const clock = new FakeClock();
    const scheduler = new ConnectScheduler(SETTINGS, { onTrip: (_reason, _forMs, cause) => causes.push(cause), onRecovered: () => undefined }, clock, () => 0);
    const started: string[] = [];
    for (let i = 0; i < 3; i++) scheduler.request(`c${i}`, { go: () => started.push(`c${i}`), priority: () => 0 });
    for (const id of [...started]) scheduler.report(id, { kind: "throttled", reason: "Password incorrect", cause: "server-password" });
    assert.deepEqual(causes, ["server-password"], "one trip per wave");
    assert.match(scheduler.holdReason ?? "", /refused the bridge's server password \(tell the bridge's operator\); retrying in 5 s/);
    for (let i = 0; i < 3; i++) scheduler.request(`c${i}`, { go: () => started.push(`c${i}`), priority: () => 0 });
    clock.advance(4999);
    assert.equal(started.length, 3, "nobody connects while it is open");
    clock.advance(1);
    assert.equal(started.length, 4, "then one attempt probes");
    scheduler.report(started[3] ?? "", { kind: "throttled", reason: "throttled" });
    assert.deepEqual(causes, ["server-password", "refused"]);
  });

  it("one of several addresses failing (addressFailed) frees the slot and holds nobody: no probe, no breaker", () => {
    const s = scene({ concurrent: 2 });
    for (let i = 0; i < 4; i++) s.ask(`c${i}`);
    assert.deepEqual(s.started, ["c0", "c1"]);
    s.scheduler.report("c0", { kind: "addressFailed", reason: "ECONNREFUSED" });
    s.ask("c0");
    assert.deepEqual(s.started, ["c0", "c1", "c2"], "the freed slot goes to the next at once, not after a probe interval");
    assert.equal(s.scheduler.holdReason, undefined);
    s.scheduler.report("c1", { kind: "registered" });
    assert.deepEqual(s.started, ["c0", "c1", "c2", "c3"]);
    assert.equal(s.recoveries(), 0, "the network was never down");
    assert.deepEqual(s.trips, []);
  });

  it("trips the breaker on a throttle, once per wave, doubling up to the maximum, reset by a success", () => {
    const s = scene({ concurrent: 10, burst: 10 });
    for (let i = 0; i < 10; i++) s.ask(`c${i}`);
    for (let i = 0; i < 4; i++) {
      s.scheduler.report(`c${i}`, { kind: "throttled", reason: "Throttled: Reconnecting too fast" });
      s.ask(`c${i}`);
    }
    assert.deepEqual(s.trips, [{ reason: "Throttled: Reconnecting too fast", forMs: 5000 }]);
    assert.match(s.scheduler.holdReason ?? "", /refused new connections \(Throttled: Reconnecting too fast\)/);
    for (let i = 4; i < 10; i++) s.scheduler.report(`c${i}`, { kind: "registered" });
    // Registrations that were already under way do not close the breaker early.
    s.clock.advance(4999);
    assert.equal(s.started.length, 10);
    s.clock.advance(1);
    assert.equal(s.started.length, 11, "one probe after the breaker time");
    s.scheduler.report(s.started[10] ?? "", { kind: "throttled", reason: "again" });
    s.ask(s.started[10] ?? "");
    assert.equal(s.trips[1]?.forMs, 10000, "doubled");
    s.clock.advance(10000);
    s.scheduler.report(s.started[11] ?? "", { kind: "throttled", reason: "again" });
    s.ask(s.started[11] ?? "");
    s.clock.advance(20000);
    s.scheduler.report(s.started[12] ?? "", { kind: "throttled", reason: "again" });
    s.ask(s.started[12] ?? "");
    assert.equal(s.trips[3]?.forMs, 20000, "capped");
    s.clock.advance(20000);
    s.scheduler.report(s.started[13] ?? "", { kind: "registered" });
    assert.equal(s.recoveries(), 1);
    assert.equal(s.started.length, 14 + 3, "open again: the rest go");
    for (const id of s.started.slice(14)) s.scheduler.report(id, { kind: "throttled", reason: "after reset" });
    assert.equal(s.trips.at(-1)?.forMs, 5000, "a success resets the breaker time");
  });

  it("keeps at most one timer, however many connections wait", () => {
    const s = scene({ concurrent: 1, perSecond: 1, burst: 1 });
    for (let i = 0; i < 200; i++) s.ask(`c${i}`, i, i * 10);
    assert.ok(s.clock.liveTimers <= 1, `${s.clock.liveTimers} timers`);
    s.clock.advance(3000);
    assert.ok(s.clock.liveTimers <= 1);
  });

  it("honours a request's delay, and a repeated request replaces the earlier one", () => {
    const s = scene();
    s.ask("a", 0, 2000);
    s.ask("a", 0, 500);
    s.clock.advance(499);
    assert.deepEqual(s.started, []);
    s.clock.advance(1);
    assert.deepEqual(s.started, ["a"]);
    s.clock.advance(5000);
    assert.deepEqual(s.started, ["a"]);
  });

  it("stops counting an attempt that never reports after the attempt timeout", () => {
    const s = scene({ concurrent: 1 });
    s.ask("hung");
    s.ask("next");
    s.clock.advance(29999);
    assert.deepEqual(s.started, ["hung"]);
    s.clock.advance(1);
    assert.deepEqual(s.started, ["hung", "next"]);
  });

  it("forgets a cancelled request", () => {
    const s = scene({ concurrent: 1 });
    s.ask("a");
    s.ask("b");
    s.scheduler.cancel("b");
    s.scheduler.report("a", { kind: "registered" });
    assert.deepEqual(s.started, ["a"]);
  });

  it("adds jitter to reconnects only, never to a user's first connection", () => {
    const clock = new FakeClock();
    const started: string[] = [];
    const scheduler = new ConnectScheduler({ ...SETTINGS, jitterMs: 1000 }, { onTrip: () => undefined, onRecovered: () => undefined }, clock, () => 0.999);
    scheduler.request("first", { go: () => started.push("first"), priority: () => 0 }, 0, false);
    scheduler.request("again", { go: () => started.push("again"), priority: () => 0 });
    assert.deepEqual(started, ["first"]);
    clock.advance(999);
    assert.deepEqual(started, ["first", "again"]);
  });
});
