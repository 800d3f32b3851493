import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RoomQueues, type RoomOp } from "../../src/rooms/roomQueues";
import { FakeClock } from "../support/fakeClock";

/** A promise the test resolves by hand. */
function gate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open: () => open() };
}

describe("room queues: the reporting hooks are optional", () => {
  it("without onDropped, onOverflowEnded and onRecovered, a full room still refuses, drains and goes idle", async () => {
    const clock = new FakeClock();
    const queues = new RoomQueues({ onRetry: () => undefined, onGiveUp: () => undefined }, clock, 1);
    const ran: string[] = [];
    const first = gate();
    const op = (what: string, wait?: Promise<void>, droppable = true): RoomOp => ({
      what,
      droppable,
      run: async () => {
        if (wait !== undefined) await wait;
        ran.push(what);
      },
    });
    assert.equal(queues.enqueue("!r", op("a", first.promise)), true);
    assert.equal(queues.enqueue("!r", op("dropped")), false, "the room is full: refused, not thrown");
    assert.equal(queues.enqueue("!r", op("kept", undefined, false)), true, "never refused when not droppable");
    const idle = queues.idle();
    first.open();
    await idle;
    assert.deepEqual(ran, ["a", "kept"]);
    assert.equal(queues.depth, 0);
  });

  it("onOverflowEnded is told once, with the count, only for a room that refused something; other rooms drain silently", async () => {
    const clock = new FakeClock();
    const ended: string[] = [];
    const dropped: string[] = [];
    const queues = new RoomQueues(
      {
        onRetry: () => undefined,
        onGiveUp: () => undefined,
        onDropped: (roomId, op) => dropped.push(`${roomId} ${op.what}`),
        onOverflowEnded: (roomId, count) => ended.push(`${roomId} ${count}`),
      },
      clock,
      1,
    );
    const busy = gate();
    const op = (what: string, wait?: Promise<void>): RoomOp => ({ what, droppable: true, run: async () => wait });
    queues.enqueue("!full", op("a", busy.promise));
    queues.enqueue("!full", op("b"));
    queues.enqueue("!full", op("c"));
    queues.enqueue("!quiet", op("q"));
    assert.deepEqual(dropped, ["!full b", "!full c"]);
    const idle = queues.idle();
    busy.open();
    await idle;
    assert.deepEqual(ended, ["!full 2"]);
    queues.enqueue("!full", op("d"));
    await queues.idle();
    assert.deepEqual(ended, ["!full 2"], "the count was reset when it was reported");
  });
});
