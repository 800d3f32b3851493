import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { homeserverQueues } from "../../src/compose/homeserverQueues";
import { createMetrics } from "../../src/observability/metrics";
import { PendingSends, type PendingSend } from "../../src/rooms/pendingSends";
import type { RoomOp } from "../../src/rooms/roomQueues";
import { SendJournal } from "../../src/store/sendJournal";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { silentLogger } from "../support/silentLogger";

const BOT = "@ircbot:example.org";
const ROOM = "!room:example.org";

function scene(maxPerRoom: number) {
  const api = new FakeMatrixApi();
  const metrics = createMetrics();
  const { queues } = homeserverQueues(metrics, silentLogger(), new FakeClock(), { maxPerRoom, api, botUserId: BOT });
  const done: string[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  /** Holds the room's queue (as a homeserver that does not answer would) until `open()`. */
  const blocker: RoomOp = { what: "held", run: () => gate.then(() => void done.push("held")) };
  const ghostJoin = (n: number): RoomOp => ({ what: `join of n${n}`, droppable: true, run: () => Promise.resolve(void done.push(`join n${n}`)) });
  const dropped = async () => (await metrics.roomOpsDropped.get()).values[0]?.value ?? 0;
  const notices = () => api.sent.filter((e) => e.roomId === ROOM && e.as === BOT).map((e) => String(e.content.body));
  return { api, metrics, queues, done, open, blocker, ghostJoin, dropped, notices };
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe("a bound on each room's queue (homeserver.maxQueuedPerRoom)", () => {
  it("refuses changes from IRC beyond the bound, counts them, and tells the room once the queue drained", async () => {
    const s = scene(3);
    assert.ok(s.queues.enqueue(ROOM, s.blocker));
    assert.ok(s.queues.enqueue(ROOM, s.ghostJoin(1)));
    assert.ok(s.queues.enqueue(ROOM, s.ghostJoin(2)));
    assert.equal(s.queues.enqueue(ROOM, s.ghostJoin(3)), false, "the fourth does not fit");
    assert.equal(s.queues.enqueue(ROOM, s.ghostJoin(4)), false);
    assert.ok(s.queues.enqueue(ROOM, { what: "join rule: invite", run: () => Promise.resolve(void s.done.push("join rule")) }), "what keeps the room private is never refused");
    assert.ok(s.queues.enqueue("!other:example.org", s.ghostJoin(9)), "other rooms have their own bound");
    assert.equal(await s.dropped(), 2);
    await settle();
    assert.deepEqual(s.notices(), [], "nothing is said while the queue is still held");
    s.open();
    await s.queues.idle();
    await settle();
    assert.deepEqual(s.done, ["join n9", "held", "join n1", "join n2", "join rule"]);
    const notices = s.notices();
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? "", /^2 change\(s\) from IRC .* were not applied to this room: its queue for the homeserver was full/);
    // Drained: the room takes changes again, and a later overflow is told again, once.
    assert.ok(s.queues.enqueue(ROOM, s.ghostJoin(5)));
    await s.queues.idle();
    assert.equal(s.notices().length, 1);
  });

  it("a message does not fit while the room's queue is full of other changes: it is reported like any dropped message", async () => {
    const s = scene(2);
    const told: string[] = [];
    const lost: string[] = [];
    const sends = new PendingSends({
      journal: new SendJournal<PendingSend>(undefined, "irc-to-matrix.log"),
      queues: s.queues,
      deliver: () => Promise.resolve(),
      notice: (_send, text) => told.push(text),
      maxPerRoom: 2,
      depth: () => undefined,
      dropped: (send) => lost.push(String(send.content.body)),
    });
    s.queues.enqueue(ROOM, s.blocker);
    s.queues.enqueue(ROOM, s.ghostJoin(1));
    const message: PendingSend = { id: "m1", roomId: ROOM, network: "net", channel: "#chan", nick: "bob", ghost: "@irc_bob:example.org", content: { msgtype: "m.text", body: "hello" }, txnId: "m1", ts: 5000, msgid: undefined };
    assert.equal(sends.enqueue(message), false);
    assert.deepEqual(lost, ["hello"]);
    s.open();
    await s.queues.idle();
    await settle();
    // The room is told about the message (pendingSends.ts speaks only once its own messages drained:
    // none was queued, so its next settled message reports it); the overflow of other changes, none.
    assert.equal(await s.dropped(), 0, "a message is not counted as a dropped change");
    assert.ok(sends.enqueue({ ...message, id: "m2", txnId: "m2", content: { msgtype: "m.text", body: "again" } }));
    await s.queues.idle();
    assert.equal(told.length, 1);
    assert.match(told[0] ?? "", /^1 message\(s\) from IRC .* could not be bridged/);
  });
});
