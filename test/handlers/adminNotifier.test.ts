import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdminRooms } from "../../src/admin/adminRooms";
import { AdminNotifier, type AdminNotifierDeps } from "../../src/admin/notifier";
import type { Clock } from "../../src/irc/pacedQueue";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { silentLogger } from "../support/silentLogger";

const BOT = "@ircbridge:example.org";
const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";

/** A FakeClock that counts the timers armed and not yet fired or cancelled. */
class CountingClock implements Clock {
  live = 0;
  maxLive = 0;
  constructor(readonly inner = new FakeClock()) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    let done = false;
    const finish = () => {
      if (!done) this.live--;
      done = true;
    };
    this.live++;
    this.maxLive = Math.max(this.maxLive, this.live);
    const handle = this.inner.setTimeout(() => {
      finish();
      fn();
    }, ms);
    return {
      cancel: () => {
        finish();
        handle.cancel();
      },
    };
  }
}

function setup(overrides: Partial<AdminNotifierDeps> = {}) {
  const api = new FakeMatrixApi();
  const clock = new CountingClock();
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock.inner);
  const roomOf = (userId: string) => `!admin-${userId.slice(1, userId.indexOf(":"))}:example.org`;
  const notifier = new AdminNotifier({
    rooms: { roomFor: (userId) => Promise.resolve(roomOf(userId)) },
    api,
    botUserId: BOT,
    enqueue: (key, op) => queues.enqueue(key, op),
    clock,
    log: silentLogger(),
    ...overrides,
  });
  /** Moves the clock, then lets what it queued be sent. */
  const advance = async (ms: number) => {
    clock.inner.advance(ms);
    await queues.idle();
  };
  const bodies = (userId: string) => api.sent.filter((s) => s.roomId === roomOf(userId)).map((s) => s.content.body);
  return { api, clock, queues, notifier, advance, bodies };
}

describe("admin notices", () => {
  it("a storm: five at once, then one notice per interval that sums up what was held back", async () => {
    const { notifier, advance, bodies, api } = setup();
    for (let i = 1; i <= 12; i++) notifier.notify(ALICE, `notice ${i}`);
    await advance(0);
    assert.deepEqual(bodies(ALICE), ["notice 1", "notice 2", "notice 3", "notice 4", "notice 5"], "the burst, and no more");
    assert.equal(notifier.held, 7);
    await advance(9999);
    assert.equal(bodies(ALICE).length, 5, "no token before the interval");
    await advance(1);
    assert.deepEqual(bodies(ALICE).slice(5), ["(7 more connection notices were held back; the last 3: notice 10 — notice 11 — notice 12)"]);
    assert.equal(notifier.held, 0);
    assert.ok(api.sent.every((s) => s.as === BOT && s.content.msgtype === "m.notice"));
    await advance(60000);
    assert.equal(bodies(ALICE).length, 6, "nothing more to say");
  });

  it("one notice held back is sent as it is; a user's quiet time refills the bucket", async () => {
    const { notifier, advance, bodies } = setup({ burst: 1, intervalMs: 1000 });
    notifier.notify(ALICE, "first");
    notifier.notify(ALICE, "second");
    await advance(1000);
    assert.deepEqual(bodies(ALICE), ["first", "second"]);
    await advance(5000);
    notifier.notify(ALICE, "third");
    await advance(0);
    assert.deepEqual(bodies(ALICE), ["first", "second", "third"]);
  });

  it("users are limited apart, with one timer for all of them", async () => {
    const { notifier, advance, bodies, clock } = setup({ burst: 2, intervalMs: 1000 });
    for (const userId of [ALICE, BOB, "@carol:example.org"]) for (let i = 1; i <= 4; i++) notifier.notify(userId, `${userId} ${i}`);
    await advance(0);
    assert.equal(bodies(BOB).length, 2, "Alice's storm does not use Bob's notices");
    assert.equal(clock.live, 1);
    await advance(1000);
    assert.deepEqual(bodies(BOB), [`${BOB} 1`, `${BOB} 2`, `(2 more connection notices were held back; the last 2: ${BOB} 3 — ${BOB} 4)`]);
    assert.equal(clock.maxLive, 1, "never a timer per user");
    await advance(10000);
    assert.equal(clock.live, 0, "no timer while nothing is held back");
  });

  it("a send that fails while the homeserver is down is retried with the same transaction id", async () => {
    let made = 0;
    const { notifier, api, advance, bodies } = setup({ newTxnId: () => `admin.t${++made}` });
    api.failures.set("send", new MatrixApiError(502, "M_UNKNOWN", "bad gateway"));
    notifier.notify(ALICE, "lost your connection");
    await new Promise((r) => setImmediate(r));
    assert.equal(api.calls.filter((c) => c.startsWith("send")).length, 1);
    api.failures.delete("send");
    await advance(500);
    assert.deepEqual(bodies(ALICE), ["lost your connection"]);
    assert.deepEqual(api.sent.map((s) => s.txnId), ["admin.t1"]);
    assert.equal(made, 1);
  });

  it("transaction ids are admin.<uuid> by default", async () => {
    const { notifier, advance, api } = setup();
    notifier.notify(ALICE, "hi");
    await advance(0);
    assert.match(api.sent[0]?.txnId ?? "", /^admin\.[0-9a-f-]{36}$/);
  });

  it("the admin room is created when the first notice is sent, once for many", async () => {
    const api = new FakeMatrixApi();
    const store = await openNedbStore(undefined);
    const rooms = new AdminRooms({ api, botUserId: BOT, store: store.adminRooms, networks: [{ id: "testnet", name: "TestNet" }], log: silentLogger() });
    const clock = new FakeClock();
    const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
    const notifier = new AdminNotifier({ rooms, api, botUserId: BOT, enqueue: (key, op) => queues.enqueue(key, op), clock, log: silentLogger() });
    api.failures.set("createRoom", new MatrixApiError(0, "M_UNREACHABLE", "homeserver unreachable"));
    notifier.notify(ALICE, "one");
    notifier.notify(ALICE, "two");
    await new Promise((r) => setImmediate(r));
    api.failures.delete("createRoom");
    clock.advance(500);
    await queues.idle();
    assert.equal(api.created.length, 1);
    assert.deepEqual(
      api.sent.map((s) => [s.roomId, s.content.body]),
      [
        ["!created2:example.org", "one"],
        ["!created2:example.org", "two"],
      ],
      "a failed creation is retried in the queue, and the notices keep their order",
    );
  });

  it("never throws to the caller", () => {
    const { notifier } = setup({
      enqueue: () => {
        throw new Error("queue broken");
      },
    });
    assert.doesNotThrow(() => notifier.notify(ALICE, "hi"));
    assert.doesNotThrow(() => notifier.reply(ALICE, "!room:example.org", "hi"));
  });
});
