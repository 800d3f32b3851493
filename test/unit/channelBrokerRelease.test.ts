import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as turn } from "node:timers/promises";
import { ChannelBroker } from "../../src/broker/channelBroker";
import { FakeClock } from "../support/fakeClock";
import { collectGarbage } from "../support/gc";

interface Event {
  readonly text: string;
}

test("a delivered event is let go (its key alone is kept for the window); one that waits is held, and a repeat of a delivered one is still dropped", async () => {
  const clock = new FakeClock();
  const delivered: string[] = [];
  const broker = new ChannelBroker<Event>({ windowMs: 60000, graceMs: 3000 }, { deliver: (_channel, e) => delivered.push(e.text) }, clock);
  broker.join("#c", "reader");
  broker.join("#c", "other");
  const hear = (by: string, key: string, text: string): WeakRef<Event> => {
    const event = { text: text.repeat(1000) };
    broker.heard("#c", by, key, event);
    return new WeakRef(event);
  };
  const sent = hear("reader", "k1", "a");
  const waiting = hear("other", "k2", "b");
  assert.deepEqual(delivered, ["a".repeat(1000)]);
  await turn();
  collectGarbage();
  // Positive control: the event that waits for the reader is still held (and still arrives).
  assert.ok(waiting.deref() !== undefined, "the waiting event is held");
  assert.equal(sent.deref(), undefined, "the delivered event is let go");
  assert.equal(broker.heard("#c", "reader", "k1", { text: "repeat" }), false, "a repeat within the window is dropped");
  clock.advance(3000);
  assert.deepEqual(delivered, ["a".repeat(1000), "b".repeat(1000)]);
});
