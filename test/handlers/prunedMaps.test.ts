import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdminNotifier } from "../../src/admin/notifier";
import { ConnectionNews } from "../../src/bridge/connectionNews";
import { systemClock } from "../../src/irc/pacedQueue";
import { PmGuard } from "../../src/pms/pmGuard";
import { AccessRecords } from "../../src/rooms/accessRecords";
import { PowerLevelSync } from "../../src/rooms/powerLevelSync";
import { RoomAccess } from "../../src/rooms/roomAccess";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";
import { testPuppets } from "../support/testPuppets";
const BOT = "@ircbridge:example.org";
const users = (n: number) => Array.from({ length: n }, (_, i) => `@u${i}:example.org`);

/** Every long-lived map keyed by a user, a room or a connection shrinks when they go away. */
describe("per-user maps are pruned", () => {
  it("admin notices: a user's bucket is dropped once it is full again, with no timer left", async () => {
    const clock = new FakeClock();
    const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
    const notifier = new AdminNotifier({
      rooms: { roomFor: (userId) => Promise.resolve(`!admin-${userId}`) },
      api: new FakeMatrixApi(),
      botUserId: BOT,
      enqueue: (key, op) => queues.enqueue(key, op),
      clock,
      log: silentLogger(),
      burst: 5,
      intervalMs: 10000,
    });
    for (const userId of users(50)) notifier.notify(userId, "connected");
    assert.equal(notifier.tracked, 50, "positive control: each noticed user has a bucket");
    clock.advance(9999);
    assert.equal(notifier.tracked, 50, "not before the bucket is full again");
    clock.advance(1);
    await queues.idle();
    assert.equal(notifier.tracked, 0);
    assert.equal(clock.liveTimers, 0, "and no timer is left");
  });

  it("connection news: a lost connection is forgotten when it is back, refused or closed", () => {
    const clock = new FakeClock();
    const told: string[] = [];
    const news = new ConnectionNews("Net", (userId, text) => told.push(`${userId} ${text}`), clock);
    const [a = "", b = "", c = ""] = users(3);
    for (const userId of [a, b, c]) news.dropped(userId, "ping timeout");
    assert.equal(news.tracked, 3);
    news.registered(a, "a", true, undefined);
    news.refused(b, "banned");
    news.forget(c);
    assert.equal(news.tracked, 0);
    news.stop();
  });

  it("private-message guard: counts older than they look back are swept when the guard is next used", () => {
    const clock = new FakeClock();
    const guard = new PmGuard({ enabled: true, requireRegisteredSender: false, maxNewRoomsPerHour: 5 }, clock);
    for (const userId of users(20)) {
      assert.equal(guard.admit(userId, "spammer", false, undefined), undefined);
      assert.equal(guard.mayAnswer(userId, "spammer"), true);
    }
    assert.equal(guard.tracked, 60, "positive control: 20 users, each in the three maps");
    clock.advance(3600000);
    guard.admit("@fresh:example.org", "friend", false, undefined);
    assert.equal(guard.tracked, 1, "only the fresh user is left");
  });

  it("connections: activity and idle time of a user go with their connection; activity without one goes after an hour", async () => {
    const clock = new FakeClock();
    const store = await openNedbStore(undefined);
    const registry = testPuppets(fakeNetwork(", connections: { idleTimeoutSeconds: 60 }"), store.puppets, clock, { attach: () => undefined, dropped: () => undefined });
    for (const userId of users(10)) {
      registry.touch(userId);
      assert.ok(registry.ensure(userId).ok);
    }
    registry.sweep(); // records when each empty connection became idle
    assert.equal(registry.tracked, 20, "positive control: activity and idle time of 10 users");
    for (const userId of users(10)) registry.get(userId)?.close("gone");
    assert.equal(registry.size, 0);
    assert.equal(registry.tracked, 0, "closed for good: nothing left about them");
    registry.touch("@refused:example.org"); // spoke, but has no connection
    clock.advance(3599999);
    registry.sweep();
    assert.equal(registry.tracked, 1);
    clock.advance(1);
    registry.sweep();
    assert.equal(registry.tracked, 0, "forgotten after an hour without a connection");
  });

  it("join-rule wishes: a room leaves the map once its rule is restored", async () => {
    const store = await openNedbStore(undefined);
    const api = new FakeMatrixApi();
    const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, systemClock);
    const records = new AccessRecords(store.roomAccess, silentLogger());
    const access = new RoomAccess({ api, queues, records, powerLevels: new PowerLevelSync({ api, queues, records, botUserId: BOT, clock: systemClock, log: silentLogger() }), botUserId: BOT });
    api.given("!r:example.org", "m.room.join_rules", { join_rule: "public" });
    access.joinRule("!r:example.org", true, undefined);
    await queues.idle();
    assert.equal(access.wishes, 1, "positive control: a closed room is remembered");
    assert.deepEqual(api.stateOf("!r:example.org", "m.room.join_rules"), { join_rule: "invite" });
    access.joinRule("!r:example.org", false, undefined);
    await queues.idle();
    assert.deepEqual(api.stateOf("!r:example.org", "m.room.join_rules"), { join_rule: "public" });
    assert.equal(access.wishes, 0);
    const calls = api.calls.length;
    access.joinRule("!r:example.org", false, undefined);
    await queues.idle();
    assert.equal(api.calls.length, calls, "a repeated restore still queues nothing");
  });

  it("network bridge: a connection's user is forgotten when the connection closes for good", async () => {
    const store = await openNedbStore(undefined);
    const api = new FakeMatrixApi();
    const network = testNetworkContext(1);
    const { bridge } = testNetworkBridge({ network, store, api, botUserId: BOT });
    try {
      for (const userId of users(5)) assert.ok(bridge.puppets.ensure(userId).ok);
      assert.equal(bridge.knownConnections, 5, "positive control");
      for (const userId of users(5)) bridge.puppets.get(userId)?.close("gone");
      assert.equal(bridge.knownConnections, 0);
      assert.ok(bridge.puppets.ensure("@u0:example.org").ok);
      assert.equal(bridge.knownConnections, 1, "a new connection of the same user is known again");
    } finally {
      await bridge.stop();
    }
  });
});
