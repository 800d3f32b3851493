import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { PendingSends, parsePendingSend, type PendingSend } from "../../src/rooms/pendingSends";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { SendJournal } from "../../src/store/sendJournal";
import { FakeClock } from "../support/fakeClock";

const ROOM = "!room:example.org";

function send(n: number, roomId = ROOM): PendingSend {
  return {
    id: `t${n}.${roomId}`,
    roomId,
    network: "net",
    channel: "#chan",
    nick: "bob",
    ghost: "@irc_bob:example.org",
    content: { msgtype: "m.text", body: `m${n}` },
    txnId: `t${n}.${roomId}`,
    ts: 1000 + n,
    msgid: undefined,
  };
}

/** A bridge's pending sends over a journal in `dir`; the homeserver is down while `down` is set. */
function scene(dir: string | undefined, maxPerRoom = 100) {
  const clock = new FakeClock();
  const state = { down: false };
  const delivered: string[] = [];
  const notices: string[] = [];
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
  const sends = new PendingSends({
    journal: new SendJournal<PendingSend>(dir, "irc-to-matrix.log"),
    queues,
    deliver: (s) => {
      if (state.down) return Promise.reject(new MatrixApiError(502, "M_UNKNOWN", "bad gateway"));
      delivered.push(String(s.content.body));
      return Promise.resolve();
    },
    notice: (_send, text) => notices.push(text),
    maxPerRoom,
    depth: () => undefined,
    dropped: () => undefined,
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  return { clock, state, delivered, notices, queues, sends, settle };
}

describe("pending IRC -> Matrix sends", () => {
  it("survive a restart while the homeserver is down: the next run sends them first, in order, once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pending-"));
    try {
      const before = scene(dir);
      before.sends.replay(parsePendingSend);
      before.state.down = true;
      for (let n = 0; n < 5; n++) before.sends.enqueue(send(n));
      await before.settle();
      assert.deepEqual(before.delivered, []);
      // The bridge dies here (nothing is closed or flushed). A new run starts with the homeserver up.
      const after = scene(dir);
      assert.equal(after.sends.replay(parsePendingSend), 5);
      after.sends.enqueue(send(5));
      after.sends.enqueue(send(2)); // chathistory delivering one the journal already has
      await after.queues.idle();
      assert.deepEqual(after.delivered, ["m0", "m1", "m2", "m3", "m4", "m5"]);
      const third = scene(dir);
      assert.equal(third.sends.replay(parsePendingSend), 0, "nothing left after they were delivered");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are retried while the homeserver is down and delivered in order when it is back", async () => {
    const s = scene(undefined);
    s.state.down = true;
    for (let n = 0; n < 3; n++) s.sends.enqueue(send(n));
    await s.settle();
    s.clock.advance(5000);
    await s.settle();
    assert.deepEqual(s.delivered, []);
    s.state.down = false;
    s.clock.advance(10000);
    await s.queues.idle();
    assert.deepEqual(s.delivered, ["m0", "m1", "m2"]);
    assert.equal(s.sends.size, 0);
  });

  it("are bounded per room; what did not fit is reported in the room once it drained", async () => {
    const s = scene(undefined, 3);
    s.state.down = true;
    for (let n = 0; n < 5; n++) s.sends.enqueue(send(n));
    assert.equal(s.sends.enqueue(send(9, "!other:example.org")), true, "other rooms have their own bound");
    await s.settle();
    s.state.down = false;
    s.clock.advance(10000);
    await s.queues.idle();
    assert.deepEqual(s.delivered.sort(), ["m0", "m1", "m2", "m9"]);
    assert.equal(s.notices.length, 1);
    assert.match(s.notices[0] ?? "", /^2 message\(s\) from IRC sent between 1970-01-01T00:00:01\.003Z and 1970-01-01T00:00:01\.004Z could not be bridged/);
  });
});
