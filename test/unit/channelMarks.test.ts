import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelMarks, HEARTBEAT } from "../../src/bridge/channelMarks";
import type { ChannelMark, MarkStore, RoomRecord } from "../../src/store/store";
import { FakeClock } from "../support/fakeClock";
import { recordingLogger } from "../support/recordingLogger";
import { silentLogger } from "../support/silentLogger";
import type { Logger } from "../../src/observability/logger";

/** Marks in memory, by network and channel, with every write kept in order. */
class MemoryMarks implements MarkStore {
  readonly rows = new Map<string, ChannelMark>();
  readonly writes: ChannelMark[] = [];
  all(network: string): Promise<ChannelMark[]> {
    return Promise.resolve([...this.rows.values()].filter((m) => m.network === network));
  }
  put(mark: ChannelMark): Promise<void> {
    this.rows.set(`${mark.network}\0${mark.folded}`, mark);
    this.writes.push(mark);
    return Promise.resolve();
  }
  get(folded: string): ChannelMark | undefined {
    return this.rows.get(`net\0${folded}`);
  }
}

const room = (folded: string, network = "net"): RoomRecord => ({ roomId: `!${folded}:hs`, network, channel: folded, folded, origin: "portal" });

/** A network with `rooms` bridged, the bridge in the channels of `here`. */
function scene(store: MarkStore, clock: FakeClock, rooms: RoomRecord[], here: Set<string>, log: Logger = silentLogger()) {
  return new ChannelMarks({
    networkId: "net",
    store,
    rooms: { all: () => rooms },
    feed: { fold: (c) => c.toLowerCase(), broker: { readerOf: (folded) => (here.has(folded) ? "conn" : undefined) } },
    clock,
    log,
  });
}

describe("channel marks: presence (bridge/channelMarks.ts)", () => {
  it("one write per period for the network, plus one per channel entered or left: not one per channel", async () => {
    const store = new MemoryMarks();
    const clock = new FakeClock();
    const rooms = Array.from({ length: 100 }, (_, i) => room(`#c${i}`));
    const here = new Set(rooms.map((r) => r.folded));
    const marks = scene(store, clock, rooms, here);
    clock.t = 1000;
    await marks.recordPresence();
    assert.equal(store.writes.length, 101, "positive control: the first period writes each channel entered, and the heartbeat");
    store.writes.length = 0;
    for (let period = 1; period <= 10; period++) {
      clock.t = 1000 + period * 15000;
      await marks.recordPresence();
    }
    assert.deepEqual(
      store.writes.map((w) => w.folded),
      Array.from({ length: 10 }, () => HEARTBEAT),
      "ten quiet periods: ten heartbeats",
    );
    store.writes.length = 0;
    here.delete("#c7");
    clock.t += 15000;
    await marks.recordPresence();
    assert.deepEqual(
      store.writes.map((w) => [w.folded, w.present, w.seenAt]),
      [
        ["#c7", false, 1000 + 10 * 15000],
        [HEARTBEAT, undefined, clock.t],
      ],
      "a channel left: written once, seen at the last period the bridge was there",
    );
    store.writes.length = 0;
    clock.t += 15000;
    await marks.recordPresence();
    assert.deepEqual(store.writes.map((w) => w.folded), [HEARTBEAT], "and not again while the bridge stays away");
  });

  it("only this network's rooms count, even where this network's bridge reads a channel of the same name", async () => {
    const store = new MemoryMarks();
    const clock = new FakeClock();
    const marks = scene(store, clock, [room("#x", "elsewhere")], new Set(["#x"]));
    await marks.recordPresence();
    assert.deepEqual(store.writes.map((w) => w.folded), [HEARTBEAT]);
    assert.equal(marks.byChannel.has("#x"), false);
  });

  it("a store written before heartbeats (no heartbeat, no present flag) loads as it is", async () => {
    const store = new MemoryMarks();
    await store.put({ network: "net", folded: "#old", time: 5, msgid: "m", seenAt: 40000 });
    const marks = scene(store, new FakeClock(), [room("#old")], new Set());
    await marks.load();
    assert.deepEqual(marks.byChannel.get("#old"), { network: "net", folded: "#old", time: 5, msgid: "m", seenAt: 40000 });
  });

  it("a failed write is logged, for a delivered event and for presence", async () => {
    const failing: MarkStore = { all: () => Promise.resolve([]), put: () => Promise.reject(new Error("store gone")) };
    const { log, lines, settled } = recordingLogger();
    const marks = scene(failing, new FakeClock(), [room("#a")], new Set(["#a"]), log);
    marks.delivered("#a", 10, "x");
    await marks.recordPresence();
    await new Promise((resolve) => setImmediate(resolve));
    await settled();
    assert.deepEqual(
      lines.map((l) => [l.level, l.message, l.fields.error]),
      [
        ["error", "cannot save a channel mark", "store gone"],
        ["error", "cannot save channel presence", "store gone"],
      ],
    );
  });

  it("in memory every channel the bridge is in is seen at each period (the away notice after a lost connection)", async () => {
    const store = new MemoryMarks();
    const clock = new FakeClock();
    const here = new Set(["#a", "#b"]);
    const marks = scene(store, clock, [room("#a"), room("#b"), room("#other", "elsewhere")], here);
    clock.t = 5000;
    await marks.recordPresence();
    clock.t = 20000;
    await marks.recordPresence();
    assert.equal(marks.byChannel.get("#a")?.seenAt, 20000);
    assert.equal(marks.byChannel.get("#b")?.seenAt, 20000);
    assert.equal(store.get("#a")?.seenAt, 5000, "the store keeps the time the bridge entered: the heartbeat says the rest");
    assert.equal(marks.byChannel.has("#other"), false, "another network's room is not this network's");
  });

  it("after a crash, a channel the bridge was in is seen at the network's last heartbeat; one it had left, when it left", async () => {
    const store = new MemoryMarks();
    const clock = new FakeClock();
    const here = new Set(["#a", "#b"]);
    const before = scene(store, clock, [room("#a"), room("#b")], here);
    clock.t = 1000;
    await before.recordPresence();
    clock.t = 16000;
    here.delete("#b");
    await before.recordPresence();
    clock.t = 31000;
    await before.recordPresence();
    // A crash: nothing more is written. A new process loads the marks.
    const after = scene(store, new FakeClock(), [room("#a"), room("#b")], new Set());
    await after.load();
    assert.equal(after.byChannel.get("#a")?.seenAt, 31000, "still there at the last heartbeat");
    assert.equal(after.byChannel.get("#b")?.seenAt, 1000, "left after the period at 1000");
    assert.equal(after.byChannel.has(HEARTBEAT), false, "the heartbeat is no channel");
  });

  it("marks of an older version (no present flag) keep their own time, then join the heartbeat's way", async () => {
    const store = new MemoryMarks();
    await store.put({ network: "net", folded: HEARTBEAT, time: 0, msgid: undefined, seenAt: 90000 });
    await store.put({ network: "net", folded: "#old", time: 5, msgid: "m", seenAt: 40000 });
    const clock = new FakeClock();
    const marks = scene(store, clock, [room("#old")], new Set(["#old"]));
    await marks.load();
    assert.equal(marks.byChannel.get("#old")?.seenAt, 40000);
    store.writes.length = 0;
    clock.t = 100000;
    await marks.recordPresence();
    assert.deepEqual(store.get("#old"), { network: "net", folded: "#old", time: 5, msgid: "m", seenAt: 100000, present: true }, "entered: written with the delivered event kept");
  });

  it("delivered events: none without a server time; never back to an older one; a later one of the same millisecond counts", () => {
    const store = new MemoryMarks();
    const clock = new FakeClock();
    const marks = scene(store, clock, [room("#a")], new Set());
    clock.t = 500;
    marks.delivered("#a", undefined, "none");
    assert.equal(store.writes.length, 0, "no time: nothing to resume from");
    marks.delivered("#a", 2000, "x1");
    assert.deepEqual(store.get("#a"), { network: "net", folded: "#a", time: 2000, msgid: "x1", seenAt: 500 }, "a first mark: no presence said");
    marks.delivered("#a", 1500, "older");
    assert.equal(store.get("#a")?.msgid, "x1", "an older event does not move the mark back");
    marks.delivered("#a", 2000, "x2");
    assert.equal(store.get("#a")?.msgid, "x2", "the same millisecond, later in order: it is the last delivered");
  });

  it("a delivered event keeps the channel's presence as it was", async () => {
    const store = new MemoryMarks();
    const clock = new FakeClock();
    const marks = scene(store, clock, [room("#a")], new Set(["#a"]));
    clock.t = 1000;
    await marks.recordPresence();
    clock.t = 2000;
    marks.delivered("#A", 1500, "x1");
    assert.deepEqual(store.get("#a"), { network: "net", folded: "#a", time: 1500, msgid: "x1", seenAt: 2000, present: true });
  });
});
