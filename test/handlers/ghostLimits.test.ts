import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ghostLimits } from "../../src/compose/ghostLimits";
import { Ghosts } from "../../src/matrix/ghosts";
import { createMetrics } from "../../src/observability/metrics";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";

const BOT = "@ircbot:example.org";
const ghost = (i: number) => `@irc_n${i}:example.org`;
const tick = () => new Promise((r) => setImmediate(r));
async function settle(rounds = 10) {
  for (let i = 0; i < rounds; i++) await tick();
}

function setup(maxCached: number, perSecond = 1000, burst = 1000) {
  const api = new FakeMatrixApi();
  const clock = new FakeClock();
  const metrics = createMetrics();
  const ghosts = new Ghosts(api, BOT, ghostLimits({ maxCached, registrationsPerSecond: perSecond, registrationBurst: burst }, metrics, clock));
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
  const registered = () => api.calls.filter((c) => c.startsWith("register "));
  const waiting = async () => (await metrics.ghostRegistrationsWaiting.get()).values[0]?.value ?? 0;
  return { api, clock, metrics, ghosts, queues, registered, waiting };
}

describe("ghost limits", () => {
  it("remembers at most maxCached ghosts and memberships, least recently used forgotten first", async () => {
    const { api, ghosts, registered } = setup(100);
    for (let i = 0; i < 250; i++) await ghosts.ensureJoined("!room:example.org", ghost(i), `n${i}`);
    assert.deepEqual(ghosts.cached, { ghosts: 100, memberships: 100 });
    assert.equal(registered().length, 250);
    // A recent ghost costs nothing; one long forgotten is asked of the homeserver again, and works.
    const before = api.calls.length;
    await ghosts.ensureJoined("!room:example.org", ghost(249), "n249");
    assert.equal(api.calls.length, before, "a remembered ghost makes no request");
    await ghosts.ensureJoined("!room:example.org", ghost(0), "n0");
    assert.deepEqual(api.calls.slice(before), [`register irc_n0`, `setDisplayname ${ghost(0)} n0`, `join !room:example.org ${ghost(0)}`]);
    assert.deepEqual(ghosts.cached, { ghosts: 100, memberships: 100 }, "still bounded");
  });

  it("using a ghost keeps it remembered while others are forgotten", async () => {
    const { api, ghosts } = setup(100);
    await ghosts.ensureUser(ghost(0), "n0");
    for (let i = 1; i < 300; i++) {
      await ghosts.ensureUser(ghost(i), `n${i}`);
      await ghosts.ensureUser(ghost(0), "n0");
    }
    assert.equal(api.calls.filter((c) => c === "register irc_n0").length, 1, "the busy ghost was never forgotten");
  });

  it("registers new ghosts at the configured rate: the rest wait in order, visible in a metric, none lost", async () => {
    const { api, clock, ghosts, queues, registered, waiting } = setup(10000, 2, 3);
    const rooms = ["!a:example.org", "!b:example.org"];
    for (let i = 0; i < 10; i++) {
      const roomId = rooms[i % 2] ?? "";
      queues.enqueue(roomId, { what: `ghost ${i}`, run: () => ghosts.ensureJoined(roomId, ghost(i), `n${i}`) });
    }
    await settle();
    // Rooms run in parallel, one operation at a time each: room a's first and second ghosts and
    // room b's first took the burst of 3; each room's next waits its turn.
    assert.equal(registered().length, 3, "no more than the burst at once");
    assert.equal(await waiting(), 2, "the wait is visible");
    const atStart = registered().length;
    clock.advance(499);
    await settle();
    assert.equal(registered().length, atStart, "not before the rate allows");
    for (let s = 0; s < 10 && registered().length < 10; s++) {
      clock.advance(500);
      await settle();
    }
    assert.equal(registered().length, 10, "every ghost is registered in the end");
    assert.equal(await waiting(), 0);
    for (const roomId of rooms) {
      const joins = api.callsIn(roomId).filter((c) => c.startsWith("join "));
      const expected = Array.from({ length: 10 }, (_, i) => i)
        .filter((i) => rooms[i % 2] === roomId)
        .map((i) => `join ${roomId} ${ghost(i)}`);
      assert.deepEqual(joins, expected, `ghosts joined ${roomId} in their order`);
    }
  });
});
