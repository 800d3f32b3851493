import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelOrder } from "../../src/fromMatrix/channelOrder";

/** A send whose confirmation the test controls. */
function controlled() {
  let confirm: () => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    confirm = resolve;
    fail = reject;
  });
  return { promise, confirm: () => confirm(), fail: (m: string) => fail(new Error(m)) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("Matrix -> IRC channel order", () => {
  it("hands a message over only after the previous one was confirmed, across senders", async () => {
    const order = new ChannelOrder(10);
    const handed: string[] = [];
    const sends = ["alice-1", "bob-1", "alice-2"].map((name) => ({ name, c: controlled() }));
    for (const s of sends) {
      order.enqueue("#chan", { send: () => (handed.push(s.name), s.c.promise), onSent: () => undefined, onFailed: () => undefined });
    }
    assert.deepEqual(handed, ["alice-1"]);
    sends[0]?.c.confirm();
    await tick();
    assert.deepEqual(handed, ["alice-1", "bob-1"]);
    sends[1]?.c.fail("cannot send to channel");
    await tick();
    assert.deepEqual(handed, ["alice-1", "bob-1", "alice-2"], "a failure does not wedge the channel");
  });

  it("reports each outcome to its sender", async () => {
    const order = new ChannelOrder(10);
    const outcomes: string[] = [];
    order.enqueue("#c", { send: () => Promise.resolve(), onSent: () => outcomes.push("sent"), onFailed: (r) => outcomes.push(`failed: ${r}`) });
    order.enqueue("#c", { send: () => false, onSent: () => outcomes.push("sent"), onFailed: (r) => outcomes.push(`failed: ${r}`) });
    order.enqueue("#c", { send: () => Promise.reject(new Error("gone")), onSent: () => outcomes.push("sent"), onFailed: (r) => outcomes.push(`failed: ${r}`) });
    await tick();
    await tick();
    assert.deepEqual(outcomes, ["sent", "failed: too many messages are already waiting on your IRC connection", "failed: gone"]);
  });

  it("keeps channels independent and bounds each", () => {
    const order = new ChannelOrder(2);
    const never = () => new Promise<void>(() => undefined);
    const handed: string[] = [];
    assert.ok(order.enqueue("#a", { send: () => (handed.push("a1"), never()), onSent: () => undefined, onFailed: () => undefined }));
    assert.ok(order.enqueue("#b", { send: () => (handed.push("b1"), never()), onSent: () => undefined, onFailed: () => undefined }));
    assert.ok(order.enqueue("#a", { send: never, onSent: () => undefined, onFailed: () => undefined }));
    assert.equal(order.enqueue("#a", { send: never, onSent: () => undefined, onFailed: () => undefined }), false);
    assert.deepEqual(handed, ["a1", "b1"]);
  });
});
