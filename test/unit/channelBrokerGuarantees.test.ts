import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelBroker } from "../../src/broker/channelBroker";
import { FakeClock } from "../support/fakeClock";

function setup(windowMs = 60000, graceMs = 3000) {
  const clock = new FakeClock();
  const delivered: string[] = [];
  const late: string[] = [];
  const handovers: string[] = [];
  const duplicates: string[] = [];
  const broker = new ChannelBroker<string>(
    { windowMs, graceMs },
    {
      deliver: (channel, event) => delivered.push(`${channel} ${event}`),
      onHandover: (channel, from, to) => handovers.push(`${channel} ${from ?? "-"}>${to ?? "-"}`),
      onDuplicate: (channel) => duplicates.push(channel),
      onLateDelivery: (channel) => late.push(channel),
    },
    clock,
  );
  return { clock, delivered, late, handovers, duplicates, broker };
}

describe("event broker: exact timing, counts and membership", () => {
  it("an event only others heard is delivered exactly graceMs after it was first heard, counted as late", () => {
    const { broker, delivered, late, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "b", "k1", "m1");
    clock.advance(1000);
    broker.heard("#c", "b", "k2", "m2");
    clock.advance(1999);
    assert.deepEqual(delivered, []);
    clock.advance(1);
    assert.deepEqual(delivered, ["#c m1"], "m2's own grace time is not over");
    assert.deepEqual(late, ["#c"]);
    clock.advance(999);
    assert.deepEqual(delivered, ["#c m1"]);
    clock.advance(1);
    assert.deepEqual(delivered, ["#c m1", "#c m2"]);
    assert.equal(clock.liveTimers, 0, "nothing left to wait for");
  });

  it("the reader's own events are not late; earlier events it delivers on the way are", () => {
    const { broker, delivered, late } = setup();
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "a", "k1", "m1");
    assert.deepEqual(late, []);
    broker.heard("#c", "b", "k2", "m2");
    broker.heard("#c", "a", "k3", "m3");
    assert.deepEqual(delivered, ["#c m1", "#c m2", "#c m3"], "order: m2 first");
    assert.deepEqual(late, ["#c"], "m2 only");
  });

  it("a non-reader hearing an event already delivered counts no duplicate and delivers nothing", () => {
    const { broker, delivered, duplicates } = setup();
    broker.join("#c", "a");
    broker.join("#c", "b");
    assert.equal(broker.heard("#c", "a", "k", "m"), true);
    assert.equal(broker.heard("#c", "b", "k", "m"), false);
    assert.deepEqual(duplicates, []);
    assert.equal(broker.heard("#c", "a", "k", "m"), false);
    assert.deepEqual(duplicates, ["#c"]);
    assert.deepEqual(delivered, ["#c m"]);
  });

  it("heard() answers whether this call delivered", () => {
    const { broker } = setup();
    broker.join("#c", "a");
    broker.join("#c", "b");
    assert.equal(broker.heard("#c", "b", "k", "m"), false, "waits for the reader");
    assert.equal(broker.heard("#c", "a", "k", "m"), true, "the reader delivers it");
  });

  it("with no member (history replayed), an event is delivered at once", () => {
    const { broker, delivered } = setup();
    assert.equal(broker.heard("#c", "history", "k", "old"), true);
    assert.deepEqual(delivered, ["#c old"]);
  });

  it("a key is remembered for windowMs after it was first heard", () => {
    const { broker, delivered, clock } = setup(1000, 100);
    broker.join("#c", "a");
    broker.heard("#c", "a", "k", "first");
    clock.advance(999);
    broker.heard("#c", "a", "k", "again");
    assert.deepEqual(delivered, ["#c first"], "still within the window");
    clock.advance(1);
    broker.heard("#c", "a", "k", "later");
    assert.deepEqual(delivered, ["#c first", "#c later"]);
  });

  it("an entry still waiting for its grace time is never pruned, however old: its key keeps it unique", () => {
    const { broker, delivered, clock } = setup(1000, 5000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "b", "k1", "m1");
    clock.advance(2000);
    broker.heard("#c", "b", "k1", "m1");
    clock.advance(3000);
    assert.deepEqual(delivered, ["#c m1"]);
    clock.advance(10000);
    assert.deepEqual(delivered, ["#c m1"]);
  });

  it("membership: counts, channels of a connection, leaving everything at once", () => {
    const { broker, handovers } = setup();
    broker.join("#one", "a");
    broker.join("#one", "a");
    broker.join("#one", "b");
    broker.join("#two", "a");
    assert.equal(broker.memberCount("#one"), 2, "joining twice counts once");
    assert.equal(broker.memberCount("#none"), 0);
    assert.equal(broker.isMember("#one", "b"), true);
    assert.equal(broker.isMember("#two", "b"), false);
    assert.equal(broker.isMember("#none", "b"), false);
    assert.deepEqual(broker.channelsOf("a"), ["#one", "#two"]);
    broker.leaveAll("a");
    assert.deepEqual(broker.channelsOf("a"), []);
    assert.equal(broker.readerOf("#one"), "b");
    assert.equal(broker.readerOf("#two"), undefined);
    assert.deepEqual(handovers, ["#one ->a", "#two ->a", "#one ->b"], "a channel left with nobody has no reader to hand over to");
  });

  it("leaving a channel one is not in changes nothing", () => {
    const { broker, handovers } = setup();
    broker.leave("#none", "a");
    broker.join("#c", "a");
    broker.leave("#c", "b");
    assert.equal(broker.readerOf("#c"), "a");
    assert.deepEqual(handovers, ["#c ->a"]);
  });

  it("the first to join stays reader while others join; a second preferred connection does not take over", () => {
    const { broker, handovers } = setup();
    broker.join("#c", "a");
    broker.join("#c", "b");
    assert.equal(broker.readerOf("#c"), "a");
    broker.join("#c", "bot", true);
    broker.join("#c", "bot2", true);
    assert.equal(broker.readerOf("#c"), "bot");
    broker.leave("#c", "bot");
    assert.equal(broker.readerOf("#c"), "bot2", "preferred before earlier joiners");
    broker.leave("#c", "bot2");
    assert.equal(broker.readerOf("#c"), "a", "then the one that joined first");
    assert.deepEqual(handovers, ["#c ->a", "#c a>bot", "#c ->bot2", "#c ->a"]);
  });

  it("a new reader delivers at once what only it had heard, as late", () => {
    const { broker, delivered, late, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "b", "k1", "m1");
    broker.heard("#c", "b", "k2", "m2");
    broker.leave("#c", "a");
    assert.deepEqual(delivered, ["#c m1", "#c m2"]);
    assert.deepEqual(late, ["#c", "#c"]);
    clock.advance(10000);
    assert.deepEqual(delivered, ["#c m1", "#c m2"], "the grace timer delivers nothing twice");
  });

  it("the last member leaving with events undelivered keeps them; they go out when someone joins", () => {
    const { broker, delivered, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "b", "k1", "m1");
    broker.leave("#c", "b");
    broker.leave("#c", "a");
    assert.deepEqual(delivered, []);
    broker.join("#c", "c");
    assert.deepEqual(delivered, ["#c m1"]);
    clock.advance(10000);
    assert.deepEqual(delivered, ["#c m1"]);
  });

  it("an emptied channel keeps its keys for the window (a repeat is dropped), then is forgotten with its timers", () => {
    const { broker, delivered, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.heard("#c", "a", "k", "m");
    broker.leave("#c", "a");
    assert.equal(broker.known("#c", "k"), true, "remembered");
    clock.advance(59999);
    broker.join("#c", "b");
    broker.heard("#c", "b", "k", "m again");
    assert.deepEqual(delivered, ["#c m"], "within the window: a duplicate");
    broker.leave("#c", "b");
    clock.advance(1);
    assert.equal(broker.known("#c", "k"), false, "out of the window: forgotten");
    assert.equal(clock.liveTimers, 0);
    broker.join("#c", "a");
    broker.heard("#c", "a", "k", "m after the window");
    assert.deepEqual(delivered, ["#c m", "#c m after the window"], "a fresh channel state");
  });

  it("the last member leaves while another connection's JOIN is on its way: what it hears again is not delivered twice", () => {
    const { broker, delivered } = setup(60000, 3000);
    broker.join("#c", "a");
    for (const k of ["join-d", "m1", "m2"]) broker.heard("#c", "a", k, k);
    broker.leave("#c", "a");
    broker.heard("#c", "d", "join-d", "join-d");
    broker.join("#c", "d", false, "join-d");
    for (const k of ["m1", "m2", "m3"]) broker.heard("#c", "d", k, k);
    assert.deepEqual(delivered, ["#c join-d", "#c m1", "#c m2", "#c m3"]);
  });

  it("joining again keeps a member's seniority; the next reader is the next to have joined", () => {
    const { broker } = setup();
    for (const id of ["a", "b", "c", "d"]) broker.join("#c", id);
    broker.join("#c", "b");
    broker.leave("#c", "a");
    assert.equal(broker.readerOf("#c"), "b");
    broker.leave("#c", "b");
    assert.equal(broker.readerOf("#c"), "c");
  });

  it("the last member leaving with some events delivered and some not keeps the undelivered ones", () => {
    const { broker, delivered } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "a", "k0", "m0");
    broker.heard("#c", "b", "k1", "m1");
    broker.leave("#c", "b");
    broker.leave("#c", "a");
    assert.deepEqual(delivered, ["#c m0"]);
    broker.join("#c", "c");
    assert.deepEqual(delivered, ["#c m0", "#c m1"]);
  });

  it("a non-reader hearing the same event twice still waits for the reader or the grace time", () => {
    const { broker, delivered, clock } = setup(60000, 3000);
    broker.join("#c", "a");
    broker.join("#c", "b");
    assert.equal(broker.heard("#c", "b", "k", "m"), false);
    assert.equal(broker.heard("#c", "b", "k", "m"), false);
    assert.deepEqual(delivered, []);
    clock.advance(3000);
    assert.deepEqual(delivered, ["#c m"]);
  });

  it("the counting hooks are optional", () => {
    const clock = new FakeClock();
    const delivered: string[] = [];
    const broker = new ChannelBroker<string>({ windowMs: 60000, graceMs: 100 }, { deliver: (_c, e) => delivered.push(e) }, clock);
    broker.join("#c", "a");
    broker.join("#c", "b");
    broker.heard("#c", "a", "k1", "m1");
    broker.heard("#c", "a", "k1", "m1");
    broker.heard("#c", "b", "k2", "m2");
    clock.advance(100);
    broker.heard("#c", "b", "k3", "m3");
    broker.leave("#c", "a");
    assert.deepEqual(delivered, ["m1", "m2", "m3"]);
  });
});

