import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelOrder, type OrderedMessage } from "../../src/fromMatrix/channelOrder";
import { FakeClock } from "../support/fakeClock";

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
const HOLD = 3000;

/** A message from `sender` whose hand-over is recorded in `handed` and confirmed by the test. */
function message(sender: string, name: string, handed: string[], ready: () => boolean = () => true) {
  const c = controlled();
  const m: OrderedMessage = { sender, ready, send: () => (handed.push(name), c.promise), onSent: () => undefined, onFailed: () => undefined };
  return { m, ...c };
}

describe("Matrix -> IRC channel order", () => {
  it("hands a message over only after the previous one was confirmed, across senders", async () => {
    const order = new ChannelOrder(10, HOLD, new FakeClock());
    const handed: string[] = [];
    const sends = [message("alice", "alice-1", handed), message("bob", "bob-1", handed), message("alice", "alice-2", handed)];
    for (const s of sends) order.enqueue("#chan", s.m);
    assert.deepEqual(handed, ["alice-1"]);
    sends[0]?.confirm();
    await tick();
    assert.deepEqual(handed, ["alice-1", "bob-1"]);
    sends[1]?.fail("cannot send to channel");
    await tick();
    assert.deepEqual(handed, ["alice-1", "bob-1", "alice-2"], "a failure does not wedge the channel");
  });

  it("reports each outcome to its sender", async () => {
    const order = new ChannelOrder(10, HOLD, new FakeClock());
    const outcomes: string[] = [];
    const report = { sender: "a", ready: () => true, onSent: () => outcomes.push("sent"), onFailed: (r: string) => outcomes.push(`failed: ${r}`) };
    order.enqueue("#c", { ...report, send: () => Promise.resolve() });
    order.enqueue("#c", { ...report, send: () => false });
    order.enqueue("#c", { ...report, send: () => Promise.reject(new Error("gone")) });
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(outcomes, ["sent", "failed: too many messages are already waiting on your IRC connection", "failed: gone"]);
  });

  it("keeps channels independent and bounds each", () => {
    const order = new ChannelOrder(2, HOLD, new FakeClock());
    const never = () => new Promise<void>(() => undefined);
    const handed: string[] = [];
    const base = { sender: "a", ready: () => true, onSent: () => undefined, onFailed: () => undefined };
    assert.ok(order.enqueue("#a", { ...base, send: () => (handed.push("a1"), never()) }));
    assert.ok(order.enqueue("#b", { ...base, send: () => (handed.push("b1"), never()) }));
    assert.ok(order.enqueue("#a", { ...base, send: never }));
    assert.equal(order.enqueue("#a", { ...base, send: never }), false);
    assert.deepEqual(handed, ["a1", "b1"]);
  });

  it("a user whose connection is down holds nobody: B's messages go at once, A's follow later in A's order", async () => {
    const clock = new FakeClock();
    const order = new ChannelOrder(10, HOLD, clock);
    const handed: string[] = [];
    let aUp = false;
    const a1 = message("alice", "a1", handed, () => aUp);
    const a2 = message("alice", "a2", handed, () => aUp);
    const b1 = message("bob", "b1", handed);
    const b2 = message("bob", "b2", handed);
    for (const s of [a1, a2, b1, b2]) order.enqueue("#chan", s.m);
    // a1 waits on Alice's own (down) connection; it does not hold Bob.
    assert.deepEqual(handed, ["a1", "b1"]);
    b1.confirm();
    await tick();
    assert.deepEqual(handed, ["a1", "b1", "b2"], "Bob is not held by Alice's stalled connection");
    b2.confirm();
    await tick();
    assert.equal(clock.now(), 0, "no time had to pass for Bob");
    aUp = true;
    a1.confirm();
    await tick();
    assert.deepEqual(handed, ["a1", "b1", "b2", "a2"], "Alice's messages follow, in her order");
    a2.confirm();
    await tick();
    assert.equal(order.pending("#chan"), 0);
  });

  it("keeps the channel's order among connected users while one user is down", async () => {
    const order = new ChannelOrder(10, HOLD, new FakeClock());
    const handed: string[] = [];
    const a1 = message("alice", "a1", handed, () => false);
    const b1 = message("bob", "b1", handed);
    const c1 = message("carol", "c1", handed);
    const b2 = message("bob", "b2", handed);
    for (const s of [a1, b1, c1, b2]) order.enqueue("#chan", s.m);
    assert.deepEqual(handed, ["a1", "b1"], "Carol waits for Bob's earlier message");
    b1.confirm();
    await tick();
    assert.deepEqual(handed, ["a1", "b1", "c1"], "Bob's second message waits for Carol's earlier one");
    c1.confirm();
    await tick();
    assert.deepEqual(handed, ["a1", "b1", "c1", "b2"]);
  });

  it("a message of a user whose connection is down, waiting behind others, holds nobody once its turn comes", async () => {
    const order = new ChannelOrder(10, HOLD, new FakeClock());
    const handed: string[] = [];
    const b1 = message("bob", "b1", handed);
    const a1 = message("alice", "a1", handed, () => false);
    const c1 = message("carol", "c1", handed);
    for (const s of [b1, a1, c1]) order.enqueue("#chan", s.m);
    assert.deepEqual(handed, ["b1"], "Bob's message is first, and connected: both wait for it");
    b1.confirm();
    await tick();
    assert.deepEqual(handed, ["b1", "a1", "c1"], "Alice's connection is down: Carol does not wait for it");
  });

  it("a connected user whose message waits too long for its confirmation stops holding the others", async () => {
    const clock = new FakeClock();
    const order = new ChannelOrder(10, HOLD, clock);
    const handed: string[] = [];
    const a1 = message("alice", "a1", handed);
    const a2 = message("alice", "a2", handed);
    const b1 = message("bob", "b1", handed);
    for (const s of [a1, a2, b1]) order.enqueue("#chan", s.m);
    assert.deepEqual(handed, ["a1"]);
    clock.advance(HOLD - 1);
    assert.deepEqual(handed, ["a1"], "within the bound, the channel's order holds");
    clock.advance(1);
    assert.deepEqual(handed, ["a1", "b1"], "past it, Bob goes ahead");
    a1.confirm();
    await tick();
    assert.deepEqual(handed, ["a1", "b1", "a2"], "Alice's own order holds");
  });

  it("randomized: order per sender always holds, and only stalled senders are overtaken", async () => {
    for (let seed = 1; seed <= 150; seed++) await randomRun(seed);
  });
});

/** A small seeded PRNG (mulberry32), so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  readonly id: number;
  readonly sender: string;
  handedAt: number | undefined;
  settled: boolean;
  settle?: (ok: boolean) => void;
}

async function randomRun(seed: number): Promise<void> {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const clock = new FakeClock();
  const order = new ChannelOrder(1000, HOLD, clock);
  const senders = ["a", "b", "c", "d"];
  const ready = new Map(senders.map((s) => [s, true]));
  const all: Sent[] = [];
  const handOrder = new Map<string, number[]>(senders.map((s) => [s, []]));
  const violations: string[] = [];
  const stalled = (sender: string): boolean => {
    if (ready.get(sender) !== true) return true;
    const first = all.find((m) => m.sender === sender && !m.settled);
    return first?.handedAt !== undefined && clock.now() - first.handedAt >= HOLD;
  };
  const enqueue = () => {
    const sender = pick(senders);
    const m: Sent = { id: all.length, sender, handedAt: undefined, settled: false };
    all.push(m);
    order.enqueue("#chan", {
      sender,
      ready: () => ready.get(sender) === true,
      send: () => {
        const earlier = all.filter((x) => x.id < m.id && !x.settled);
        for (const x of earlier) {
          if (x.sender === sender) violations.push(`seed ${seed}: ${m.id} handed before ${x.id} of the same sender settled`);
          else if (!stalled(x.sender)) violations.push(`seed ${seed}: ${m.id} (${sender}) overtook ${x.id} of ${x.sender}, who was not stalled`);
        }
        m.handedAt = clock.now();
        handOrder.get(sender)?.push(m.id);
        return new Promise<void>((resolve, reject) => {
          m.settle = (ok) => (ok ? resolve() : reject(new Error("refused")));
        });
      },
      onSent: () => (m.settled = true),
      onFailed: () => (m.settled = true),
    });
  };
  for (let step = 0; step < 120; step++) {
    const r = random();
    if (r < 0.4) enqueue();
    else if (r < 0.65) {
      const inFlight = all.filter((m) => m.handedAt !== undefined && !m.settled && m.settle !== undefined);
      if (inFlight.length > 0) {
        const m = pick(inFlight);
        const settle = m.settle;
        m.settle = undefined;
        settle?.(random() < 0.85);
        await tick();
      }
    } else if (r < 0.8) ready.set(pick(senders), random() < 0.6);
    else clock.advance(Math.floor(random() * HOLD * 1.5));
  }
  // Everyone comes back and every line is confirmed: nothing is left behind.
  for (const s of senders) ready.set(s, true);
  for (let round = 0; round < 1000 && all.some((m) => !m.settled); round++) {
    for (const m of all) {
      const settle = m.settle;
      m.settle = undefined;
      settle?.(true);
    }
    await tick();
    clock.advance(HOLD);
  }
  assert.deepEqual(violations, []);
  assert.ok(all.every((m) => m.settled), `seed ${seed}: every message settled`);
  for (const s of senders) {
    const ids = all.filter((m) => m.sender === s).map((m) => m.id);
    assert.deepEqual(handOrder.get(s), ids, `seed ${seed}: ${s}'s messages handed in their order, each once`);
  }
  assert.equal(order.pending("#chan"), 0);
}
