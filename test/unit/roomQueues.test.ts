import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { RoomQueues, type RoomOp } from "../../src/rooms/roomQueues";
import { FakeClock } from "../support/fakeClock";

/** Lets every pending promise callback run (the queues await between operations). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise the test resolves by hand. */
function gate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open: () => open() };
}

function setup() {
  const clock = new FakeClock();
  const log: string[] = [];
  const retries: { roomId: string; what: string; delayMs: number }[] = [];
  const givenUp: { roomId: string; what: string; err: unknown }[] = [];
  const queues = new RoomQueues(
    {
      onRetry: (roomId, op, _err, delayMs) => retries.push({ roomId, what: op.what, delayMs }),
      onGiveUp: (roomId, op, err) => givenUp.push({ roomId, what: op.what, err }),
    },
    clock,
  );
  /** An op that logs its start and end, optionally waiting on a gate in between. */
  const op = (what: string, wait?: Promise<void>): RoomOp => ({
    what,
    run: async () => {
      log.push(`start ${what}`);
      if (wait !== undefined) await wait;
      log.push(`end ${what}`);
    },
  });
  /** An op that throws the given errors on its first attempts, then succeeds. */
  const failing = (what: string, errors: Error[]): RoomOp => ({
    what,
    run: () => {
      log.push(`try ${what}`);
      const err = errors.shift();
      return err === undefined ? Promise.resolve() : Promise.reject(err);
    },
  });
  return { clock, log, retries, givenUp, queues, op, failing };
}

describe("room queues", () => {
  it("runs the operations of one room one at a time, in the order queued", async () => {
    const { queues, log, op } = setup();
    const gates = [gate(), gate(), gate()];
    gates.forEach((g, i) => queues.enqueue("!a", op(`a${i}`, g.promise)));
    await settle();
    assert.deepEqual(log, ["start a0"], "the second op does not start while the first runs");
    assert.equal(queues.depth, 3);
    gates[1]?.open();
    await settle();
    assert.deepEqual(log, ["start a0"], "opening a later op's gate does not let it jump the queue");
    gates[0]?.open();
    await settle();
    assert.deepEqual(log, ["start a0", "end a0", "start a1", "end a1", "start a2"]);
    gates[2]?.open();
    await queues.idle();
    assert.deepEqual(log.slice(-1), ["end a2"]);
    assert.equal(queues.depth, 0);
  });

  it("runs rooms in parallel: a slow operation in one room does not delay another", async () => {
    const { queues, log, op } = setup();
    const slow = gate();
    queues.enqueue("!a", op("a-slow", slow.promise));
    queues.enqueue("!a", op("a-after"));
    queues.enqueue("!b", op("b0"));
    queues.enqueue("!b", op("b1"));
    await settle();
    assert.deepEqual(log, ["start a-slow", "start b0", "end b0", "start b1", "end b1"]);
    slow.open();
    await queues.idle();
    assert.deepEqual(log.slice(5), ["end a-slow", "start a-after", "end a-after"]);
  });

  it("retries a transient failure (502, then unreachable) with doubling delays, holding back what follows", async () => {
    const { queues, log, op, failing, retries, givenUp, clock } = setup();
    queues.enqueue("!a", failing("send", [new MatrixApiError(502, "M_UNKNOWN", "bad gateway"), new MatrixApiError(0, "M_UNREACHABLE", "down")]));
    queues.enqueue("!a", op("next"));
    await settle();
    assert.deepEqual(log, ["try send"]);
    assert.deepEqual(retries, [{ roomId: "!a", what: "send", delayMs: 500 }]);
    clock.advance(499);
    await settle();
    assert.deepEqual(log, ["try send"], "not retried before the delay");
    clock.advance(1);
    await settle();
    assert.deepEqual(log, ["try send", "try send"], "retried after 500 ms; the next op still waits");
    assert.deepEqual(retries[1], { roomId: "!a", what: "send", delayMs: 1000 });
    clock.advance(1000);
    await queues.idle();
    assert.deepEqual(log, ["try send", "try send", "try send", "start next", "end next"]);
    assert.deepEqual(givenUp, []);
  });

  it("keeps retrying a transient failure beyond the permanent-failure limit, capped at 10 s", async () => {
    const { queues, log, failing, retries, givenUp, clock } = setup();
    const errors = Array.from({ length: 8 }, () => new MatrixApiError(429, "M_LIMIT_EXCEEDED", "slow down"));
    queues.enqueue("!a", failing("send", errors));
    for (let i = 0; i < 8; i++) {
      await settle();
      clock.advance(30000);
    }
    await queues.idle();
    assert.equal(log.length, 9, "eight failures, then success");
    assert.deepEqual(
      retries.map((r) => r.delayMs),
      [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000],
    );
    assert.deepEqual(givenUp, []);
  });

  it("gives up a permanent failure (403) after 2 attempts, reports it, and runs what follows", async () => {
    const { queues, log, op, failing, givenUp, clock } = setup();
    const refusal = new MatrixApiError(403, "M_FORBIDDEN", "not allowed");
    queues.enqueue("!a", failing("kick", [refusal, refusal, refusal]));
    queues.enqueue("!a", op("next"));
    await settle();
    clock.advance(500);
    await queues.idle();
    assert.deepEqual(log, ["try kick", "try kick", "start next", "end next"]);
    assert.deepEqual(givenUp, [{ roomId: "!a", what: "kick", err: refusal }]);
  });

  it("treats an error that is not a MatrixApiError as permanent", async () => {
    const { queues, log, failing, givenUp, clock } = setup();
    queues.enqueue("!a", failing("bug", [new TypeError("x is undefined"), new TypeError("x is undefined")]));
    await settle();
    clock.advance(500);
    await queues.idle();
    assert.deepEqual(log, ["try bug", "try bug"]);
    assert.deepEqual(
      givenUp.map((g) => g.what),
      ["bug"],
    );
  });

  it("idle() resolves at once when nothing is queued, and only once every room is done otherwise", async () => {
    const { queues, op } = setup();
    await queues.idle();
    const a = gate();
    const b = gate();
    queues.enqueue("!a", op("a", a.promise));
    queues.enqueue("!b", op("b", b.promise));
    let idle = false;
    void queues.idle().then(() => (idle = true));
    await settle();
    assert.equal(idle, false);
    a.open();
    await settle();
    assert.equal(idle, false, "room !b is still busy");
    b.open();
    await settle();
    assert.equal(idle, true);
  });
});

describe("MatrixApiError.transient", () => {
  const cases: [number, boolean][] = [
    [0, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [403, false],
    [404, false],
  ];
  for (const [status, transient] of cases) {
    it(`status ${status} is ${transient ? "transient" : "permanent"}`, () => {
      assert.equal(new MatrixApiError(status, "M_X", "x").transient, transient);
    });
  }

  it("reports the recovery of a room whose operation needed retries", async () => {
    const clock = new FakeClock();
    const recoveredRooms: string[] = [];
    let failures = 1;
    const queues = new RoomQueues(
      { onGiveUp: () => undefined, onRetry: () => undefined, onRecovered: (roomId) => recoveredRooms.push(roomId) },
      clock,
    );
    queues.enqueue("!a", {
      what: "send",
      run: () => (failures-- > 0 ? Promise.reject(new MatrixApiError(502, "M_UNKNOWN", "bad gateway")) : Promise.resolve()),
    });
    queues.enqueue("!b", { what: "send", run: () => Promise.resolve() });
    await new Promise((r) => setImmediate(r));
    clock.advance(1000);
    await queues.idle();
    assert.deepEqual(recoveredRooms, ["!a"], "only the room that had to retry");
  });
});
